/**
 * Obligations 🤝 and fulfilment 👍 (domain.md §4): irrevocable promises, marked fulfilled by
 * their author and confirmed or forgiven only by their recipient.
 */
import { obligationInForce, obligationOpen } from '../actions.ts'
import { reject, type Ledger, type MemberRules } from '../ledger.ts'
import { pledgeIdOf, type Member, type Pledge } from '../model.ts'
import type { OpOf } from '../ops.ts'
import { ownPledge, recipientFor } from './intention.ts'
import { endRedIfReached } from './status.ts'

export async function obligationCreate(l: Ledger, author: Member, op: OpOf<'obligation.create'>) {
  const to = await recipientFor(l, author, op.to)
  if (to.status === 'green') reject('not-asking', { name: to.name })
  const id = pledgeIdOf(author.id, op.id)
  if (await l.pledge(id)) reject('duplicate-id', { id: op.id })
  const pledge: Pledge = {
    id,
    kind: 'obligation',
    state: 'open',
    from: author.id,
    to: to.id,
    amount: op.amount,
    note: op.note ?? '',
    collection: to.status === 'red' && to.red ? to.red.id : 'monthly',
    cycle: l.cycle,
    createdAt: l.now,
    committedAt: l.now,
    overdue: false,
  }
  await l.savePledge(pledge)
  await l.emit('obligation.created', await l.circleOf(to.id, author.id), {
    actor: author.id,
    subject: to.id,
    pledge: id,
    amount: op.amount,
  })
}

export async function obligationFulfil(l: Ledger, author: Member, op: OpOf<'obligation.fulfil'>) {
  const p = await ownPledge(l, author, op.pledge, 'obligation')
  if (p.state === 'fulfilled') reject('already-fulfilled')
  if (!obligationOpen(p)) reject('obligation-state', { state: p.state })
  p.state = 'fulfilled'
  p.fulfilledAt = l.now
  await l.savePledge(p)
  await l.emit('obligation.fulfilled', [p.to, p.from], {
    actor: author.id,
    subject: p.to,
    pledge: p.id,
    amount: p.amount,
  })
}

/** An obligation in the author's favour: only its recipient may confirm or forgive it. */
async function obligationTo(
  l: Ledger,
  author: Member,
  id: string,
  verb: 'confirm' | 'forgive',
): Promise<Pledge> {
  const p = await l.requirePledge(id)
  if (p.kind !== 'obligation')
    reject('wrong-kind', { id, actual: 'intention', expected: 'obligation' })
  if (p.from === author.id) reject('own-obligation', { verb })
  if (p.to !== author.id) reject('only-recipient-may', { verb })
  if (!obligationInForce(p)) reject('obligation-state', { state: p.state })
  return p
}

/** The recipient may confirm help they received even before the author marked it. */
export async function obligationConfirm(l: Ledger, author: Member, op: OpOf<'obligation.confirm'>) {
  const p = await obligationTo(l, author, op.pledge, 'confirm')
  const wasOverdue = p.overdue
  p.state = 'confirmed'
  p.fulfilledAt ??= l.now
  p.confirmedAt = l.now
  p.confirmedCycle = l.cycle
  p.overdue = false
  await l.savePledge(p)
  await l.emit('obligation.confirmed', [p.from, p.to], {
    actor: author.id,
    subject: p.to,
    pledge: p.id,
    amount: p.amount,
    data: { wasOverdue },
  })
  await endRedIfReached(l, author)
}

export async function obligationForgive(l: Ledger, author: Member, op: OpOf<'obligation.forgive'>) {
  const p = await obligationTo(l, author, op.pledge, 'forgive')
  p.state = 'forgiven'
  p.closedAt = l.now
  await l.savePledge(p)
  await l.emit('obligation.forgiven', [p.from, p.to], {
    actor: author.id,
    subject: p.to,
    pledge: p.id,
    amount: p.amount,
  })
}

/** The member ops this file decides (see MemberRules). */
export const obligationRules = {
  'obligation.create': obligationCreate,
  'obligation.fulfil': obligationFulfil,
  'obligation.confirm': obligationConfirm,
  'obligation.forgive': obligationForgive,
} satisfies MemberRules
