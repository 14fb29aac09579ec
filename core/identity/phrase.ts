/**
 * The recovery phrase (domain.md §12): 24 English words of BIP39 (256 bits of entropy and an
 * 8-bit checksum), made and checked by @scure/bip39 (audited; its only dependency is
 * @noble/hashes). The person writes it down at first run; from it comes this install's
 * identity seed, and from the seed one member key per network (member-key.ts).
 *
 * The node's side only: the API contract, which the CLI and the Electron main process load
 * to check parameters, must not import this module (test/node/commands.test.ts).
 */
import { generateMnemonic, mnemonicToEntropy, mnemonicToSeedSync } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import sodium from 'sodium-universal'
import { fail } from '../errors.ts'

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
