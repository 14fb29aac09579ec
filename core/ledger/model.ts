/**
 * The ledger state as stored in the view, and the keys it lives under.
 * Members are identified by their writer key (64 hex chars); pledges by
 * `<first 12 hex of author>-<op id>` so no author can claim another's id.
 */
import type { PaymentDetail } from './ops.ts'
import type { StoredRefusal } from '../errors.ts'

export type Status = 'green' | 'orange' | 'red'

/**
 * What network time needs to know between two passes over the members' clocks (see
 * network-time.ts): how many clocks are active, how many of them passed `boundary` and how many
 * are a step ahead of network time, the two highest clocks, and a lower bound of the active ones.
 */
export interface ClockCounts {
  active: number
  passed: number
  ahead: number
  /** The boundary `passed` counts against (nextBoundary when it was counted). */
  boundary: number
  top: Array<{ member: string; clock: number }>
  oldest: number
}

export interface NetworkMeta {
  name: string
  currency: string
  decimals: number
  timeZone: string
  creator: string
  createdAt: number
  /**
   * Network time (ms, domain.md §11): the lower median of the active members' latest clocks
   * (see network-time.ts). It never runs backwards.
   */
  now: number
  /** Counters of the members' clocks, which move `now`. */
  clocks: ClockCounts
  /** Current monthly cycle, `YYYY-MM` in the network's time zone. */
  cycle: string
  /** Running red collections: member id → deadline (ms). */
  reds: Record<string, number>
  /** Writer keys of the indexers, oldest first. */
  indexers: string[]
  /** When each indexer device last wrote (network time): a long silence hands its place on. */
  indexerSeen: Record<string, number>
  /**
   * Writers who appended ops of a newer schema version than the app that applied them knew,
   * each with the highest such version. An app asks to be updated while one is newer than it
   * reads (see needsUpdate): the question goes once the app reads that version.
   */
  newer: Record<string, number>
  /**
   * Counters that make derived keys deterministic; `clearing` counts the changes to what a
   * clearing could take (obligations, consents, members leaving or coming back), so that a
   * preview of it can be kept until the next one (Ledger.touchClearing).
   */
  seq: { event: number; member: number; clearing: number }
}

export interface RedCollection {
  /** Id of the op that started it. */
  id: string
  amount: number
  startedAt: number
  deadline: number
  /** Status to return to when the collection ends. */
  previous: 'green' | 'orange'
}

export interface Member {
  id: string
  /** Join order, 1-based; decides indexers. */
  index: number
  name: string
  about: string
  payment: PaymentDetail[]
  status: Status
  /** Monthly amount while orange (also kept while red, to return to). */
  monthly: number
  red: RedCollection | null
  joinedAt: number
  /** Event sequence number at joining: earlier events are history, not news. */
  joinedEvent: number
  left: boolean
  leftAt?: number
  /** The person's member key in this network (domain.md §12): what signs their proofs. */
  key: string
  /**
   * The key `key` replaced at the last `member.rekey`: a second rekey to the same key, made
   * at the same time on another device of the member, proves it over this one.
   */
  previousKey?: string
  /**
   * Writer keys of the devices that act for this member (kept when they leave: members' nodes
   * stop replicating to them).
   */
  devices: string[]
  /** Devices the member unlinked: members' nodes stop replicating to them too. */
  unlinked?: string[]
}

/** An admitted writer (a device). */
export interface WriterRecord {
  addedBy: string
  at: number
  /** The invite it paired with (not for the network's creator). */
  invite?: string
  /** The member it acts for, once it joined (as a new member or as a device of one). */
  member?: string
  /** When it was unlinked: what it wrote before stays, anything after is refused. */
  unlinkedAt?: number
  /**
   * The recovery phrase of the member's last `member.rekey`, sealed for this device (hex, see
   * core/identity/phrase.ts sealPhrase), with the member keys the rekey went from and to: the
   * device takes the phrase when its own phrase gives `from` and the member's key is `key`.
   */
  sealed?: { from: string; key: string; box: string }
}

/** A member key that a `member.rekey` replaced: joins proving it are refused. */
export interface RetiredKey {
  member: string
  /** When it was replaced (network time). */
  at: number
}

export type PledgeKind = 'intention' | 'obligation'

/**
 * intention: active | frozen | cancelled | lapsed
 * obligation: open | fulfilled (awaiting confirmation) | confirmed | forgiven | cancelled
 */
export type PledgeState =
  'active' | 'frozen' | 'lapsed' | 'open' | 'fulfilled' | 'confirmed' | 'forgiven' | 'cancelled'

