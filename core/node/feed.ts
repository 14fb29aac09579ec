/**
 * A network's notification feed for this member: the list (events that concern me, the
 * calendar, refusals of my ops) with read marks, and the scans that push what is new after
 * each update, remembering what was seen so a restart pushes nothing twice.
 */
import type { NodeEvent, NotificationEntry } from '../api/results.ts'
import { answered, asks } from '../ledger/actions.ts'
import { currentOutgoing } from '../ledger/ledger.ts'
import { lastEntries } from '../ledger/kv.ts'
import {
  keys,
  type LedgerEvent,
  type Member,
  type NetworkMeta,
  type Pledge,
  type Rejection,
} from '../ledger/model.ts'
import {
  calendarNotifications,
  concerns,
  notificationsFor,
  refusalNotifications,
  type Notification,
} from '../ledger/notifications.ts'
import { latestEvents, latestEventsFrom, named, type MemberSource } from '../ledger/queries.ts'
import type { Logger } from '../logger.ts'
import type { ViewSnapshot } from '../network/view.ts'
import type { LocalStateFile, NetworkEntry } from './local-state.ts'

/**
 * A scan starts this long after the update that called for it, so that a burst of updates
 * (catching up) costs one scan, and the scan never competes with the work in flight
 * (replicating an op just appended, answering the call that appended it).
 */
const SCAN_DELAY_MS = 25
/** How many of the network's latest refusals the notification list looks through for mine. */
const RECENT_REFUSALS = 200
/** Up to how many new events the list reads one by one after its last call (see mine()). */
const FOLLOW_EVENTS = 500

export interface FeedOptions {
  entry: NetworkEntry
  state: LocalStateFile
  clock: () => number
  log: Logger
  push: (event: NodeEvent) => void
  me: () => string
  read: <T>(fn: (kv: ViewSnapshot) => Promise<T>) => Promise<T>
  members: (kv: ViewSnapshot) => Promise<MemberSource>
  /** Told of each meta a scan reads (the session remembers the network's name). */
  knownAs: (meta: NetworkMeta | null) => NetworkMeta | null
}

/** Who an event is about: the members a notification of it names. */
function parties(e: LedgerEvent): string[] {
  return [e.actor, e.subject].filter((id) => id !== undefined)
}

export class NotificationFeed {
  /** Serialises scans. */
  private scanning: Promise<void> = Promise.resolve()
  /** A scan waiting to start: see SCAN_DELAY_MS. */
  private timer: NodeJS.Timeout | null = null
  private closed = false

  constructor(private readonly o: FeedOptions) {}

  /**
   * The first scan, then `warm` (work that should not compete with it), then the list once, so
   * that the first screen finds the events that concern me read (see mine(): on the UI bench's
   * 50k-op network the first list took ~230 ms of Home's first ~300 ms of queries).
   */
  start(warm: Promise<void>): void {
    this.scanning = this.scan()
      .then(() => warm)
      .then(() => this.list())
      .then(
        () => {},
        () => {},
      )
  }

