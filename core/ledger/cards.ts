/**
 * Members as the screens show them: where their records come from (MemberSource), and each
 * one's card with the display conventions (domain.md §2), the names a screen mentions.
 */
import { collectionProgress, type CollectionProgress } from './collection.ts'
import { daysLeft } from './cycle-time.ts'
import { emergencyLine, incomingLine, outgoingLine, type OutgoingSummary } from './format.ts'
import { inGroups, type ReadKV } from './kv.ts'
import { currentIncoming, currentOutgoing, links } from './ledger.ts'
import { keys, shortId, type Member, type NetworkMeta, type Pledge, type Status } from './model.ts'
import type { PaymentDetail } from './ops.ts'

export interface MemberCard {
  id: string
  shortId: string
  name: string
  about: string
  status: Status
  left: boolean
  joinedAt: number
  /** Monthly amount while orange. */
  monthly: number
  red: { amount: number; startedAt: number; deadline: number; daysLeft: number } | null
  /** Shown only while the member asks for help; an empty list means "ask in person". */
  payment: PaymentDetail[] | null
  defaultPayment: PaymentDetail | null
  progress: CollectionProgress
  outgoing: OutgoingSummary
  /** Obligations this member gave that are overdue and still owed: their reputation. */
  overdue: number
  supporters: string[]
  supporting: string[]
  lines: { incoming: string; outgoing: string; emergency: string | null }
}

export async function networkMeta(kv: ReadKV): Promise<NetworkMeta | null> {
  return kv.get<NetworkMeta>(keys.meta)
}

export async function requireMeta(kv: ReadKV): Promise<NetworkMeta> {
  const meta = await networkMeta(kv)
  if (!meta) throw new Error('this network has no state yet: wait for it to sync')
  return meta
}

export async function listMembers(kv: ReadKV): Promise<Member[]> {
  return (await kv.list<Member>(keys.members)).map((e) => e.value).sort((a, b) => a.index - b.index)
}

/** A member with the pledges in force to and from them: what their card is made of. */
export interface MemberRecord {
  member: Member
  incoming: Pledge[]
  outgoing: Pledge[]
}

/**
 * Where queries find members and their records: the view itself (viewMembers), or a copy the
 * node keeps up to date between updates (core/node/member-index.ts), so that a query about
 * every member does not read every member again on each update.
 */
export interface MemberSource {
  /** Every member, in join order. */
  members(): Promise<readonly Member[]>
  record(id: string): Promise<MemberRecord | null>
}

export async function memberRecord(kv: ReadKV, id: string): Promise<MemberRecord | null> {
  const member = await kv.get<Member>(keys.member(id))
  if (!member) return null
  const [incoming, outgoing] = await Promise.all([currentIncoming(kv, id), currentOutgoing(kv, id)])
  return { member, incoming, outgoing }
}

export function viewMembers(kv: ReadKV): MemberSource {
  return { members: () => listMembers(kv), record: (id) => memberRecord(kv, id) }
}

export function supportersIn(incoming: Pledge[], cycle: string): string[] {
  return [...new Set(incoming.filter((p) => links(p, cycle)).map((p) => p.from))].sort()
}

export function supportingIn(outgoing: Pledge[], cycle: string): string[] {
  return [...new Set(outgoing.filter((p) => links(p, cycle)).map((p) => p.to))].sort()
}

export function outgoingSummary(outgoing: Pledge[], cycle: string): OutgoingSummary {
  const linked = outgoing.filter((p) => links(p, cycle))
  const sum = (f: (p: Pledge) => boolean) => linked.filter(f).reduce((n, p) => n + p.amount, 0)
  return {
    people: new Set(linked.map((p) => p.to)).size,
    intended: sum((p) => p.kind === 'intention' && p.state === 'active'),
    committed: sum(
      (p) => p.kind === 'obligation' && (p.state === 'open' || p.state === 'fulfilled'),
    ),
    confirmed: sum((p) => p.state === 'confirmed'),
  }
}

export function overdueCount(outgoing: Pledge[]): number {
  return outgoing.filter((p) => p.overdue && (p.state === 'open' || p.state === 'fulfilled')).length
}

/**
 * `viewer` sees their own payment details even while green (to edit them). `now` is the
 * viewer's clock: days left ⏳ count down by it (domain.md §3), so they keep going down in a
 * network where nobody writes; network time (the default) only moves with ops.
 */
