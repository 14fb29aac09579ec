/**
 * What the UI and CLI ask of the ledger, computed from the view: circles and relations
 * (domain.md §2), organizer lists, who needs help now, Home and a member's page, with the
 * member cards of cards.ts. Read-only; every function takes a snapshot of the view.
 */
import {
  cardsOf,
  memberCard,
  named,
  networkMeta,
  requireMeta,
  supportersIn,
  supportingIn,
  viewMembers,
  type MemberCard,
  type MemberSource,
  type Named,
} from './cards.ts'
import { cycleStart, daysLeft, nextCycle } from './cycle-time.ts'
import type { ReadKV } from './kv.ts'
import { incomingOf, outgoingOf } from './ledger.ts'
import { keys, type LedgerEvent, type Member, type NetworkMeta, type Pledge } from './model.ts'

export * from './cards.ts'

export interface Relations {
  /** Who supports X. */
  supporters: string[]
  /** Whom X supports. */
  supporting: string[]
  /** Who else supports the people X supports. */
  coSupporters: string[]
  /** Who else supports the people who support X. */
  supportersOfSupporters: string[]
  /** Whom else X's supporters support. */
  alsoSupportedBySupporters: string[]
  /** Whom else the people X supports support. */
  supportedBySupported: string[]
  /** The union of all of the above: "my network". */
  network: string[]
}

/**
 * The six relations of domain.md §2 for member `id`, and their union. With the node's
 * MemberSource they cost no storage reads: the circles come from the records it keeps.
 */
export async function relations(
  kv: ReadKV,
  id: string,
  source: MemberSource = viewMembers(kv),
): Promise<Relations> {
  const meta = await requireMeta(kv)
  const supportersCache = new Map<string, string[]>()
  const supportingCache = new Map<string, string[]>()
  const supportersOf = async (m: string) => {
    let s = supportersCache.get(m)
    if (!s) {
      const incoming = (await source.record(m))?.incoming ?? []
      supportersCache.set(m, (s = supportersIn(incoming, meta.cycle)))
    }
    return s
  }
  const supportingOf = async (m: string) => {
    let s = supportingCache.get(m)
    if (!s) {
      const outgoing = (await source.record(m))?.outgoing ?? []
      supportingCache.set(m, (s = supportingIn(outgoing, meta.cycle)))
    }
    return s
  }
  const union = async (of: string[], f: (m: string) => Promise<string[]>) => {
    const all = new Set<string>()
    for (const m of of) for (const x of await f(m)) if (x !== id) all.add(x)
    return [...all].sort()
  }
  const supporters = await supportersOf(id)
  const supporting = await supportingOf(id)
  const result = {
    supporters,
    supporting,
    coSupporters: await union(supporting, supportersOf),
    supportersOfSupporters: await union(supporters, supportersOf),
    alsoSupportedBySupporters: await union(supporters, supportingOf),
    supportedBySupported: await union(supporting, supportingOf),
  }
  const network = new Set<string>()
  for (const list of Object.values(result)) for (const m of list) network.add(m)
  return { ...result, network: [...network].sort() }
}

export interface Organizer {
  /** My intentions and obligations in force. */
  myPromises: Pledge[]
  /** Intentions and obligations in force in my favour. */
  promisesToMe: Pledge[]
  /** Fulfilled by their author, waiting for my 👍. */
  toConfirm: Pledge[]
  /** I fulfilled them; waiting for the recipient's 👍. */
  awaitingTheirConfirmation: Pledge[]
  /** Confirmed, both directions, newest first. */
  fulfilled: Pledge[]
  /** Overdue and still owed, both directions. */
  overdue: Pledge[]
}

function inForce(p: Pledge): boolean {
  if (p.overdue) return false
  if (p.kind === 'intention') return p.state === 'active' || p.state === 'frozen'
  return p.state === 'open' || p.state === 'fulfilled'
}

const newestFirst = (a: Pledge, b: Pledge) =>
  (b.confirmedAt ?? b.createdAt) - (a.confirmedAt ?? a.createdAt) || (a.id < b.id ? -1 : 1)