  schedule(): void {
    if (this.timer || this.closed) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.scanning = this.scanning
        .then(() => this.scan())
        .catch((err) => this.o.log.warn('notification scan failed', { error: String(err) }))
    }, SCAN_DELAY_MS)
  }

  /** Stops scanning; a scan still reading the view finishes first. */
  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.scanning
  }

  /** Every notification of mine in this network, newest events first as the view lists them. */
  async list(): Promise<NotificationEntry[]> {
    const { entry, state } = this.o
    const me = this.o.me()
    return this.o.read(async (kv) => {
      const [meta, member] = await Promise.all([
        kv.get<NetworkMeta>(keys.meta),
        kv.get<Member>(keys.member(me)),
      ])
      if (!meta || !member) return []
      const events = await this.mine(kv, meta, member)
      const { names } = await named(await this.o.members(kv), events.flatMap(parties))
      // What asked me to act and no longer waits for me is told without the call to act.
      const asking = [...new Set(events.filter(asks).map((e) => e.pledge!))]
      const now = new Map(
        await Promise.all(
          asking.map(async (id) => [id, await kv.get<Pledge>(keys.pledge(id))] as const),
        ),
      )
      const done = (e: LedgerEvent) => asks(e) && answered(e, me, now.get(e.pledge!))
      const refused = await lastEntries<Rejection>(kv, keys.rejections, RECENT_REFUSALS)
      const list = [
        ...notificationsFor(events, member, meta, (id) => names[id], done),
        ...calendarNotifications(this.o.clock(), meta, await currentOutgoing(kv, me)),
        ...refusalNotifications(
          refused.map((e) => e.value),
          member.devices,
          meta,
        ),
      ]
      return list.map((x) => ({ ...x, network: entry.key, read: state.isRead(entry.key, x.id) }))
    })
  }

  /** The events the last list() found that concern me, and the view they were read from. */
  private kept: {
    view: string
    member: string
    joinedEvent: number
    upTo: number
    events: LedgerEvent[]
  } | null = null

  /**
   * The latest events (latestEvents' window) that concern `member`. Every screen asks for the
   * list again on each update, and reading the window costs up to two thousand events (30 ms
   * at 50,000 ops); an event never changes once written until the view is truncated or
   * replaced (which moves its epoch), so only the events since the last call are read.
   */
  private async mine(kv: ViewSnapshot, meta: NetworkMeta, member: Member) {
    const view = `${kv.core}/${kv.viewEpoch}`
    const upTo = meta.seq.event
    const k = this.kept
    let events: LedgerEvent[]
    if (
      k?.view === view &&
      k.member === member.id &&
      k.joinedEvent === member.joinedEvent &&
      k.upTo <= upTo &&
      upTo - k.upTo <= FOLLOW_EVENTS
    ) {
      const from = latestEventsFrom(upTo)
      events = k.events.filter((e) => e.seq >= from)
      for (let s = k.upTo + 1; s <= upTo; s++) {
        const e = await kv.get<LedgerEvent>(keys.event(s))
        if (e && concerns(e, member)) events.push(e)
      }
    } else {
      events = (await latestEvents(kv)).filter((e) => concerns(e, member))
    }
    this.kept = { view, member: member.id, joinedEvent: member.joinedEvent, upTo, events }
    return events
  }

  /** Marks notifications read (all of them, or those in `ids`); returns how many were new. */
  async markRead(ids: readonly string[] | 'all'): Promise<number> {
    const known = (await this.list()).map((x) => x.id)
    const chosen = ids === 'all' ? known : known.filter((id) => ids.includes(id))
    const added = this.o.state.markRead(this.o.entry.key, chosen)
    if (added > 0) this.o.push({ type: 'state', network: this.o.entry.key })
    return added
  }

  /** Pushes notifications for events (and refusals of my ops) that arrived since the last scan. */
  private async scan(): Promise<void> {
    if (this.closed) return
    const { entry, state } = this.o
    // One read for both marks: this runs on every update of every network.
    const [read, lastRefused] = await this.o.read(async (kv) =>
      Promise.all([kv.get<NetworkMeta>(keys.meta), kv.get<number>(keys.rejectedSeq)]),
    )
    const meta = this.o.knownAs(read)
    await this.scanRefusals(lastRefused ?? 0)
    if (!meta || meta.seq.event <= entry.seenEvent) return
    const seen = entry.seenEvent
    entry.seenEvent = meta.seq.event
    // Saved soon, not now: this runs on every update. A crash may push a second's
    // notifications again after the restart, never lose one.
    state.saveSoon()
    if (seen === 0) return // first sight of this network: history, not news
    // Only the events that arrived since the last scan, and names only when one concerns me:
    // this runs on every update of every node.
    const fresh = await this.o.read(async (kv) => {
      const member = await kv.get<Member>(keys.member(this.o.me()))
      if (!member) return []
      const events: LedgerEvent[] = []
      for (let s = seen + 1; s <= meta.seq.event; s++) {
        const e = await kv.get<LedgerEvent>(keys.event(s))
        if (e && concerns(e, member)) events.push(e)
      }
      if (events.length === 0) return []
      const { names } = await named(await this.o.members(kv), events.flatMap(parties))
      return notificationsFor(events, member, meta, (id) => names[id])
    })
    this.pushUnread(fresh)
  }

  /**
   * Pushes a notification for each op of mine that the rules refused once it was in the shared
   * log: one that counted when it was made and no longer did once ops made elsewhere at the
   * same time came in (say, an obligation marked as given that its recipient forgave meanwhile).
   */
  private async scanRefusals(last: number): Promise<void> {
    const { entry } = this.o
    const seen = entry.seenRejected
    if (last <= seen) return
    entry.seenRejected = last
    this.o.state.saveSoon()
    if (seen < 0) return // first look: history, not news
    const me = this.o.me()
    const fresh = await this.o.read(async (kv) => {
      const out: Rejection[] = []
      for (let s = seen + 1; s <= last; s++) {
        const r = await kv.get<Rejection>(keys.rejected(s))
        if (r) out.push(r)
      }
      const [meta, member] = await Promise.all([
        kv.get<NetworkMeta>(keys.meta),
        kv.get<Member>(keys.member(me)),
      ])
      // Before joining, my ops are this device's.
      return refusalNotifications(out, member?.devices ?? [me], meta)
    })
    this.pushUnread(fresh)
  }

  /**
   * The calendar's notifications come from the clock, not from an update, so no scan finds
   * them: each is pushed once, when it first comes due, unless it was read already.
   */
  pushCalendar(due: Notification[]): void {
    const { entry } = this.o
    const seen = entry.seenCalendar
    const fresh = due.filter((x) => !seen.includes(x.id))
    if (fresh.length === 0 && due.length === seen.length) return
    // Only the ids due now are kept: they name their cycle, so the list never grows.
    entry.seenCalendar = due.map((x) => x.id)
    this.o.state.saveSoon()
    this.pushUnread(fresh)
  }

  private pushUnread(fresh: Notification[]): void {
    const { entry, state } = this.o
    for (const x of fresh) {
      if (state.isRead(entry.key, x.id)) continue
      this.o.push({ type: 'notification', notification: { ...x, network: entry.key, read: false } })
    }
  }
}
