/**
 * The node's log file, DATA/exodus.log: one text line per entry, levelled, bounded in size.
 * When the file would exceed `maxBytes` it is rotated to exodus.log.1 (and .1 to .2, up to
 * `keep` old files), so the folder never holds more than (keep + 1) × maxBytes of log.
 * Lines are appended synchronously: a node killed with -9 keeps everything it logged, and
 * the volume is small (what a user needs to see why sync does not happen).
 */
import fs from 'node:fs'
import path from 'node:path'
import { silentLogger, type LogFields, type Logger } from '../logger.ts'

export const LOG_FILE = 'exodus.log'
export const LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type Level = (typeof LEVELS)[number]

/** What the node and the transports log through: a Logger that can be scoped. */
export interface Log extends Logger {
  /** A log whose lines carry `[scope]`, e.g. the network or component they concern. */
  child(scope: string): Log
}

export interface LogFile extends Log {
  readonly file: string
  /** The last `lines` lines, oldest first, across rotated files. */
  tail(lines?: number): string[]
  close(): void
}

export interface LogOptions {
  /** Lowest level written; default info. */
  level?: Level
  /** Size at which the file is rotated; default 1 MiB. */
  maxBytes?: number
  /** Rotated files kept (exodus.log.1 … .N); default 2. */
  keep?: number
  /** 'text' (default): `2025-01-31T12:00:00.000Z INFO  [scope] message key=value`; 'json': one object a line. */
  format?: 'text' | 'json'
  /** Also hand every written line to this function (e.g. the terminal of a foreground daemon). */
  echo?: (line: string, level: Level) => void
  /** Clock for timestamps; default the real one (the node's shifted clock is for the ledger). */
  now?: () => number
}

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value)
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message)
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)
  if (value === undefined) return 'undefined'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function jsonSafe(fields: LogFields): LogFields {
  const out: LogFields = {}
  for (const [k, v] of Object.entries(fields))
    out[k] = v instanceof Error ? { message: v.message, stack: v.stack } : v
  return out
}

export function openLog(dir: string, options: LogOptions = {}): LogFile {
  const file = path.join(dir, LOG_FILE)
  const maxBytes = options.maxBytes ?? 1024 * 1024
  const keep = Math.max(1, options.keep ?? 2)
  const threshold = LEVELS.indexOf(options.level ?? 'info')
  const format = options.format ?? 'text'
  const now = options.now ?? Date.now

  fs.mkdirSync(dir, { recursive: true })
  let fd: number | null = fs.openSync(file, 'a', 0o600)
  let size = fs.fstatSync(fd).size

  const rotate = () => {
    if (fd !== null) fs.closeSync(fd)
    fs.rmSync(`${file}.${keep}`, { force: true })
    for (let i = keep - 1; i >= 1; i--) {
      if (fs.existsSync(`${file}.${i}`)) fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`)
    }
    fs.renameSync(file, `${file}.1`)
    fd = fs.openSync(file, 'a', 0o600)
    size = 0
  }

  const write = (level: Level, scope: string | null, message: string, fields?: LogFields) => {
    if (fd === null || LEVELS.indexOf(level) < threshold) return
    const time = new Date(now()).toISOString()
    let line: string
    if (format === 'json') {
      line = JSON.stringify({
        time,
        level,
        ...(scope ? { scope } : {}),
        msg: message,
        ...(fields ? jsonSafe(fields) : {}),
      })
    } else {
      const extra = fields
        ? Object.entries(fields)
            .map(([k, v]) => ` ${k}=${formatValue(v)}`)
            .join('')
        : ''
      // One entry is one line, whatever the message holds.
      const text = `${message}${extra}`.replace(/\r?\n/g, ' ⏎ ')
      line = `${time} ${level.toUpperCase().padEnd(5)} ${scope ? `[${scope}] ` : ''}${text}`
    }
    const bytes = Buffer.byteLength(line) + 1
    try {
      if (size > 0 && size + bytes > maxBytes) rotate()
      fs.writeSync(fd, line + '\n')
      size += bytes
    } catch {
      // A full disk must not take the node down with it; the line is lost, not the node.
    }
    options.echo?.(line, level)
  }

  const make = (scope: string | null): Log => ({
    debug: (m, f) => write('debug', scope, m, f),
    info: (m, f) => write('info', scope, m, f),
    warn: (m, f) => write('warn', scope, m, f),
    error: (m, f) => write('error', scope, m, f),
    child: (s) => make(scope ? `${scope}:${s}` : s),
  })

  return {
    ...make(null),
    file,
    tail: (lines = 100) => tailLog(dir, lines, keep),
    close() {
      if (fd !== null) fs.closeSync(fd)
      fd = null
    },
  }
}

/** The last `lines` lines of DATA/exodus.log, oldest first, reading rotated files as needed. */
export function tailLog(dir: string, lines = 100, keep = 2): string[] {
  const file = path.join(dir, LOG_FILE)
  const collected: string[] = []
  for (let i = 0; i <= keep && collected.length < lines; i++) {
    const name = i === 0 ? file : `${file}.${i}`
    let text: string
    try {
      text = fs.readFileSync(name, 'utf8')
    } catch {
      continue
    }
    const fileLines = text.split('\n').filter((l) => l.length > 0)
    collected.unshift(...fileLines.slice(-(lines - collected.length)))
  }
  return collected
}

/** A log that writes nowhere (tests, or before the data folder is known). */
export const silentLog: Log = { ...silentLogger, child: () => silentLog }
