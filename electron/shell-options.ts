/**
 * The desktop app's settings from its command line and environment, the same names as the
 * daemon's: --data / EXODUS_DATA, --bootstrap / EXODUS_BOOTSTRAP, --clock-offset /
 * EXODUS_CLOCK_OFFSET, --log-level / EXODUS_LOG_LEVEL (a flag wins over the variable).
 * Chromium's own switches and an exodus:// link may share the command line and are left alone.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { isLevel, type Level } from '../core/daemon/log.ts'
import { OptionError, parseBootstrap, parseClockOffset } from '../core/daemon/options.ts'

export interface ShellOptions {
  /** Absent: the app's userData folder. */
  dataDir: string | undefined
  bootstrap: string[] | undefined
  clockOffsetMs: number
  logLevel: Level
}

/** `argv` without the executable (and, unpackaged, without the app path: it is positional). */
export function parseShellOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ShellOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      data: { type: 'string' },
      bootstrap: { type: 'string' },
      'clock-offset': { type: 'string' },
      'log-level': { type: 'string' },
    },
    strict: false,
    allowPositionals: true,
  })
  const text = (name: string): string | undefined => {
    const value = values[name]
    return typeof value === 'string' ? value : undefined
  }
  const data = text('data') ?? env.EXODUS_DATA
  if (data !== undefined && data.trim() === '')
    throw new OptionError('--data needs a folder, e.g. --data ~/exodus-test')
  const logLevel = text('log-level') ?? env.EXODUS_LOG_LEVEL ?? 'info'
  if (!isLevel(logLevel)) throw new OptionError('--log-level must be debug, info, warn or error')
  return {
    dataDir: data === undefined ? undefined : path.resolve(data),
    bootstrap: parseBootstrap(text('bootstrap') ?? env.EXODUS_BOOTSTRAP),
    clockOffsetMs: parseClockOffset(text('clock-offset') ?? env.EXODUS_CLOCK_OFFSET),
    logLevel,
  }
}
