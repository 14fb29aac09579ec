/**
 * Link codes (domain.md §12): how one device of a person makes another one theirs. A link
 * code is a blind-pairing invite marked `sensitive`, made by one device and kept there: that
 * device alone answers it (see Admission.admit), and its answer carries, besides the
 * network's keys, the person's recovery phrase and a fresh link code for each other network
 * this install belongs to.
 *
 * That answer must reach the new device only. Blind-pairing encrypts its reply with a key
 * made from the invite's public key and the request's session, and leaves replies on the
 * DHT for a while: once the invite is in the ledger (its `invite.create`), every member
 * holds what opens it. So the data is sealed again (AES-256-GCM) with a key made from the
 * invite's seed, which only the code holds, and signed with the invite's key pair, which the
 * new device checks as blind-pairing's `additional` data.
 *
 * Size: the reply may travel in one DHT record (a UDP message). A phrase of 24 words is at
 * most 215 characters, a code 120, a name 60 letters: with LINK_NETWORKS_MAX codes the sealed
 * data stays under 800 bytes and the reply under 1,000 (test/node/devices.test.ts measures
 * it; with 4 codes it is 1,090), so that its UDP message is not split on the way.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import BlindPairing from 'blind-pairing'
import crypto, { type KeyPair } from 'hypercore-crypto'
import { z } from 'zod'
import { ApiError, fail } from '../errors.ts'
import { NAME_MAX } from '../ledger/limits.ts'
import { decodeInviteCode, type DecodedInvite } from './invite-code.ts'

/** How long a link code can be used. */
export const LINK_MINUTES = 10
export const LINK_MS = LINK_MINUTES * 60_000

/**
 * Most other networks one link carries codes for (see "Size" above). A person in more
 * networks links each of the others with a code of its own, joined with as with an invite.
 */
export const LINK_NETWORKS_MAX = 3

/** What a device sends the device it links. */
export interface LinkData {
  /** The recovery phrase: the new device becomes this person. */
  phrase: string
  /** The person's default name, for the new install. */
  name: string
  /** A link code for each other network (up to LINK_NETWORKS_MAX). */
  invites: string[]
  /** Networks of the person the link carries no code for. */
  more: number
}

const linkData = z.object({
  v: z.literal(1),
  phrase: z.string().max(400),
  name: z.string().max(NAME_MAX),
  invites: z.array(z.string().max(200)).max(LINK_NETWORKS_MAX),
  more: z.number().int().min(0).max(10_000),
})

const KEY_TAG = Buffer.from('exodus/device-link/v1')
const IV_BYTES = 12
const TAG_BYTES = 16

/** The key that seals a link's data: only holders of the code (its seed) have it. */
function sealKey(seed: Uint8Array): Buffer {
  return crypto.hash([KEY_TAG, seed])
}

/** A link code decoded: the invite, and its seed (the secret the code carries). */
export interface DecodedLink extends DecodedInvite {
  seed: Buffer
  /** Whether it is a link code rather than an invite. */
  isLink: boolean
}

/** Decodes an invite or link code (as decodeInviteCode), with the seed and whether it links. */
export function decodeCode(text: string, now: number): DecodedLink {
  const invite = decodeInviteCode(text, now)
  const decoded = BlindPairing.decodeInvite(invite.bytes)
  return { ...invite, seed: Buffer.from(decoded.seed), isLink: decoded.sensitive }
}

/**
 * A link code, in the words of link codes: a malformed or expired one, or an invite given
 * where a link code belongs, is said so.
 */
export function decodeLinkCode(text: string, now: number): DecodedLink {
  let link: DecodedLink
  try {
    link = decodeCode(text, now)
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invite-expired') throw fail('link-expired')
    if (err instanceof ApiError && err.code === 'invite-malformed') throw fail('link-malformed')
    throw err
  }
  if (!link.isLink) throw fail('link-malformed', {}, 'invite')
  return link
}

/** A new link code's invite for the network whose key is `networkKey`. */
export function createLinkInvite(networkKey: Uint8Array, expires: number) {
  return BlindPairing.createInvite(networkKey, { expires, sensitive: true })
}

/**
 * The seed of a code kept here and its invite key pair (the member side opens requests with
 * its public key).
 */
export function linkSecrets(code: string): KeyPair & { seed: Buffer } {
  const seed = Buffer.from(BlindPairing.decodeInvite(decodeInviteCode(code, 0).bytes).seed)
  return { seed, ...crypto.keyPair(seed) }
}

/** `data` sealed for the holder of the code with seed `seed`, and signed with its key pair. */
export function sealLinkData(
  data: LinkData,
  seed: Uint8Array,
): { data: Buffer; signature: Buffer } {
  const text = Buffer.from(JSON.stringify({ v: 1, ...data }))
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', sealKey(seed), iv)
  const sealed = Buffer.concat([iv, cipher.update(text), cipher.final(), cipher.getAuthTag()])
  return { data: sealed, signature: crypto.sign(sealed, crypto.keyPair(seed).secretKey) }
}

/**
 * The data of a link's answer, opened with the code's seed. Blind-pairing checked its
 * signature already; anything that does not open or read as link data is `link-invalid`.
 */
export function openLinkData(sealed: Uint8Array | null, seed: Uint8Array): LinkData {
  const invalid = fail('link-invalid')
  if (!sealed || sealed.length < IV_BYTES + TAG_BYTES) throw invalid
  const bytes = Buffer.from(sealed)
  let text: string
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(seed), bytes.subarray(0, IV_BYTES))
    decipher.setAuthTag(bytes.subarray(-TAG_BYTES))
    text = Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, -TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8')
  } catch {
    throw invalid
  }
  let parsed: z.infer<typeof linkData>
  try {
    parsed = linkData.parse(JSON.parse(text))
  } catch {
    throw invalid
  }
  const { phrase, name, invites, more } = parsed
  return { phrase, name, invites, more }
}