export async function organizer(kv: ReadKV, me: string): Promise<Organizer> {
  const [incoming, outgoing] = await Promise.all([incomingOf(kv, me), outgoingOf(kv, me)])
  const owed = (p: Pledge) => p.overdue && (p.state === 'open' || p.state === 'fulfilled')
  return {
    myPromises: outgoing.filter(inForce).sort(newestFirst),
    promisesToMe: incoming.filter(inForce).sort(newestFirst),
    toConfirm: incoming.filter((p) => p.state === 'fulfilled').sort(newestFirst),
    awaitingTheirConfirmation: outgoing.filter((p) => p.state === 'fulfilled').sort(newestFirst),
    fulfilled: [...incoming, ...outgoing].filter((p) => p.state === 'confirmed').sort(newestFirst),
    overdue: [...incoming, ...outgoing].filter(owed).sort(newestFirst),
  }
}

/**
 * Members asking for help now: emergencies first (fewest days left by the clock `now`, see
 * cardOf), then by what is missing.
 */
export async function needsHelp(
  kv: ReadKV,
  now?: number,
  source: MemberSource = viewMembers(kv),
): Promise<MemberCard[]> {
  const asking = (m: Member) => !m.left && m.status !== 'green'
  const cards = await cardsOf(kv, source, undefined, now, asking)
  const rank = (c: MemberCard) => (c.status === 'red' ? 0 : 1)
  return cards.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.red && b.red ? a.red.daysLeft - b.red.daysLeft : 0) ||
      b.progress.missing - a.progress.missing ||
      a.name.localeCompare(b.name),
  )
}

/** How many of the others asking for help Home lists; People lists them all. */
export const HOME_NEEDY = 20

/**
 * Home's list of who needs help: the first `limit` others (in needsHelp's order) and how many
 * ask in all. A network of 1,000 has some 200 asking: listing them all made every update of
 * Home cost a re-render of 200 cards.
 */
export function othersInNeed(
  cards: readonly MemberCard[],
  me: string,
  limit = HOME_NEEDY,
): { shown: MemberCard[]; total: number } {
  const others = cards.filter((c) => c.id !== me)
  return { shown: others.slice(0, limit), total: others.length }
}

/** Latest events, newest first. */
export async function recentEvents(kv: ReadKV, limit = 50): Promise<LedgerEvent[]> {
  const meta = await networkMeta(kv)
  if (!meta) return []
  const from = Math.max(1, meta.seq.event - limit + 1)
  const out: LedgerEvent[] = []
  for (let seq = meta.seq.event; seq >= from; seq--) {
    const e = await kv.get<LedgerEvent>(keys.event(seq))
    if (e) out.push(e)
  }
  return out
}

const EVENT_BLOCK = 1_000

/**
 * The first of the last one to two thousand events when the latest is `seq`: those latestEvents
 * reads as key ranges (event keys are zero-padded, so a shared prefix is a block of a thousand).
 * Older events are history, not news: notifications look no further back.
 */
export function latestEventsFrom(seq: number): number {
  const block = Math.floor(seq / EVENT_BLOCK)
  return block > 0 ? (block - 1) * EVENT_BLOCK : 0
}

/** See latestEventsFrom: the events from there to the latest. */
export async function latestEvents(kv: ReadKV): Promise<LedgerEvent[]> {
  const meta = await networkMeta(kv)
  if (!meta || meta.seq.event === 0) return []
  const block = Math.floor(meta.seq.event / EVENT_BLOCK)
  const prefix = (b: number) => keys.event(b * EVENT_BLOCK).slice(0, -3)
  const blocks = block > 0 ? [block - 1, block] : [block]
  const out: LedgerEvent[] = []
  for (const b of blocks) for (const e of await kv.list<LedgerEvent>(prefix(b))) out.push(e.value)
  return out
}

