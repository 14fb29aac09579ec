/**
 * The cycle clock: this node's clock checked against each network's calendar. It pushes the
 * calendar's notifications when they come due, tells the screens when days left ⏳ go down,
 * and appends a cycle op when the clock has passed a month start or a red deadline (once per
 * boundary: it is this node's say in network time).
 */
import type { NodeEvent } from '../api/results.ts'
import { daysLeft } from '../ledger/cycle-time.ts'
import { currentOutgoing } from '../ledger/ledger.ts'
import { keys, type Member, type NetworkMeta } from '../ledger/model.ts'
import { nextBoundary } from '../ledger/network-time.ts'
import { calendarNotifications } from '../ledger/notifications.ts'
import type { Logger } from '../logger.ts'
import type { NetworkSession } from './session.ts'

export interface CycleClockOptions {
  sessions: () => readonly NetworkSession[]
  clock: () => number
  log: Logger
  push: (event: NodeEvent) => void
  /** How often the clock is checked. */
  everyMs: number
}

export class CycleClock {
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  /** Days left of the running red collections at the last tick, per network. */
  private readonly daysLeft = new Map<string, string>()

  constructor(private readonly o: CycleClockOptions) {}

  /** Ticks now, then every `everyMs`. */
  async start(): Promise<void> {
    this.stopped = false
    this.timer = setInterval(() => void this.tick(), this.o.everyMs)
    this.timer.unref()
    await this.tick()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.daysLeft.clear()
  }

  /**
   * Days left ⏳ are counted by this node's clock when the state is asked for: when the clock
   * takes one down, the screens are told to ask again, though no op came in.
   */
  private followDaysLeft(n: NetworkSession, meta: NetworkMeta): void {
    const now = this.o.clock()
    const days = Object.values(meta.reds)
      .map((deadline) => daysLeft(deadline, now))
      .join()
    const before = this.daysLeft.get(n.key)
    if (before !== undefined && days !== before) this.o.push({ type: 'state', network: n.key })
    this.daysLeft.set(n.key, days)
  }

  private async tick(): Promise<void> {
    for (const n of this.o.sessions()) {
      if (this.stopped) return
      try {
        const meta = await n.meta()
        if (!meta) continue
        this.followDaysLeft(n, meta)
        const [member, mine, recorded] = await n.read((kv) =>
          Promise.all([
            kv.get<Member>(keys.member(n.me)),
            currentOutgoing(kv, n.me),
            kv.get<number>(keys.clock(n.me)),
          ]),
        )
        if (!member || member.left) continue
        const now = this.o.clock()
        n.feed.pushCalendar(calendarNotifications(now, meta, mine))
        if (!n.base.writable) continue
        // This node's clock counts once per boundary (network-time.ts): once the network has
        // it past the boundary, the others' clocks decide when the network passes it.
        const boundary = nextBoundary(meta)
        if (now >= boundary && (recorded ?? 0) < boundary) {
          await n.append({ type: 'cycle' })
          this.o.log.info('time passed a boundary: cycle op appended', { network: n.short })
        }
      } catch (err) {
        this.o.log.warn('cycle check failed', { error: String(err) })
      }
    }
  }
}
