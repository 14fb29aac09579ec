/**
 * The core process's work, apart from how it is started: take the data folder's lock, open the
 * log and the node, answer calls through the contract's `dispatch`, forward the node's events,
 * and close in order (node, log, lock) when asked or when the main process goes away.
 * Plain Node: the Electron entry (core.ts) only finds the channel and hands it here.
 */
import path from 'node:path'
import { dispatch, type NodeEvent, type Reply } from '../core/api/contract.ts'
import { fail } from '../core/errors.ts'
import {
  closeHost,
  noHostParts,
  openHost,
  type CreateNode,
  type RunningNode,
} from '../core/daemon/host.ts'
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

const closingReply: Reply = {
  ok: false,
  error: fail('closing', {}, 'app').toValue(),
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
  const parts = noHostParts()
  let closing: Promise<void> | null = null
  const forward = (event: NodeEvent) => channel.send({ type: 'event', event })

  const open = async (): Promise<RunningNode> => {
    const parsed = coreInitSchema.safeParse(rawInit)
    if (!parsed.success)
      throw new StartError('bad-init', 'The core was started without a data folder.')
    const init: CoreInit = parsed.data
    const dataDir = path.resolve(init.dataDir)
    const offset = init.clockOffsetMs ?? 0
    const { log, node } = await openHost(
      {
        dataDir,
        createNode: options.createNode,
        bootstrap: init.bootstrap,
        clock: () => Date.now() + offset,
        log: {
          level: init.logLevel ?? 'info',
          ...(options.echo
            ? {
                echo: (line: string, level: string) => {
                  if (level === 'warn' || level === 'error') process.stderr.write(line + '\n')
                },
              }
            : {}),
        },
        starting: {
          message: 'desktop core starting',
          fields: {
            pid: process.pid,
            dataDir,
            bootstrap: init.bootstrap?.join(',') ?? 'public HyperDHT',
          },
        },
        errors: {
          folder: (code) =>
            new StartError(
              'data-folder',
              `Cannot use the data folder ${dataDir} (${code}): check that it exists and that ` +
                'you may read and write it, or start the app with --data pointing to another ' +
                'folder.',
            ),
          locked: (err) => new StartError('data-folder-in-use', err.message),
          node: (message) =>
            new StartError('node-failed', `The node could not open ${dataDir}: ${message}`),
        },
      },
      parts,
    )
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
        : fail('internal', { problem: err instanceof Error ? err.message : String(err) }).toValue()
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
      const { log, node } = parts
      log?.info('desktop core closing', { reason })
      node?.off('event', forward)
      await closeHost(parts, {
        timeoutMs: closeTimeoutMs,
        onError: (err) => log?.error('closing the node failed', { error: err }),
        onTimeout: () => log?.warn('the node took too long to close', { closeTimeoutMs }),
        last: () => log?.info('desktop core closed'),
      })
      channel.send({ type: 'closed' })
      resolveClosed()
    })()
    return closing
  }

  channel.onMessage((raw) => {
    const message = parseToCore(raw)
    if (!message) {
      parts.log?.warn('ignored a malformed message from the main process')
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