/** An obligation I gave and have still to fulfil, and when it is due. */
export interface Owed {
  pledge: Pledge
  /** Towards a red collection that is still running: due by its deadline. */
  emergency: boolean
  /** The instant it falls due: the collection's deadline, else the start of the next month. */
  due: number
  /** Days left until `due`, by the viewer's clock (see cardOf). */
  daysLeft: number
}

/**
 * My open obligations, the soonest due first. Reads only the members I owe something (for
 * their red collection), so it costs what I owe, not the size of the network.
 */
export async function owedBy(
  kv: ReadKV,
  org: Organizer,
  meta: NetworkMeta,
  now = meta.now,
): Promise<Owed[]> {
  const open = org.myPromises.filter((p) => p.kind === 'obligation' && p.state === 'open')
  const reds = new Map<string, Member['red']>()
  for (const to of new Set(open.map((p) => p.to)))
    reds.set(to, (await kv.get<Member>(keys.member(to)))?.red ?? null)
  const monthEnd = cycleStart(nextCycle(meta.cycle), meta.timeZone)
  return open
    .map((pledge) => {
      const red = reds.get(pledge.to)
      const emergency = red?.id === pledge.collection
      const due = emergency ? red!.deadline : monthEnd
      return { pledge, emergency, due, daysLeft: daysLeft(due, now) }
    })
    .sort((a, b) => a.due - b.due || (a.pledge.id < b.pledge.id ? -1 : 1))
}

export interface Home {
  network: NetworkMeta
  me: MemberCard | null
  needsHelp: MemberCard[]
  organizer: Organizer
  /** My open obligations, the soonest due first. */
  owed: Owed[]
  recent: LedgerEvent[]
}

/** Everything the home screen shows for member `me`, days left counted by the clock `now`. */
export async function home(
  kv: ReadKV,
  me: string,
  now?: number,
  source: MemberSource = viewMembers(kv),
): Promise<Home> {
  const [network, card, needy, org, recent] = await Promise.all([
    requireMeta(kv),
    memberCard(kv, me, me, now, source),
    needsHelp(kv, now, source),
    organizer(kv, me),
    recentEvents(kv, 20),
  ])
  const owed = await owedBy(kv, org, network, now)
  return { network, me: card, needsHelp: needy, organizer: org, owed, recent }
}

/** Both sides of each pledge. */
export function partiesOf(pledges: Iterable<Pledge>): string[] {
  const ids: string[] = []
  for (const p of pledges) ids.push(p.from, p.to)
  return ids
}

/** Every pledge between me and `other` from my organizer lists, without repeats, newest first. */
export function pledgesBetween(org: Organizer, me: string, other: string): Pledge[] {
  const seen = new Map<string, Pledge>()
  for (const list of Object.values(org) as Pledge[][]) {
    for (const p of list) {
      if ((p.from === me && p.to === other) || (p.from === other && p.to === me)) seen.set(p.id, p)
    }
  }
  return [...seen.values()].sort((a, b) => b.createdAt - a.createdAt)
}

export interface MemberPage extends Named {
  card: MemberCard
  /** The member's six relations (domain.md §2). */
  relations: Relations
  /** The pledges between the viewer and the member (none on the viewer's own page). */
  pledges: Pledge[]
}

/**
 * What a member's page shows to `viewer`: it costs the member's circles and the viewer's own
 * pledges, not the size of the network. Null if there is no such member.
 */
export async function memberPage(
  kv: ReadKV,
  id: string,
  viewer: string,
  now?: number,
  source: MemberSource = viewMembers(kv),
): Promise<MemberPage | null> {
  const card = await memberCard(kv, id, viewer, now, source)
  if (!card) return null
  const [rel, org] = await Promise.all([
    relations(kv, id, source),
    id === viewer ? null : organizer(kv, viewer),
  ])
  const pledges = org ? pledgesBetween(org, viewer, id) : []
  const who = named(source, [...Object.values(rel).flat(), ...partiesOf(pledges)])
  return { card, relations: rel, pledges, ...(await who) }
}
