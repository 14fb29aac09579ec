/**
 * Intentions ❤️ (domain.md §4): revocable promises towards an orange member.
 */
import { commitmentAccepted, intentionChangeable, intentionLive } from '../actions.ts'
import { reject, type Ledger, type MemberRules } from '../ledger.ts'
import { pledgeIdOf, type Member, type Pledge } from '../model.ts'
import type { OpOf } from '../ops.ts'

/** The recipient must be someone else, still in the network. */
export async function recipientFor(l: Ledger, author: Member, to: string): Promise<Member> {
  if (to === author.id) reject('help-yourself')
  return l.activeMember(to, 'recipient')
}

/** A pledge the author made, of the given kind. */
export async function ownPledge(
  l: Ledger,
  author: Member,
  id: string,
  kind: Pledge['kind'],
): Promise<Pledge> {
  const p = await l.requirePledge(id)
  if (p.from !== author.id) reject('only-author-of', { kind, id })
  if (p.kind !== kind) reject('wrong-kind', { id, actual: p.kind, expected: kind })
  return p
}

export async function intentionCreate(l: Ledger, author: Member, op: OpOf<'intention.create'>) {
  const to = await recipientFor(l, author, op.to)
  if (to.status === 'red') reject('emergency-obligations-only', { name: to.name })
  if (to.status !== 'orange') reject('not-monthly', { name: to.name })
  const id = pledgeIdOf(author.id, op.id)
  if (await l.pledge(id)) reject('duplicate-id', { id: op.id })
  for (const p of await l.outgoing(author.id)) {
    if (p.to === to.id && p.kind === 'intention' && intentionLive(p)) {
      reject('intention-exists', { name: to.name, id: p.id })
    }
  }
  const pledge: Pledge = {
    id,
    kind: 'intention',
    state: 'active',
    from: author.id,
    to: to.id,
    amount: op.amount,
    note: op.note ?? '',
    collection: 'monthly',
    cycle: l.cycle,
    createdAt: l.now,
    overdue: false,
  }
  await l.savePledge(pledge)
  await l.emit('intention.created', await l.circleOf(to.id, author.id), {
    actor: author.id,
    subject: to.id,
    pledge: id,
    amount: op.amount,
  })
}

export async function intentionChange(l: Ledger, author: Member, op: OpOf<'intention.change'>) {
  const p = await ownPledge(l, author, op.pledge, 'intention')
  if (p.state === 'frozen') reject('intention-frozen')
  if (!intentionChangeable(p)) reject('intention-state', { state: p.state })
  if (p.amount === op.amount) reject('same-intention', { amount: op.amount })
  const was = p.amount
  p.amount = op.amount
  await l.savePledge(p)
  await l.emit('intention.changed', await l.circleOf(p.to), {
    actor: author.id,
    subject: p.to,
    pledge: p.id,
    amount: op.amount,
    data: { was },
  })
}

export async function intentionCancel(l: Ledger, author: Member, op: OpOf<'intention.cancel'>) {
  const p = await ownPledge(l, author, op.pledge, 'intention')
  if (!intentionLive(p)) reject('intention-state', { state: p.state })
  const circle = await l.circleOf(p.to)
  p.state = 'cancelled'
  p.closedAt = l.now
  await l.savePledge(p)
  await l.emit('intention.cancelled', circle, {
    actor: author.id,
    subject: p.to,
    pledge: p.id,
    amount: p.amount,
  })
}

/**
 * Turns an intention into an obligation (irrevocable from now on), optionally already
 * fulfilled. A frozen intention becomes an obligation towards the recipient's emergency.
 */
export async function intentionToObligation(
  l: Ledger,
  author: Member,
  op: OpOf<'intention.commit'> | OpOf<'intention.fulfil'>,
) {
  const p = await ownPledge(l, author, op.pledge, 'intention')
  if (!intentionLive(p)) reject('intention-state', { state: p.state })
  const to = await l.activeMember(p.to, 'recipient')
  if (p.state === 'frozen') {
    if (!commitmentAccepted(p, to.status) || !to.red) reject('no-emergency', { name: to.name })
    p.collection = to.red.id
  } else if (!commitmentAccepted(p, to.status)) {
    reject('not-monthly', { name: to.name })
  }
  p.kind = 'obligation'
  p.cycle = l.cycle
  p.committedAt = l.now
  if (op.type === 'intention.fulfil') {
    p.state = 'fulfilled'
    p.fulfilledAt = l.now
  } else {
    p.state = 'open'
  }
  await l.savePledge(p)
  const fields = { actor: author.id, subject: p.to, pledge: p.id, amount: p.amount }
  await l.emit('obligation.created', await l.circleOf(p.to), {
    ...fields,
    data: { fromIntention: true },
  })
  if (p.state === 'fulfilled') await l.emit('obligation.fulfilled', [p.to, p.from], fields)
}

/** The member ops this file decides (see MemberRules). */
export const intentionRules = {
  'intention.create': intentionCreate,
  'intention.change': intentionChange,
  'intention.cancel': intentionCancel,
  'intention.commit': intentionToObligation,
  'intention.fulfil': intentionToObligation,
} satisfies MemberRules