export function cardOf(
  member: Member,
  incoming: Pledge[],
  outgoing: Pledge[],
  meta: NetworkMeta,
  viewer?: string,
  now = meta.now,
): MemberCard {
  const supporters = supportersIn(incoming, meta.cycle)
  const progress = collectionProgress(member, incoming, meta.cycle, supporters.length)
  const out = outgoingSummary(outgoing, meta.cycle)
  const inNeed = (member.status !== 'green' && !member.left) || member.id === viewer
  const red = member.red ? { ...member.red, daysLeft: daysLeft(member.red.deadline, now) } : null
  return {
    id: member.id,
    shortId: shortId(member.id),
    name: member.name,
    about: member.about,
    status: member.status,
    left: member.left,
    joinedAt: member.joinedAt,
    monthly: member.monthly,
    red: red && {
      amount: red.amount,
      startedAt: red.startedAt,
      deadline: red.deadline,
      daysLeft: red.daysLeft,
    },
    payment: inNeed ? member.payment : null,
    defaultPayment: inNeed ? (member.payment.find((d) => d.isDefault) ?? null) : null,
    progress,
    outgoing: out,
    overdue: overdueCount(outgoing),
    supporters,
    supporting: supportingIn(outgoing, meta.cycle),
    lines: {
      incoming: incomingLine(progress, meta.decimals),
      outgoing: outgoingLine(out, meta.decimals),
      emergency: red
        ? emergencyLine(member.name, progress.missing, red.daysLeft, meta.decimals)
        : null,
    },
  }
}

/** See cardOf for `viewer` and `now`. */
export async function memberCard(
  kv: ReadKV,
  id: string,
  viewer?: string,
  now?: number,
  source: MemberSource = viewMembers(kv),
): Promise<MemberCard | null> {
  const [meta, record] = await Promise.all([requireMeta(kv), source.record(id)])
  if (!record) return null
  return cardOf(record.member, record.incoming, record.outgoing, meta, viewer, now)
}

/** Names of the members a screen mentions, and which of them left the network. */
export interface Named {
  names: Record<string, string>
  left: string[]
}

/** Costs one lookup per id, so a screen's names grow with what it shows, not the network. */
export async function named(source: MemberSource, ids: Iterable<string>): Promise<Named> {
  const names: Record<string, string> = {}
  const left: string[] = []
  for (const id of new Set(ids)) {
    const member = (await source.record(id))?.member
    if (!member) continue
    names[id] = member.name
    if (member.left) left.push(id)
  }
  return { names, left }
}

/**
 * A card in the list of every member (the People screen): without the supporters' ids (the
 * count is in `progress`; each link is in the other member's `supporting`) and the English
 * lines (the apps write their own), which made more than half of the list's bytes: 1.35 MB
 * of cards for 1,000 members, 0.64 MB of them those two.
 */
export type PersonCard = Omit<MemberCard, 'supporters' | 'lines'>

export function personCard({ supporters: _s, lines: _l, ...card }: MemberCard): PersonCard {
  return card
}

/** Every member's card in join order, as `viewer` sees them (see cardOf). */
export function allCards(
  kv: ReadKV,
  viewer: string,
  now?: number,
  source: MemberSource = viewMembers(kv),
): Promise<MemberCard[]> {
  return cardsOf(kv, source, viewer, now)
}

/**
 * Cards made from records a MemberSource hands out again unchanged (the node's MemberIndex
 * keeps a record until an op touches the member), with what else they were made from. A
 * screen that lists every member asks after each update, when one or two records changed.
 */
const made = new WeakMap<MemberRecord, { made: string; card: MemberCard }>()

/** cardOf a record, made again only when the record or what else the card shows changed. */
function cardOfRecord(
  r: MemberRecord,
  meta: NetworkMeta,
  viewer: string | undefined,
  now = meta.now,
): MemberCard {
  const red = r.member.red ? daysLeft(r.member.red.deadline, now) : ''
  const key = `${meta.cycle}|${meta.decimals}|${viewer ?? ''}|${red}`
  const kept = made.get(r)
  if (kept?.made === key) return kept.card
  const card = cardOf(r.member, r.incoming, r.outgoing, meta, viewer, now)
  made.set(r, { made: key, card })
  return card
}

/**
 * How many member records cardsOf reads at once. On a view just opened each record is a few
 * storage reads, which one after the other were most of the first Home; all at once made the
 * warm case slower (hundreds of range reads in flight). 4, 8 and 16 measured alike.
 */
const RECORDS_AT_ONCE = 4

/** The cards of the members `keep` picks, in join order. */
export async function cardsOf(
  kv: ReadKV,
  source: MemberSource,
  viewer: string | undefined,
  now: number | undefined,
  keep: (m: Member) => boolean = () => true,
): Promise<MemberCard[]> {
  const meta = await requireMeta(kv)
  const kept = (await source.members()).filter(keep)
  const records = await inGroups(kept, RECORDS_AT_ONCE, (m) => source.record(m.id))
  return records.flatMap((r) => (r ? [cardOfRecord(r, meta, viewer, now)] : []))
}