export interface Pledge {
  id: string
  kind: PledgeKind
  state: PledgeState
  from: string
  to: string
  amount: number
  note: string
  /** 'monthly' or the id of the red collection it is for. */
  collection: string
  /** Cycle the pledge was made in (renewals: the cycle they were renewed into). */
  cycle: string
  createdAt: number
  committedAt?: number
  fulfilledAt?: number
  confirmedAt?: number
  /** Cycle in which it was confirmed. */
  confirmedCycle?: string
  closedAt?: number
  /** Moved to the overdue archive (still owed). Cleared when confirmed. */
  overdue: boolean
  overdueSince?: number
  /** Renewed from this obligation of the previous cycle. */
  renewedFrom?: string
  /**
   * Confirmed by the clearing of mutual obligations of this cycle (domain.md §6), not by its
   * recipient: a whole obligation it settled, or the part it split off one (`splitFrom`).
   */
  clearedIn?: string
  /**
   * On an obligation still owed: what clearings took off it so far (each as a confirmed part of
   * its own, `splitFrom` this one). `amount` is what is still owed; amount + cleared was promised.
   */
  cleared?: number
  /** The part a clearing settled of obligation `splitFrom`, which goes on owing the rest. */
  splitFrom?: string
}

/**
 * A member's consent to this month's clearing (`clearing.consent`, the last one counts): which
 * of their open obligations, owed by them or to them, it may reduce, and by how much at most.
 */
export interface ClearingConsent {
  member: string
  /** 'all', 'none', or the ids of the obligations chosen. */
  obligations: 'all' | 'none' | string[]
  /** The most it may take off each obligation (minor units); none: all of it. */
  cap?: number
  /** When it was given. */
  at: number
}

/**
 * One clearing, run as the month `cycle` ended (its totals, as core/clearing computed them, over
 * the obligations both sides consented to).
 */
export interface ClearingRun {
  cycle: string
  /** The month start it ran at. */
  at: number
  totals: {
    /** What the obligations that took part owed. */
    debt: number
    /** The most the consents allowed (each obligation up to its cap). */
    consented: number
    cleared: number
  }
  /** cleared / debt in hundredths of a percent, rounded down (0 without debt). */
  percentBp: number
  /** Members who consented to some of their obligations. */
  members: number
  /** Obligations that took part (both sides consented), and how many of them were reduced. */
  obligations: number
  reduced: number
  /** Chains (cycles of obligations) the cleared amounts make up. */
  chains: number
  /** The result passed verifyClearing (core/clearing/certificate.ts): it is the largest. */
  verified: boolean
  /** Why nothing was cleared although obligations took part (a check failed), if so. */
  failed?: string
}

/**
 * An obligation a clearing reduced, as it stood: enough to compute the run's chains again
 * (core/clearing's peelCycles over the cleared amounts, in the same order).
 */
export interface ClearedRow {
  from: string
  to: string
  /** Its place in the clearing's order: when it was made (then its id). */
  order: number
  /** What it owed before. */
  amount: number
  cleared: number
}

/** What one clearing did for one member: the same total off their debts and their claims. */
export interface MemberClearing {
  cycle: string
  cleared: number
  /** Their obligations it reduced, either way: `piece` is the part split off one not settled. */
  pledges: Array<{ id: string; cleared: number; remaining: number; piece?: string }>
}

/** A "Help" link: who may still pair with it is decided here, by any member's node. */
export interface Invite {
  id: string
  publicKey: string
  by: string
  for: string | null
  createdAt: number
  expires: number
  uses: number
  used: number
  revoked: boolean
}

export type EventKind =
  | 'network.created'
  | 'member.joined'
  | 'member.left'
  | 'device.linked'
  | 'device.unlinked'
  | 'member.rekeyed'
  | 'status.changed'
  | 'intention.created'
  | 'intention.changed'
  | 'intention.cancelled'
  | 'intention.frozen'
  | 'intention.revived'
  | 'intention.lapsed'
  | 'intention.renewed'
  | 'obligation.created'
  | 'obligation.fulfilled'
  | 'obligation.confirmed'
  | 'obligation.forgiven'
  | 'obligation.cancelled'
  | 'obligation.overdue'
  | 'request.commit'
  | 'request.fulfil'
  | 'request.confirm'
  | 'red.ended'
  | 'cycle.started'
  | 'clearing.cleared'
  | 'clearing.finished'

/** Something that happened, with the members it concerns. Derived; never written to a log. */
export interface LedgerEvent {
  /** Deterministic: `<op ref>#<n>`. */
  id: string
  seq: number
  kind: EventKind
  at: number
  /** Member who caused it (absent for time-driven events). */
  actor?: string
  /** Member it is about (recipient of help, member whose status changed...). */
  subject?: string
  pledge?: string
  amount?: number
  /** Extra facts, e.g. status, outcome of a red collection. */
  data?: Record<string, string | number | boolean | null>
  /**
   * Members who should be told, as member tags (see memberTag), or EVERYONE: see isFor.
   * Tags, not keys: a circle of ten named by keys made two thirds of an event's bytes, and
   * events are the biggest part of the view.
   */
  to: string[]
}

/** In an event's `to`: every member. */
export const EVERYONE = '*'

/** Hex characters of a member's key that name them in an event's `to` (64 bits). */
const TAG_CHARS = 16

