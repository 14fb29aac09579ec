/**
 * Keys derived from the identity seed (phrase.ts), and the proofs they sign (domain.md §12).
 *
 * - A member key per network: ed25519 from BLAKE2b-256 keyed with the seed over
 *   "exodus/member-key/v1" and the network's key. Without the seed, the member keys of one
 *   person in two networks are unrelated: a key seen in one network tells nothing about the
 *   person's key in another.
 * - This install's identity key: ed25519 from BLAKE2b-256 keyed with the seed over
 *   "exodus/identity-key/v1". Shown to the person only, never written to a network.
 * - Proofs: ed25519 signatures over "exodus/<purpose>/v1", the network's key and the subject
 *   key (the writer or device the proof is about; for 'rekey', the member key being replaced),
 *   so that a proof made for one purpose, network or subject is worth nothing for another.
 *
 * Pure and synchronous, no I/O: the ledger verifies proofs while applying ops. Keys are 32
 * bytes, given as bytes or as 64 lower-case hex characters (as ops carry them).
 */
import crypto, { type KeyPair } from 'hypercore-crypto'
import sodium from 'sodium-universal'

export type { KeyPair }

/** What a proof says its signer allows: see docs/protocol.md for each. */
export const PROOF_PURPOSES = ['join', 'device', 'unlink', 'restore', 'rekey'] as const
export type ProofPurpose = (typeof PROOF_PURPOSES)[number]

/** Bytes of a key (seed, network key, public key, subject key) and of a proof. */
export const KEY_BYTES = 32
export const PROOF_BYTES = 64

/** A 32-byte key as bytes, or as 64 lower-case hex characters. */
export type Key = Uint8Array | string

const MEMBER_KEY_CONTEXT = Buffer.from('exodus/member-key/v1')
const IDENTITY_KEY_CONTEXT = Buffer.from('exodus/identity-key/v1')

/** The bytes of `key` when it is a 32-byte key, else null. */
function keyBytes(key: Key, bytes = KEY_BYTES): Uint8Array | null {
  if (typeof key === 'string') {
    return key.length === bytes * 2 && /^[0-9a-f]*$/.test(key) ? Buffer.from(key, 'hex') : null
  }
  // Not instanceof: bytes made in another realm (a test's DOM, a worker) are bytes too.
  return ArrayBuffer.isView(key) && key.byteLength === bytes
    ? new Uint8Array(key.buffer, key.byteOffset, bytes)
    : null
}

function mustBeKey(key: Key, what: string, bytes = KEY_BYTES): Uint8Array {
  const b = keyBytes(key, bytes)
  if (!b) throw new TypeError(`${what} must be ${bytes} bytes (or ${bytes * 2} hex characters)`)
  return b
}

/** An ed25519 key pair from BLAKE2b-256(message = `context` + `more`, key = `seed`). */
function derive(seed: Key, context: Buffer, more: Uint8Array[] = []): KeyPair {
  const derived = Buffer.alloc(32)
  sodium.crypto_generichash(derived, Buffer.concat([context, ...more]), mustBeKey(seed, 'seed'))
  const pair = crypto.keyPair(derived)
  sodium.sodium_memzero(derived)
  return pair
}

/** This person's key pair in the network whose key is `networkKey`. */
export function memberKeyPair(seed: Key, networkKey: Key): KeyPair {
  return derive(seed, MEMBER_KEY_CONTEXT, [mustBeKey(networkKey, 'networkKey')])
}

/** This install's identity key pair (its public key is `identity.publicKey` in node.json). */
export function identityKeyPair(seed: Key): KeyPair {
  return derive(seed, IDENTITY_KEY_CONTEXT)
}

/** What a proof signs: the purpose's context, then the network's and the subject's keys. */
function proofMessage(purpose: ProofPurpose, networkKey: Uint8Array, subject: Uint8Array) {
  return Buffer.concat([Buffer.from(`exodus/${purpose}/v1`), networkKey, subject])
}

/**
 * Signs, with a member key's `secretKey`, that the member allows `purpose` for `subjectKey`
 * in the network `networkKey`: 64 bytes. Throws a TypeError for a key of the wrong size or
 * an unknown purpose (a bug of the caller, not something a person did).
 */
export function signProof(
  secretKey: Key,
  purpose: ProofPurpose,
  networkKey: Key,
  subjectKey: Key,
): Buffer {
  if (!PROOF_PURPOSES.includes(purpose)) throw new TypeError(`unknown proof purpose ${purpose}`)
  const message = proofMessage(
    purpose,
    mustBeKey(networkKey, 'networkKey'),
    mustBeKey(subjectKey, 'subjectKey'),
  )
  return crypto.sign(message, mustBeKey(secretKey, 'secretKey', 64))
}

/**
 * Whether `signature` is the proof by the member key `publicKey` for `purpose`, `networkKey`
 * and `subjectKey`. Never throws: anything malformed (a key or signature of the wrong size,
 * bad hex, an unknown purpose) is simply not a proof.
 */
export function verifyProof(
  publicKey: Key,
  purpose: ProofPurpose,
  networkKey: Key,
  subjectKey: Key,
  signature: Key,
): boolean {
  if (!PROOF_PURPOSES.includes(purpose)) return false
  const pk = keyBytes(publicKey)
  const network = keyBytes(networkKey)
  const subject = keyBytes(subjectKey)
  const sig = keyBytes(signature, PROOF_BYTES)
  if (!pk || !network || !subject || !sig) return false
  try {
    return crypto.verify(proofMessage(purpose, network, subject), sig, pk)
  } catch {
    return false
  }
}
