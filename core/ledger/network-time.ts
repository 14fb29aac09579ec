/**
 * Network time (domain.md §11, docs/protocol.md): what the rules use for cycles and deadlines.
 * No single clock moves it, and it only moves forward.
 *
 * - Each member's clock is the highest stamp of their ops, in whole minutes (`clock/<member>`).
 * - A member is active while their clock is at most RECENT behind the reference: the second
 *   highest clock (the latest time two members' clocks have reached; with one member, theirs).
 *   One clock far ahead therefore never makes the others look silent, while members who
 *   stopped writing stop holding time back once two others have gone on for RECENT.
 * - Network time is the lower median of the active clocks: where two or more members are
 *   active, more than half of them must have seen a moment pass before the network does.
 *
 * Counters in the network's record (ClockCounts) follow how many active clocks have passed the
 * next month start or red deadline (nextBoundary), and how many are an hour (STEP) or more
 * ahead of network time, so an op costs a few reads. The pass over all clocks that finds the
 * median runs when more than half of them have passed either, when the boundary changes, when
 * someone may have fallen silent, or when a member leaves.
 */
import { cycleStart, DAY, nextCycle } from './cycle-time.ts'
import type { Ledger } from './ledger.ts'
import { keys, type ClockCounts, type NetworkMeta } from './model.ts'
import { advanceTo } from './rules/cycle.ts'

/**
 * How far behind the reference a clock may be and still count. Longer than a month: a node
 * that only appends the cycle op at each month start still counts at the next one.
 */
export const RECENT = 45 * DAY

const MINUTE = 60_000

/**
 * Between boundaries, network time follows the median in steps of at least this much: the
 * pass over the clocks runs at most once per step of agreed time, however busy the network.
 */
const STEP = 3_600_000

/** Counters before any clock is known. */
export function emptyCounts(): ClockCounts {
  return { active: 0, passed: 0, ahead: 0, boundary: 0, top: [], oldest: Number.MAX_SAFE_INTEGER }
}

/**
 * Records that `member` wrote an op stamped `ts` (every well-formed op of a member counts,
 * even one the rules refuse), and moves network time if the members now agree it passed the
 * next boundary.
 */
export async function noteClock(l: Ledger, member: string, ts: number): Promise<void> {
  const clock = Math.floor(ts / MINUTE) * MINUTE
  const old = await l.kv.get<number>(keys.clock(member))
  const counts = l.meta.clocks
  const raised = old === null || clock > old
  if (raised) {
    await l.kv.put(keys.clock(member), clock)
    raiseTop(counts, member, clock)
  }
  const floor = reference(counts) - RECENT
  // Someone may have fallen silent, or the boundary moved (an emergency began or ended).
  if (floor > counts.oldest || counts.boundary !== nextBoundary(l.meta)) return settle(l)
  if (!raised) return
  const wasActive = old !== null && old >= floor
  if (!wasActive) {
    counts.active++
    counts.oldest = Math.min(counts.oldest, clock)
  }
  if (clock >= counts.boundary && !(wasActive && old >= counts.boundary)) counts.passed++
  const step = l.meta.now + STEP
  if (clock >= step && !(wasActive && old >= step)) counts.ahead++
  if (2 * counts.passed > counts.active || 2 * counts.ahead > counts.active) await settle(l)
}

/**
 * After an op changed the next boundary (an emergency began or ended), the counters are set
 * against the new one at once.
 */
export async function followBoundary(l: Ledger): Promise<void> {
  if (l.meta.clocks.boundary !== nextBoundary(l.meta)) await settle(l)
}

/** A member who left no longer counts: their clock is dropped. */
export async function forgetClock(l: Ledger, member: string): Promise<void> {
  if ((await l.kv.get<number>(keys.clock(member))) === null) return
  await l.kv.del(keys.clock(member))
  await settle(l)
}

/**
 * Keeps the two highest clocks, of two different members. Clocks only go up, so a member's
 * new clock either replaces their own place or competes with the two.
 */
function raiseTop(counts: ClockCounts, member: string, clock: number): void {
  counts.top = [...counts.top.filter((t) => t.member !== member), { member, clock }]
    .sort((a, b) => b.clock - a.clock || (a.member < b.member ? -1 : 1))
    .slice(0, 2)
}

function reference(counts: ClockCounts): number {
  return (counts.top[1] ?? counts.top[0])?.clock ?? 0
}

/**
 * The pass over all clocks: the reference and the active clocks, network time moved to their
 * lower median (with whatever fell due on the way), and the counters set against the next
 * boundary.
 */
async function settle(l: Ledger): Promise<void> {
  const all = (await l.kv.list<number>(keys.clocks)).map((e) => ({
    member: e.key.slice(keys.clocks.length),
    clock: e.value,
  }))
  const counts = emptyCounts()
  for (const c of all) raiseTop(counts, c.member, c.clock)
  const floor = reference(counts) - RECENT
  const active = all
    .map((c) => c.clock)
    .filter((c) => c >= floor)
    .sort((a, b) => a - b)
  const median = active[Math.floor((active.length - 1) / 2)]
  if (median !== undefined && median > l.meta.now) await advanceTo(l, median)
  counts.boundary = nextBoundary(l.meta)
  counts.active = active.length
  counts.passed = active.filter((c) => c >= counts.boundary).length
  counts.ahead = active.filter((c) => c >= l.meta.now + STEP).length
  counts.oldest = active[0] ?? Number.MAX_SAFE_INTEGER
  l.meta.clocks = counts
}

/**
 * The instant of the next thing network time would set off: the next month start or the
 * nearest red deadline.
 */
export function nextBoundary(meta: NetworkMeta): number {
  let next = cycleStart(nextCycle(meta.cycle), meta.timeZone)
  for (const deadline of Object.values(meta.reds)) next = Math.min(next, deadline)
  return next
}

/**
 * The time an op's records carry: its own stamp while that lies between network time and the
 * next boundary the network has not passed yet; network time otherwise. A clock that is
 * behind never dates anything in the past of the network, and one that is ahead never dates
 * anything beyond what the network agreed on (a month not started, a deadline not passed).
 */
export function recordTime(meta: NetworkMeta, stamp: number): number {
  return stamp < nextBoundary(meta) ? Math.max(meta.now, stamp) : meta.now
}