/**
 * A member's key shortened to name them among an event's recipients. `to` only says whom to
 * notify (every member can read every event), and making a writer key that shares its first
 * 64 bits with another member's would take some 2^64 tries.
 */
export function memberTag(id: string): string {
  return id.slice(0, TAG_CHARS)
}

/** Whether event `e` is addressed to the member with key `id`, by tag or as everyone. */
export function isFor(e: LedgerEvent, id: string): boolean {
  const tag = memberTag(id)
  return e.to.some((t) => t === tag || t === EVERYONE)
}

export interface Rejection {
  seq: number
  /** `<author>:<op id>` or `<author>@<length>` when the op had no readable id. */
  ref: string
  author: string
  type: string | null
  /** Why, as a reason code and its values (core/errors.ts REASONS), never as text. */
  reason: StoredRefusal
  at: number
  future?: boolean
}

/** Hex characters of the author's key that start the id of a pledge. */
export const PLEDGE_AUTHOR_CHARS = 12

export const keys = {
  meta: 'meta',
  member: (id: string) => `member/${id}`,
  members: 'member/',
  writer: (key: string) => `writer/${key}`,
  writers: 'writer/',
  /** Which member holds a member key (value: member id). */
  memberKey: (key: string) => `mkey/${key}`,
  /** A member key replaced by a `member.rekey` (RetiredKey); no longer under `mkey/`. */
  retiredKey: (key: string) => `rkey/${key}`,
  /** A member's latest clock: the highest stamp of their ops, in whole minutes. */
  clock: (member: string) => `clock/${member}`,
  clocks: 'clock/',
  invite: (id: string) => `invite/${id}`,
  invites: 'invite/',
  /**
   * A pledge, in the folder of the pledges whose ids start with the same key prefix (its
   * author's, see pledgeIdOf): apply reads an author's folder in one go when they make a
   * pledge, and then tells a taken id from a new one without looking each up.
   */
  pledge: (id: string) =>
    `pledge/${id.slice(0, PLEDGE_AUTHOR_CHARS)}/${id.slice(PLEDGE_AUTHOR_CHARS)}`,
  pledgesBy: (author: string) => `pledge/${author.slice(0, PLEDGE_AUTHOR_CHARS)}/`,
  pledges: 'pledge/',
  /** History: every pledge to / from a member, by id (value 1). */
  incoming: (to: string, id: string) => `in/${to}/${id}`,
  incomingOf: (to: string) => `in/${to}/`,
  incomings: 'in/',
  outgoing: (from: string, id: string) => `out/${from}/${id}`,
  outgoingOf: (from: string) => `out/${from}/`,
  outgoings: 'out/',
  /** The current picture (see isCurrent): copies of the pledges, by recipient and author. */
  currentIn: (to: string, id: string) => `cin/${to}/${id}`,
  currentInOf: (to: string) => `cin/${to}/`,
  currentIns: 'cin/',
  currentOut: (from: string, id: string) => `cout/${from}/${id}`,
  currentOutOf: (from: string) => `cout/${from}/`,
  currentOuts: 'cout/',
  event: (seq: number) => `event/${pad(seq)}`,
  events: 'event/',
  rejected: (seq: number) => `rejected/${pad(seq)}`,
  rejections: 'rejected/',
  rejectedSeq: 'seq/rejected',
  /** Why an op was refused (a Refusal), by op ref: an app tells its user why it did not count. */
  refusal: (ref: string) => `refusal/${ref}`,
  refusals: 'refusal/',
  /** A member's consent to the clearing of a cycle (ClearingConsent). */
  consent: (cycle: string, member: string) => `consent/${cycle}/${member}`,
  consentsOf: (cycle: string) => `consent/${cycle}/`,
  /** The clearing run as `cycle` ended (ClearingRun). */
  clearingRun: (cycle: string) => `clearing/${cycle}`,
  clearingRuns: 'clearing/',
  /** The obligations a run reduced (ClearedRow), by pledge id. */
  clearedRow: (cycle: string, pledge: string) => `cleared/${cycle}/${pledge}`,
  clearedRowsOf: (cycle: string) => `cleared/${cycle}/`,
  /** What a run did for a member (MemberClearing). */
  memberClearing: (member: string, cycle: string) => `clearedfor/${member}/${cycle}`,
  memberClearingsOf: (member: string) => `clearedfor/${member}/`,
}

/**
 * What member keys are derived for and their proofs name as the network: its first writer,
 * which its record keeps (every node knows it once it has the network's first op).
 */
export function networkId(meta: NetworkMeta): string {
  return meta.creator
}

export function pad(n: number): string {
  return n.toString().padStart(12, '0')
}

export function pledgeIdOf(author: string, opId: string): string {
  return `${author.slice(0, PLEDGE_AUTHOR_CHARS)}-${opId}`
}

export function shortId(memberId: string): string {
  return memberId.slice(0, 8)
}
