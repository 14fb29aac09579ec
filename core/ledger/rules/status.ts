/**
 * Statuses (domain.md §3): green ✅, orange 🔆 (monthly support), red 🆘 (emergency with a
 * deadline), and the end of a red collection.
 */
import { collectionPledges } from '../collection.ts'
import { DAY } from '../cycle-time.ts'
import { reject, type Ledger, type MemberRules } from '../ledger.ts'
import { EVERYONE, type Member } from '../model.ts'
import type { OpOf } from '../ops.ts'

export type RedOutcome = 'success' | 'partial' | 'stopped'

export async function statusOrange(l: Ledger, author: Member, op: OpOf<'status.orange'>) {
  const from = author.status
  if (from === 'orange') {
    if (author.monthly === op.amount) reject('same-monthly', { amount: op.amount })
    author.monthly = op.amount
    await l.saveMember(author)
    await l.emit('status.changed', await l.circleOf(author.id), {
      actor: author.id,
      subject: author.id,
      amount: op.amount,
      data: { status: 'orange', from, edited: true },
    })
    return
  }
  if (from === 'red') await endRed(l, author, 'stopped', 'orange')
  author.status = 'orange'
  author.monthly = op.amount
  await l.saveMember(author)
  await reviveFrozen(l, author)
  await l.emit('status.changed', [EVERYONE], {
    actor: author.id,
    subject: author.id,
    amount: op.amount,
    data: { status: 'orange', from },
  })
}

export async function statusRed(l: Ledger, author: Member, op: OpOf<'status.red'>) {
  const deadline = l.now + op.days * DAY
  if (author.status === 'red' && author.red) {
    author.red.amount = op.amount
    author.red.deadline = deadline
    l.meta.reds[author.id] = deadline
    await l.saveMember(author)
    await l.emit('status.changed', await l.circleOf(author.id), {
      actor: author.id,
      subject: author.id,
      amount: op.amount,
      data: { status: 'red', from: 'red', edited: true, deadline },
    })
    await endRedIfReached(l, author)
    return
  }
  const from = author.status as 'green' | 'orange'
  author.red = {
    id: `${author.id.slice(0, 12)}-${op.id}`,
    amount: op.amount,
    startedAt: l.now,
    deadline,
    previous: from,
  }
  author.status = 'red'
  l.meta.reds[author.id] = deadline
  await l.saveMember(author)
  // Intentions from the monthly collection stop counting but are kept; their authors are
  // invited to turn them into obligations towards the emergency.
  for (const p of await l.incoming(author.id)) {
    if (p.kind !== 'intention' || p.state !== 'active') continue
    p.state = 'frozen'
    await l.savePledge(p)
    await l.emit('intention.frozen', [p.from], {
      subject: author.id,
      pledge: p.id,
      amount: p.amount,
    })
  }
  await l.emit('status.changed', [EVERYONE], {
    actor: author.id,
    subject: author.id,
    amount: op.amount,
    data: { status: 'red', from, deadline },
  })
}

export async function statusGreen(l: Ledger, author: Member) {
  const from = author.status
  if (from === 'green') reject('already-green')
  const circle = await l.circleOf(author.id)
  if (from === 'red') await endRed(l, author, 'stopped', 'green')
  author.status = 'green'
  author.monthly = 0
  await l.saveMember(author)
  await cancelIntentionsTo(l, author.id)
  await l.emit('status.changed', circle, {
    actor: author.id,
    subject: author.id,
    data: { status: 'green', from },
  })
}

/** Every intention in the member's favour is cancelled; obligations stay in force. */
export async function cancelIntentionsTo(l: Ledger, member: string) {
  for (const p of await l.incoming(member)) {
    if (p.kind !== 'intention' || (p.state !== 'active' && p.state !== 'frozen')) continue
    p.state = 'cancelled'
    p.closedAt = l.now
    await l.savePledge(p)
    await l.emit('intention.cancelled', [p.from, p.to], {
      subject: member,
      pledge: p.id,
      amount: p.amount,
      data: { reason: 'recipient-not-collecting' },
    })
  }
}

async function reviveFrozen(l: Ledger, member: Member) {
  for (const p of await l.incoming(member.id)) {
    if (p.kind !== 'intention' || p.state !== 'frozen') continue
    p.state = 'active'
    await l.savePledge(p)
    await l.emit('intention.revived', [p.from, p.to], {
      subject: member.id,
      pledge: p.id,
      amount: p.amount,
    })
  }
}

/** Ends the red collection with success once confirmed help reaches its amount. */
export async function endRedIfReached(l: Ledger, member: Member) {
  if (member.status !== 'red' || !member.red) return
  let confirmed = 0
  for (const p of collectionPledges(member, await l.incoming(member.id), l.cycle)) {
    if (p.state === 'confirmed') confirmed += p.amount
  }
  if (confirmed >= member.red.amount) await endRed(l, member, 'success')
}

/**
 * Ends a red collection. success: unfulfilled obligations are cancelled; partial (deadline
 * passed): unfulfilled ones stay owed and become overdue, as they were due by the deadline;
 * stopped (the member changed status): they stay in force as they are.
 * The member returns to the remembered status (or `next`), and frozen intentions come back
 * to life if that status is orange.
 */
export async function endRed(
  l: Ledger,
  member: Member,
  outcome: RedOutcome,
  next?: 'green' | 'orange',
) {
  const red = member.red
  if (!red) return
  const circle = await l.circleOf(member.id)
  let confirmed = 0
  for (const p of collectionPledges(member, await l.incoming(member.id), l.cycle)) {
    if (p.state === 'confirmed') confirmed += p.amount
    if (p.state === 'open' && outcome === 'success') {
      p.state = 'cancelled'
      p.closedAt = l.now
      await l.savePledge(p)
      await l.emit('obligation.cancelled', [p.from, p.to], {
        subject: member.id,
        pledge: p.id,
        amount: p.amount,
        data: { reason: 'emergency-funded' },
      })
    } else if ((p.state === 'open' || p.state === 'fulfilled') && outcome === 'partial') {
      p.overdue = true
      p.overdueSince = l.now
      await l.savePledge(p)
      await l.emit('obligation.overdue', [p.from, p.to], {
        subject: member.id,
        pledge: p.id,
        amount: p.amount,
      })
    }
  }
  member.status = next ?? red.previous
  member.red = null
  delete l.meta.reds[member.id]
  await l.saveMember(member)
  await l.emit('red.ended', circle, {
    subject: member.id,
    amount: red.amount,
    data: { outcome, confirmed, status: member.status },
  })
  if (next === undefined) {
    if (member.status === 'orange') await reviveFrozen(l, member)
    else await cancelIntentionsTo(l, member.id)
  }
}

/** The member ops this file decides (see MemberRules). */
export const statusRules = {
  'status.green': statusGreen,
  'status.orange': statusOrange,
  'status.red': statusRed,
} satisfies MemberRules
