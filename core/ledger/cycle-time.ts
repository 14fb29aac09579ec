/**
 * Calendar arithmetic for monthly cycles in a network's time zone. Pure: the time always
 * comes from an op's timestamp, never from the clock.
 */
import moment from 'moment-timezone'

export const DAY = 86_400_000

/**
 * The time-zone database the app ships with (moment-timezone's, pinned in package.json), the
 * same on every peer of one app version: month boundaries never depend on the runtime's or the
 * system's zone data (domain.md §11), which differ between Electron, Node and systems.
 */
export const TZ_DATA_VERSION: string = moment.tz.dataVersion

/** Whether the shipped database knows `timeZone`: what a network may be created with. */
export function knownZone(timeZone: string): boolean {
  return moment.tz.zone(timeZone) !== null
}

function zone(timeZone: string): moment.MomentZone {
  const z = moment.tz.zone(timeZone)
  if (!z) throw new RangeError(`unknown time zone ${timeZone}`)
  return z
}

interface Wall {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

/** How far `timeZone` is ahead of UTC at `ts`, in ms. */
function offsetAt(ts: number, timeZone: string): number {
  return -zone(timeZone).utcOffset(ts) * 60_000
}

export function wallClock(ts: number, timeZone: string): Wall {
  const d = new Date(ts + offsetAt(ts, timeZone))
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  }
}

/** The cycle (`YYYY-MM`) that `ts` falls in, in `timeZone`. */
export function cycleOf(ts: number, timeZone: string): string {
  const w = wallClock(ts, timeZone)
  return `${w.year.toString().padStart(4, '0')}-${w.month.toString().padStart(2, '0')}`
}

function parseCycle(cycle: string): [number, number] {
  const [y, m] = cycle.split('-').map(Number)
  return [y!, m!]
}

export function nextCycle(cycle: string): string {
  const [y, m] = parseCycle(cycle)
  return m === 12
    ? `${(y + 1).toString().padStart(4, '0')}-01`
    : `${y}-${(m + 1).toString().padStart(2, '0')}`
}

export function previousCycle(cycle: string): string {
  const [y, m] = parseCycle(cycle)
  return m === 1
    ? `${(y - 1).toString().padStart(4, '0')}-12`
    : `${y}-${(m - 1).toString().padStart(2, '0')}`
}

const starts = new Map<string, number>()

/** The instant the cycle starts: the 1st of the month, 00:00 in `timeZone`. */
export function cycleStart(cycle: string, timeZone: string): number {
  const key = `${cycle} ${timeZone}`
  let start = starts.get(key)
  if (start === undefined) starts.set(key, (start = computeCycleStart(cycle, timeZone)))
  return start
}

function computeCycleStart(cycle: string, timeZone: string, day = 1): number {
  const [y, m] = parseCycle(cycle)
  const guess = Date.UTC(y, m - 1, day)
  let ts = guess - offsetAt(guess, timeZone)
  // A second pass settles months whose first hour sits on a DST change.
  ts = guess - offsetAt(ts, timeZone)
  return ts
}

/**
 * The clearing of mutual obligations (domain.md §6) is open from this day of the month to the
 * month's end: members consent then, and it runs when the next month starts.
 */
export const CLEARING_OPENS = 25

/** Whether `ts` falls in its month's clearing window, in `timeZone`. */
export function clearingOpen(ts: number, timeZone: string): boolean {
  return wallClock(ts, timeZone).day >= CLEARING_OPENS
}

/** The clearing window of `cycle`: from the 25th, 00:00, to the next month's start. */
export function clearingWindow(cycle: string, timeZone: string): { opens: number; closes: number } {
  return {
    opens: computeCycleStart(cycle, timeZone, CLEARING_OPENS),
    closes: cycleStart(nextCycle(cycle), timeZone),
  }
}

/** Day of the month (1-31) and days in that month, in `timeZone`. */
export function dayOfMonth(ts: number, timeZone: string): { day: number; daysInMonth: number } {
  const w = wallClock(ts, timeZone)
  return { day: w.day, daysInMonth: new Date(Date.UTC(w.year, w.month, 0)).getUTCDate() }
}

/** Whole days left until `deadline`, rounded up; 0 once it has passed. */
export function daysLeft(deadline: number, now: number): number {
  return Math.max(0, Math.ceil((deadline - now) / DAY))
}
