/**
 * The core process's work, apart from how it is started: take the data folder's lock, open the
 * log and the node, answer calls through the contract's `dispatch`, forward the node's events,
 * and close in order (node, log, lock) when asked or when the main process goes away.
 * Plain Node: the Electron entry (core.ts) only finds the channel and hands it here.
 */
import fs from 'node:fs'
import path from 'node:path'
import { dispatch, type NodeEvent, type Reply } from '../core/api/contract.ts'
import type { CreateNode, RunningNode } from '../core/daemon/daemon.ts'
import { acquireLock, LockError, type DataLock } from '../core/daemon/lock.ts'
import { openLog, withLogCommand, type LogFile } from '../core/daemon/log.ts'
import {
  coreInitSchema,
  parseToCore,
  type Channel,
  type CoreInit,
  type ErrorInfo,
  type FromCore,
} from './core-channel.ts'

export interface CoreServiceOptions {
  createNode: CreateNode
  /** How long node.close() may take before shutdown goes on without it. */
  closeTimeoutMs?: number
  /** Copy log lines at warn and above to stderr (the terminal of `npm start`). */
  echo?: boolean
}

export interface CoreService {
  /** Resolves once the node, the log and the lock are closed (or were never opened). */
  readonly closed: Promise<void>
  /** Whether an ordered shutdown has begun. */
  readonly closing: boolean
  /** Ordered shutdown; what a 'close' message or a vanished main process triggers. */
  close(reason: string): Promise<void>
}

class StartError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

function prepareDataDir(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    fs.accessSync(dataDir, fs.constants.R_OK | fs.constants.W_OK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    throw new StartError(
      'data-folder',
      `Cannot use the data folder ${dataDir} (${code}): check that it exists and that you may ` +
        'read and write it, or start the app with --data pointing to another folder.',
    )
  }
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms)
  })
  return Promise.race([promise.then(() => 'done' as const), timeout]).finally(() =>
    clearTimeout(timer),
  )
}

const closingReply: Reply = {
  ok: false,
  error: { code: 'closing', message: 'Exodus Circles is closing; try again after it restarts.' },
}

/**
 * Serves the node of `rawInit.dataDir` on `channel`. Never throws: a start that fails is told
 * to the main process as a 'failed' message naming what the user can do about it.
 */
export function serveCore(
  rawInit: unknown,
  channel: Channel<FromCore>,
  options: CoreServiceOptions,
): CoreService {
  const closeTimeoutMs = options.closeTimeoutMs ?? 15_000
  let lock: DataLock | null = null
  let log: LogFile | null = null
  let node: RunningNode | null = null
  let closing: Promise<void> | null = null
  const forward = (event: NodeEvent) => channel.send({ type: 'event', event })

  const open = async (): Promise<RunningNode> => {
    const parsed = coreInitSchema.safeParse(rawInit)
    if (!parsed.success)
      throw new StartError('bad-init', 'The core was started without a data folder.')
    const init: CoreInit = parsed.data
    const dataDir = path.resolve(init.dataDir)
    prepareDataDir(dataDir)
    try {
      lock = acquireLock(dataDir)
    } catch (err) {
      if (err instanceof LockError) throw new StartError('data-folder-in-use', err.message)
      throw err
    }
    log = openLog(dataDir, {
      level: init.logLevel ?? 'info',
      ...(options.echo
        ? {
            echo: (line: string, level: string) => {
              if (level === 'warn' || level === 'error') process.stderr.write(line + '\n')
            },
          }
        : {}),
    })
    const offset = init.clockOffsetMs ?? 0
    log.info('desktop core starting', {
      pid: process.pid,
      dataDir,
      bootstrap: init.bootstrap?.join(',') ?? 'public HyperDHT',
    })
    let created: RunningNode
    try {
      created = await options.createNode({
        dataDir,
        bootstrap: init.bootstrap,
        clock: () => Date.now() + offset,
        log: log.child('node'),
      })
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      log.error('the node could not open', { error: message })
      throw new StartError('node-failed', `The node could not open ${dataDir}: ${message}`)
    }
    node = withLogCommand(created, log)
    node.on('event', forward)
    log.info('desktop core ready')
    channel.send({ type: 'ready', dataDir })
    return node
  }

  const opened = open()
  // A failed start is reported here once; calls waiting on it get the same error below.
  opened.catch((err: unknown) => {
    const error: ErrorInfo =
      err instanceof StartError
        ? { code: err.code, message: err.message }
        : { code: 'internal', message: err instanceof Error ? err.message : String(err) }
    channel.send({ type: 'failed', error })
    // Whatever was taken before the failure (the lock, the log) is given back at once.
    void close('start failed')
  })

  const answer = async (id: number, command: unknown, params: unknown) => {
    let reply: Reply
    if (closing) reply = closingReply
    else {
      try {
        reply = await dispatch(await opened, command, params)
      } catch (err) {
        reply = {
          ok: false,
          error: {
            code: err instanceof StartError ? err.code : 'internal',
            message: err instanceof Error ? err.message : String(err),
          },
        }
      }
    }
    channel.send({ type: 'reply', id, reply })
  }

  let resolveClosed!: () => void
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve))

  const close = (reason: string): Promise<void> => {
    if (closing) return closing
    closing = (async () => {
      // Wait for a start in progress: closing half-opened stores is how data gets corrupted.
      await opened.catch(() => {})
      log?.info('desktop core closing', { reason })
      if (node) {
        node.off('event', forward)
        const result = await withTimeout(
          node
            .close()
            .catch((err: unknown) => log?.error('closing the node failed', { error: err })),
          closeTimeoutMs,
        )
        if (result === 'timeout') log?.warn('the node took too long to close', { closeTimeoutMs })
      }
      log?.info('desktop core closed')
      log?.close()
      lock?.release()
      channel.send({ type: 'closed' })
      resolveClosed()
    })()
    return closing
  }

  channel.onMessage((raw) => {
    const message = parseToCore(raw)
    if (!message) {
      log?.warn('ignored a malformed message from the main process')
      return
    }
    if (message.type === 'call') void answer(message.id, message.command, message.params)
    else void close('asked by the main process')
  })

  return {
    closed,
    close,
    get closing() {
      return closing !== null
    },
  }
}
