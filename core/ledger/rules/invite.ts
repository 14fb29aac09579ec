/**
 * Invites, the "Help" links (domain.md §2), and admitting the writers who pair with them.
 * The invite's terms live in the ledger so that any online member's node can admit a
 * newcomer and every node enforces expiry, uses and revocation the same way.
 */
import { reject, type Ledger, type MemberRules } from '../ledger.ts'
import { verifyReceipt } from 'blind-pairing-core'
import { keys, type Invite, type Member, type WriterRecord } from '../model.ts'
import type { OpOf } from '../ops.ts'
import type { Refusal } from '../../errors.ts'

export async function inviteCreate(l: Ledger, author: Member, op: OpOf<'invite.create'>) {
  if (await l.kv.get(keys.invite(op.invite))) reject('invite-exists', { id: op.invite.slice(0, 8) })
  if (op.expires <= l.now) reject('invite-expired-already')
  if (op.for !== undefined) await l.activeMember(op.for, 'member in need')
  const invite: Invite = {
    id: op.invite,
    publicKey: op.publicKey,
    by: author.id,
    for: op.for ?? null,
    createdAt: l.now,
    expires: op.expires,
    uses: op.uses,
    used: 0,
    revoked: false,
  }
  await l.kv.put(keys.invite(op.invite), invite)
}

export async function inviteRevoke(l: Ledger, author: Member, op: OpOf<'invite.revoke'>) {
  const invite = await l.kv.get<Invite>(keys.invite(op.invite))
  if (!invite) reject('no-invite', { id: op.invite.slice(0, 8) })
  if (invite.by !== author.id) reject('invite-not-yours')
  if (invite.revoked) reject('invite-revoked-already')
  invite.revoked = true
  await l.kv.put(keys.invite(op.invite), invite)
}

/** Why an invite cannot admit anyone at `now`, or null if it can. */
export function inviteRefusal(invite: Invite | null, now: number): Refusal | null {
  if (!invite) return { code: 'invite-unknown', params: {} }
  if (invite.revoked) return { code: 'invite-revoked', params: {} }
  if (now >= invite.expires) return { code: 'invite-expired', params: {} }
  if (invite.used >= invite.uses) {
    return { code: 'invite-used-up', params: { used: invite.used, uses: invite.uses } }
  }
  return null
}

/**
 * The writer key a pairing receipt was signed for, if `receipt` (hex) is blind-pairing's
 * receipt of a request signed with the key of the invite whose public key is `publicKey`:
 * only whoever holds the invite's code can make one. Null for anything else.
 */
export function pairedWriter(receipt: string, publicKey: string): string | null {
  try {
    const userData = verifyReceipt(Buffer.from(receipt, 'hex'), Buffer.from(publicKey, 'hex'))
    return userData ? Buffer.from(userData).toString('hex') : null
  } catch {
    return null
  }
}

/**
 * Admits the writer a newcomer paired with. The op must carry the pairing's receipt: a
 * member cannot spend anyone's invite on a writer that never paired with it.
 */
export async function writerAdd(l: Ledger, author: Member, op: OpOf<'writer.add'>) {
  if (await l.kv.get(keys.writer(op.key))) reject('writer-exists', { id: op.key.slice(0, 8) })
  const invite = await l.kv.get<Invite>(keys.invite(op.invite))
  const refusal = inviteRefusal(invite, l.now)
  if (refusal) reject(refusal.code, refusal.params)
  if (!invite) reject('invite-unknown')
  if (pairedWriter(op.receipt, invite.publicKey) !== op.key) reject('pairing-unproven')
  invite.used++
  await l.kv.put(keys.invite(op.invite), invite)
  const record: WriterRecord = { addedBy: author.id, at: l.now, invite: op.invite }
  await l.kv.put(keys.writer(op.key), record)
  l.effects.push({ type: 'addWriter', key: op.key, indexer: false })
}

/** The member ops this file decides (see MemberRules). */
export const inviteRules = {
  'invite.create': inviteCreate,
  'invite.revoke': inviteRevoke,
  'writer.add': writerAdd,
} satisfies MemberRules
