/**
 * Invite codes and `exodus://` links. A code is the z32 encoding of a blind-pairing invite
 * (which carries the network's discovery key, the pairing seed and the expiry); a link is
 * `exodus://join/<code>`. Anything malformed gets an error that says what is wrong.
 */
import BlindPairing from 'blind-pairing'
import z32 from 'z32'
import { ApiError } from '../api/contract.ts'
import { DAY } from '../ledger/cycle-time.ts'

export const LINK_PREFIX = 'exodus://join/'

export interface DecodedInvite {
  id: string
  discoveryKey: string
  expires: number
  bytes: Buffer
}

export function inviteLink(code: string): string {
  return LINK_PREFIX + code
}

/** Accepts a bare code, an exodus:// link, or either with spaces and line breaks pasted in. */
export function decodeInviteCode(text: string, now: number): DecodedInvite {
  let code = text.replace(/\s+/g, '')
  if (code.toLowerCase().startsWith('exodus://')) {
    if (!code.toLowerCase().startsWith(LINK_PREFIX)) {
      throw new ApiError(
        'invite-malformed',
        `This link is not an invite: it should start with ${LINK_PREFIX}`,
      )
    }
    code = code.slice(LINK_PREFIX.length)
  }
  if (!/^[ybndrfg8ejkmcpqxot1uwisza345h769]+$/.test(code)) {
    throw new ApiError(
      'invite-malformed',
      'This is not an invite code: it contains characters an invite never has. Copy the whole code or link again.',
    )
  }
  let decoded: ReturnType<typeof BlindPairing.decodeInvite>
  let bytes: Buffer
  try {
    bytes = z32.decode(code)
    decoded = BlindPairing.decodeInvite(bytes)
  } catch {
    throw new ApiError(
      'invite-malformed',
      'This invite code is incomplete or damaged. Copy the whole code or link again.',
    )
  }
  if (!decoded.discoveryKey) {
    throw new ApiError(
      'invite-malformed',
      'This invite code names no network. Ask a member for a new one.',
    )
  }
  const expires = Number(decoded.expires ?? 0)
  if (expires > 0 && expires <= now) {
    const ago = Math.max(1, Math.round((now - expires) / DAY))
    throw new ApiError(
      'invite-expired',
      `This invite has expired (${ago} ${ago === 1 ? 'day' : 'days'} ago). Ask a member for a new one.`,
    )
  }
  return {
    id: Buffer.from(decoded.id).toString('hex'),
    discoveryKey: Buffer.from(decoded.discoveryKey).toString('hex'),
    expires,
    bytes,
  }
}
