/**
 * Invite codes and `exodus://` links. A code is the z32 encoding of a blind-pairing invite
 * (which carries the network's discovery key, the pairing seed and the expiry) followed by a
 * check of those bytes; a link is `exodus://join/<code>`. Anything malformed gets an error
 * that says what is wrong.
 *
 * Nothing in the invite itself can be verified before going to the network: the seed is
 * random and the discovery key is a hash of the network's key, which the joiner does not have
 * yet. A code with one character wrong still decodes and names another invite or network, which
 * nobody answers: the joiner would wait for the pairing timeout and be told that nobody is
 * online. The check catches such a code at once.
 */
import BlindPairing from 'blind-pairing'
import crypto from 'hypercore-crypto'
import z32 from 'z32'
import { fail } from '../errors.ts'
import { DAY } from '../ledger/cycle-time.ts'

import { LINK_PREFIX } from './invite-link.ts'

/**
 * Bytes of check after the invite. 5 make the code a whole number of z32 characters (an invite
 * with an expiry is 70 bytes: 75 bytes, 120 characters), and a wrong code passes one time in
 * 2^40. Apps that read codes without the check (before it existed) ignore the trailing bytes.
 */
const CHECK_BYTES = 5
const CHECK_TAG = Buffer.from('exodus invite code')

function checkOf(invite: Uint8Array): Buffer {
  return crypto.hash([CHECK_TAG, invite]).subarray(0, CHECK_BYTES)
}

/** The code to share for a blind-pairing invite. */
export function encodeInviteCode(invite: Uint8Array): string {
  return z32.encode(Buffer.concat([invite, checkOf(invite)]))
}

export interface DecodedInvite {
  id: string
  discoveryKey: string
  expires: number
  bytes: Buffer
}

/** Accepts a bare code, an exodus:// link, or either with spaces and line breaks pasted in. */
export function decodeInviteCode(text: string, now: number): DecodedInvite {
  let code = text.replace(/\s+/g, '')
  if (code.toLowerCase().startsWith('exodus://')) {
    if (!code.toLowerCase().startsWith(LINK_PREFIX)) {
      throw fail('invite-malformed', { prefix: LINK_PREFIX }, 'link')
    }
    code = code.slice(LINK_PREFIX.length)
  }
  // z32 has one case: a code typed back from a screen in capitals is the same code.
  code = code.toLowerCase()
  if (!/^[ybndrfg8ejkmcpqxot1uwisza345h769]+$/.test(code)) {
    throw fail('invite-malformed', {}, 'characters')
  }
  const notValid = fail('invite-malformed')
  let bytes: Buffer
  let decoded: ReturnType<typeof BlindPairing.decodeInvite>
  try {
    const all = z32.decode(code)
    bytes = all.subarray(0, -CHECK_BYTES)
    if (bytes.length === 0 || !checkOf(bytes).equals(all.subarray(-CHECK_BYTES))) throw notValid
    decoded = BlindPairing.decodeInvite(bytes)
  } catch {
    throw notValid
  }
  if (!decoded.discoveryKey) {
    throw fail('invite-malformed', {}, 'no-network')
  }
  const expires = Number(decoded.expires ?? 0)
  if (expires > 0 && expires <= now) {
    const ago = Math.max(1, Math.round((now - expires) / DAY))
    throw fail('invite-expired', { days: ago }, ago === 1 ? 'one' : undefined)
  }
  return {
    id: Buffer.from(decoded.id).toString('hex'),
    discoveryKey: Buffer.from(decoded.discoveryKey).toString('hex'),
    expires,
    bytes,
  }
}
