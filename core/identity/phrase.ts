/**
 * The recovery phrase (domain.md §12): 24 English words of BIP39 (256 bits of entropy and an
 * 8-bit checksum), made and checked by @scure/bip39 (audited; its only dependency is
 * @noble/hashes). The person writes it down at first run; from it comes this install's
 * identity seed, and from the seed one member key per network (member-key.ts).
 *
 * The node's side only: the API contract, which the CLI and the Electron main process load
 * to check parameters, must not import this module (test/node/commands.test.ts).
 */
import {
  entropyToMnemonic,
  generateMnemonic,
  mnemonicToEntropy,
  mnemonicToSeedSync,
} from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import sodium from 'sodium-universal'
import { fail } from '../errors.ts'
import { SEALED_PHRASE_BYTES } from '../ledger/limits.ts'
import type { Key, KeyPair } from './member-key.ts'

export const PHRASE_WORDS = 24

/** The BLAKE2b key that turns a phrase's BIP39 seed into the identity seed, and nothing else. */
const IDENTITY_CONTEXT = Buffer.from('exodus/identity/v1')

const KNOWN = new Set(wordlist)

/** A new recovery phrase: 24 words, 256 bits from the system's secure random source. */
export function newPhrase(): string {
  return generateMnemonic(wordlist, 256)
}

/**
 * The words as a person may have written or pasted them, in the one canonical form (lower
 * case, single spaces): any spaces, line breaks, commas and case, and the numbers of a
 * numbered list ("1." or "1)") are accepted. Anything else is refused as `phrase-invalid`,
 * saying what is wrong: no words, a word that is not in the list (which one), not 24 words,
 * or a checksum that does not match (a word wrong, or two swapped).
 */
export function normalisePhrase(text: string): string {
  const words = text
    .normalize('NFKD')
    .toLowerCase()
    .split(/[\s,;]+/)
    .filter((w) => w !== '' && !/^\d+[.)]?$/.test(w))
  if (words.length === 0) throw fail('phrase-invalid', {}, 'empty')
  const unknown = words.findIndex((w) => !KNOWN.has(w))
  if (unknown >= 0) {
    const word = words[unknown]!.slice(0, 40)
    throw fail('phrase-invalid', { position: unknown + 1, word }, 'word')
  }
  if (words.length !== PHRASE_WORDS) throw fail('phrase-invalid', { given: words.length }, 'count')
  const phrase = words.join(' ')
  try {
    mnemonicToEntropy(phrase, wordlist)
  } catch {
    throw fail('phrase-invalid', {}, 'checksum')
  }
  return phrase
}

/** The phrase's words, in order. */
export function phraseWords(phrase: string): string[] {
  return normalisePhrase(phrase).split(' ')
}

/**
 * The identity seed (32 bytes) of a phrase: its BIP39 seed (PBKDF2-HMAC-SHA512, 2048
 * rounds, no passphrase), hashed by BLAKE2b-256 keyed with "exodus/identity/v1", so that it
 * is of use to this app alone. A few milliseconds: callers keep it rather than derive it
 * again. Throws `phrase-invalid` for anything normalisePhrase refuses.
 */
export function identitySeed(phrase: string): Buffer {
  const bip39 = mnemonicToSeedSync(normalisePhrase(phrase))
  const seed = Buffer.alloc(32)
  sodium.crypto_generichash(seed, bip39, IDENTITY_CONTEXT)
  sodium.sodium_memzero(bip39)
  return seed
}

/** Bytes of a phrase's entropy: 24 words are 256 bits. */
const ENTROPY_BYTES = 32

/** The X25519 public key of an ed25519 one, or null for bytes that are not such a key. */
function curvePublicKey(ed25519: Key): Buffer | null {
  const pk = typeof ed25519 === 'string' ? Buffer.from(ed25519, 'hex') : ed25519
  if (pk.byteLength !== 32) return null
  const out = Buffer.alloc(32)
  try {
    sodium.crypto_sign_ed25519_pk_to_curve25519(out, pk)
  } catch {
    return null
  }
  return out
}

/**
 * Seals `phrase` (its 32 bytes of entropy) for the holder of the ed25519 key pair whose public
 * key is `publicKey`, a device's writer signing key (docs/protocol.md, "Member keys"): an
 * anonymous libsodium sealed box, SEALED_PHRASE_BYTES long, that only that secret key opens.
 * Throws a TypeError for a key that is not an ed25519 public key (a bug of the caller).
 */
export function sealPhrase(phrase: string, publicKey: Key): Buffer {
  const pk = curvePublicKey(publicKey)
  if (!pk) throw new TypeError('publicKey must be a 32-byte ed25519 public key')
  const entropy = Buffer.from(mnemonicToEntropy(normalisePhrase(phrase), wordlist))
  const box = Buffer.alloc(SEALED_PHRASE_BYTES)
  sodium.crypto_box_seal(box, entropy, pk)
  sodium.sodium_memzero(entropy)
  return box
}

/**
 * The phrase in a box that sealPhrase made for `keyPair`'s public key, or null when it was
 * sealed for another key, or is not such a box. Never throws.
 */
export function openSealedPhrase(box: Key, keyPair: KeyPair): string | null {
  const sealed = typeof box === 'string' ? Buffer.from(box, 'hex') : box
  if (sealed.byteLength !== SEALED_PHRASE_BYTES || keyPair.secretKey.byteLength !== 64) return null
  const pk = curvePublicKey(keyPair.publicKey)
  if (!pk) return null
  const sk = Buffer.alloc(32)
  const entropy = Buffer.alloc(ENTROPY_BYTES)
  try {
    sodium.crypto_sign_ed25519_sk_to_curve25519(sk, keyPair.secretKey)
    if (!sodium.crypto_box_seal_open(entropy, sealed, pk, sk)) return null
    return entropyToMnemonic(entropy, wordlist)
  } catch {
    return null
  } finally {
    sodium.sodium_memzero(sk)
    sodium.sodium_memzero(entropy)
  }
}
