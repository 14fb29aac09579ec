/**
 * Networks and their members (domain.md §2, §9): creating a network, admitting writers,
 * joining, profile, payment details, leaving. Also the indexer rule.
 */
import { cycleOf } from '../cycle-time.ts'
import { reject, type Ledger, type MemberRules } from '../ledger.ts'
import { EVERYONE, keys, type Member, type NetworkMeta } from '../model.ts'
import { emptyCounts, forgetClock } from '../network-time.ts'
import type { OpOf } from '../ops.ts'
import { cancelIntentionsTo, endRed } from './status.ts'

/**
 * Indexer rule: the first MAX_INDEXERS members to join (the creator first) are indexers;
 * when one leaves, the longest-standing member who is not an indexer takes their place.
 */
export const MAX_INDEXERS = 3

export function createNetwork(op: OpOf<'network.create'>, author: string): NetworkMeta {
  return {
    name: op.name,
    currency: op.currency,
    decimals: op.decimals,
    timeZone: op.timeZone,
    creator: author,
    createdAt: op.ts,
    now: op.ts,
    clocks: emptyCounts(),
    cycle: cycleOf(op.ts, op.timeZone),
    reds: {},
    indexers: [author],
    newer: {},
    seq: { event: 0, member: 0 },
  }
}

export async function memberJoin(l: Ledger, author: string, op: OpOf<'member.join'>) {
  if (!(await l.kv.get(keys.writer(author)))) reject('never-admitted')
  const existing = await l.member(author)
  // Leaving removes the writer, so a member who left comes back through a new invite, with
  // a new writer key: their old one stays the record of who they were.
  if (existing?.left) reject('left-join-again')
  if (existing) reject('already-member')
  const member: Member = {
    id: author,
    index: ++l.meta.seq.member,
    name: op.name,
    about: op.about ?? '',
    payment: [],
    status: 'green',
    monthly: 0,
    red: null,
    joinedAt: l.now,
    joinedEvent: l.meta.seq.event,
    left: false,
  }
  await l.saveMember(member)
  if (l.meta.indexers.length < MAX_INDEXERS && !l.meta.indexers.includes(author)) {
    l.meta.indexers.push(author)
    l.effects.push({ type: 'addWriter', key: author, indexer: true })
  }
  await l.emit('member.joined', [EVERYONE], { actor: author, subject: author })
}

export async function memberProfile(l: Ledger, author: Member, op: OpOf<'member.profile'>) {
  if (op.name === undefined && op.about === undefined) reject('nothing-to-change')
  if (op.name !== undefined) author.name = op.name
  if (op.about !== undefined) author.about = op.about
  await l.saveMember(author)
}

export async function memberPayment(l: Ledger, author: Member, op: OpOf<'member.payment'>) {
  author.payment = op.details
  await l.saveMember(author)
}

/**
 * Leaving cancels intentions both ways and removes profile and payment details from the
 * state. Obligations stay: those given are still owed, those received and fulfilled stay in
 * history. Open obligations towards the leaver are cancelled: nobody could receive them.
 */
export async function memberLeave(l: Ledger, author: Member) {
  if (author.status === 'red') await endRed(l, author, 'stopped', 'green')
  await cancelIntentionsTo(l, author.id)
  for (const p of await l.incoming(author.id)) {
    if (p.kind !== 'obligation' || p.state !== 'open') continue
    p.state = 'cancelled'
    p.closedAt = l.now
    await l.savePledge(p)
    await l.emit('obligation.cancelled', [p.from], {
      actor: author.id,
      subject: author.id,
      pledge: p.id,
      amount: p.amount,
      data: { reason: 'recipient-left' },
    })
  }
  for (const p of await l.outgoing(author.id)) {
    if (p.kind !== 'intention' || (p.state !== 'active' && p.state !== 'frozen')) continue
    p.state = 'cancelled'
    p.closedAt = l.now
    await l.savePledge(p)
    await l.emit('intention.cancelled', [p.to, p.from], {
      actor: author.id,
      subject: p.to,
      pledge: p.id,
      amount: p.amount,
      data: { reason: 'author-left' },
    })
  }
  author.left = true
  await forgetClock(l, author.id)
  author.leftAt = l.now
  author.status = 'green'
  author.monthly = 0
  author.about = ''
  author.payment = []
  await l.saveMember(author)
  l.effects.push({ type: 'removeWriter', key: author.id })
  const at = l.meta.indexers.indexOf(author.id)
  if (at >= 0) {
    l.meta.indexers.splice(at, 1)
    const next = (await l.members())
      .filter((m) => !m.left && !l.meta.indexers.includes(m.id))
      .sort((a, b) => a.index - b.index)[0]
    if (next) {
      l.meta.indexers.push(next.id)
      l.effects.push({ type: 'addWriter', key: next.id, indexer: true })
    }
  }
  await l.emit('member.left', [EVERYONE], { actor: author.id, subject: author.id })
}

/** The member ops this file decides (see MemberRules). */
export const memberRules = {
  'member.profile': memberProfile,
  'member.payment': memberPayment,
  'member.leave': memberLeave,
} satisfies MemberRules
