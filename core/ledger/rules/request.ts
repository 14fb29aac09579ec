/**
 * Requests between the two sides of a pledge (domain.md §4): the recipient asks to commit
 * or to fulfil now; the author reminds the recipient to confirm. They only notify.
 */
import { awaitingConfirmation, intentionLive, obligationOpen } from '../actions.ts'
import { reject, type Ledger, type MemberRules } from '../ledger.ts'
import type { Member } from '../model.ts'
import type { OpOf } from '../ops.ts'

export async function requestCommit(l: Ledger, author: Member, op: OpOf<'request.commit'>) {
  const p = await l.requirePledge(op.pledge)
  if (p.to !== author.id) reject('ask-commit-recipient')
  if (p.kind !== 'intention') reject('already-obligation')
  if (!intentionLive(p)) reject('intention-state', { state: p.state })
  await l.emit('request.commit', [p.from], {
    actor: author.id,
    subject: p.to,
    pledge: p.id,
    amount: p.amount,
  })
}

export async function requestFulfil(l: Ledger, author: Member, op: OpOf<'request.fulfil'>) {
  const p = await l.requirePledge(op.pledge)
  if (p.to !== author.id) reject('ask-fulfil-recipient')
  if (p.kind !== 'obligation') reject('not-obligation')
  if (p.state === 'fulfilled') reject('fulfilled-confirm-instead')
  if (!obligationOpen(p)) reject('obligation-state', { state: p.state })
  await l.emit('request.fulfil', [p.from], {
    actor: author.id,
    subject: p.to,
    pledge: p.id,
    amount: p.amount,
  })
}

export async function requestConfirm(l: Ledger, author: Member, op: OpOf<'request.confirm'>) {
  const p = await l.requirePledge(op.pledge)
  if (p.from !== author.id) reject('remind-author')
  if (p.kind !== 'obligation') reject('not-obligation')
  if (!awaitingConfirmation(p)) reject('fulfil-first', { state: p.state })
  await l.emit('request.confirm', [p.to], {
    actor: author.id,
    subject: p.to,
    pledge: p.id,
    amount: p.amount,
  })
}

/** The member ops this file decides (see MemberRules). */
export const requestRules = {
  'request.commit': requestCommit,
  'request.fulfil': requestFulfil,
  'request.confirm': requestConfirm,
} satisfies MemberRules
