/**
 * Parsing of the daemon's settings that come from flags or environment variables:
 * durations (`--clock-offset +35d`, `--expires 7d`), bootstrap addresses, the data folder.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
}

const UNIT_NAMES: Record<string, string> = {
  ms: 'milliseconds',
  s: 'seconds',
  m: 'minutes',
  h: 'hours',
  d: 'days',
  w: 'weeks',
}

export class OptionError extends Error {
  override name = 'OptionError'
}

/**
 * A signed duration in ms: `+35d`, `-2h`, `1d12h`, `90m`, `1.5h`, `500ms`; a bare number is
 * taken in `bareUnit` (ms unless said otherwise). Units: ms s m h d w.
 */
export function parseDuration(text: string, bareUnit: keyof typeof UNIT_MS = 'ms'): number {
  const trimmed = text.trim()
  const bare = /^([+-]?)(\d+(?:\.\d+)?)$/.exec(trimmed)
  if (bare) {
    const value = Number(bare[2]) * (UNIT_MS[bareUnit] ?? 1)
    return Math.round(bare[1] === '-' ? -value : value)
  }
  const whole = /^([+-]?)((?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+)$/i.exec(trimmed)
  if (!whole) {
    throw new OptionError(
      `${JSON.stringify(text)} is not a duration: write e.g. +35d, -2h, 1d12h, 90m ` +
        `or a number of ${UNIT_NAMES[bareUnit] ?? bareUnit}`,
    )
  }
  let total = 0
  for (const part of (whole[2] ?? '').matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gi)) {
    total += Number(part[1]) * (UNIT_MS[(part[2] ?? '').toLowerCase()] ?? 0)
  }
  total = Math.round(total)
  return whole[1] === '-' ? -total : total
}

/** The node's clock shift: `--clock-offset` or EXODUS_CLOCK_OFFSET (flag wins). */
export function parseClockOffset(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 0
  const ms = parseDuration(text, 'ms')
  // Date can only represent ±8.64e15 ms; anything near it is a typo, not a test.
  if (Math.abs(ms) > 100 * 365 * 86_400_000)
    throw new OptionError(`clock offset ${text} is more than 100 years`)
  return ms
}

/** `host:port,host:port` → ['host:port', …]; undefined or empty → undefined (public DHT). */
export function parseBootstrap(text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((entry) => {
      const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(entry)
      const port = Number(match?.[2])
      if (!match || port < 1 || port > 65535) {
        throw new OptionError(
          `bootstrap node ${JSON.stringify(entry)} is not HOST:PORT (e.g. 127.0.0.1:49737)`,
        )
      }
      return entry
    })
}

/** A human-readable form of an offset, for logs and the startup banner: "+35d 2h". */
export function describeOffset(ms: number): string {
  if (ms === 0) return '0'
  let rest = Math.abs(ms)
  const parts: string[] = []
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit] ?? 1
    const n = Math.floor(rest / size)
    if (n > 0) parts.push(`${n}${unit}`)
    rest -= n * size
  }
  return (ms < 0 ? '-' : '+') + parts.join(' ')
}

/** Where an install keeps its data when no --data or EXODUS_DATA says otherwise. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  const home = env.HOME ?? env.USERPROFILE ?? homedir()
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Exodus Circles')
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Exodus Circles')
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'exodus-circles')
}
