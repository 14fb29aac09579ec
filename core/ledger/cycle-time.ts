/**
 * Calendar arithmetic for monthly cycles in a network's time zone. Pure: the time always
 * comes from an op's timestamp, never from the clock.
 */
export const DAY = 86_400_000

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  return f
}

interface Wall {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

export function wallClock(ts: number, timeZone: string): Wall {
  const parts: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(new Date(ts))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  }
}

function offsetAt(ts: number, timeZone: string): number {
  const w = wallClock(ts, timeZone)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  return asUtc - Math.floor(ts / 1000) * 1000
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

function computeCycleStart(cycle: string, timeZone: string): number {
  const [y, m] = parseCycle(cycle)
  const guess = Date.UTC(y, m - 1, 1)
  let ts = guess - offsetAt(guess, timeZone)
  // A second pass settles months whose first hour sits on a DST change.
  ts = guess - offsetAt(ts, timeZone)
  return ts
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
