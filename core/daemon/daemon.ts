/**
 * The headless node of one data folder (`exodus daemon`): the always-on peer, serving the
 * UI and the API on 127.0.0.1. Start-up takes the folder's lock, opens the log, opens the
 * node, listens, then publishes DATA/daemon.json; shutdown undoes it in reverse order.
 */
import path from 'node:path'
import {
  closeHost,
  noHostParts,
  openHost,
  type CreateNode,
  type OpenHost,
  type RunningNode,
} from './host.ts'
import { removeDaemonInfo, writeDaemonInfo, type DaemonInfo } from './info.ts'
import { DataFolderError } from './lock.ts'
import type { Level, LogFile } from './log.ts'
import { describeOffset } from './options.ts'
import { startServer, type LocalServer } from './server.ts'

// Defined with the start-up they belong to (host.ts); their users know them from here.
export type { CreateNode, NodeFactoryOptions, RunningNode } from './host.ts'

export interface DaemonOptions {
  dataDir: string
  bootstrap?: string[]
  clockOffsetMs?: number
  /** 0 or absent: a free port. */
  port?: number
  createNode: CreateNode
  /** The built UI to serve; absent: a placeholder page. */
  staticDir?: string
  logLevel?: Level
  /** Stop on SIGINT/SIGTERM (default true; tests drive stop() themselves). */
  handleSignals?: boolean
  /** Where the start-up banner goes; default stdout. */
  print?: (line: string) => void
  /** Copy log lines at or above this level to stderr (a foreground daemon's terminal). */
  echoLevel?: Level
  /** How long node.close() may take before shutdown goes on without it. */
  closeTimeoutMs?: number
}

export interface Daemon {
  readonly dataDir: string
  readonly url: string
  readonly port: number
  readonly token: string
  readonly node: RunningNode
  readonly log: LogFile
  /** Ordered shutdown: server, node, daemon.json, log, lock. Idempotent. */
  stop(reason?: string): Promise<void>
  /** Resolves once stopped (by stop() or a signal). */
  readonly stopped: Promise<void>
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const dataDir = path.resolve(options.dataDir)
  const offset = options.clockOffsetMs ?? 0
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'))
  const clock = () => Date.now() + offset

  const parts = noHostParts()
  let server: LocalServer | null = null
  let host: OpenHost
  try {
    const echoLevel = options.echoLevel
    host = await openHost(
      {
        dataDir,
        createNode: options.createNode,
        bootstrap: options.bootstrap,
        clock,
        log: {
          level: options.logLevel ?? 'info',
          ...(echoLevel
            ? {
                echo: (line: string, level: Level) => {
                  const order = ['debug', 'info', 'warn', 'error']
                  if (order.indexOf(level) >= order.indexOf(echoLevel))
                    process.stderr.write(line + '\n')
                },
              }
            : {}),
        },
        starting: {
          message: 'starting',
          fields: {
            pid: process.pid,
            dataDir,
            bootstrap: options.bootstrap?.join(',') ?? 'public HyperDHT',
            clockOffset: describeOffset(offset),
          },
        },
        errors: {
          notAFolder: () =>
            new DataFolderError(`${dataDir} is not a folder: give --data a folder for the node.`),
          folder: (code) =>
            new DataFolderError(
              `Cannot use the data folder ${dataDir} (${code}): check that it exists and that ` +
                'you may read and write it.',
            ),
          node: (message) => new DataFolderError(`The node could not open ${dataDir}: ${message}`),
        },
      },
      parts,
    )
    server = await startServer({
      node: host.node,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.staticDir !== undefined ? { staticDir: options.staticDir } : {}),
      log: host.log.child('http'),
    })
  } catch (err) {
    await server?.close()
    await closeHost(parts, { onError: () => {} })
    throw err
  }
  const { lock, log, node } = host

  const info: DaemonInfo = {
    pid: process.pid,
    port: server.port,
    token: server.token,
    url: server.url,
    dataDir,
    startedAt: Date.now(),
    clockOffsetMs: offset,
  }
  writeDaemonInfo(dataDir, info)
  log.info('listening', { port: server.port })

  // If the process dies without stop() (an uncaught error), still free the folder.
  const onExit = () => {
    removeDaemonInfo(dataDir)
    lock.release()
  }
  process.once('exit', onExit)

  let resolveStopped!: () => void
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve))
  let stopping: Promise<void> | null = null
  const closeTimeout = options.closeTimeoutMs ?? 15_000
  const theServer = server

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn('second signal: exiting without waiting', { signal })
      process.exit(130)
    }
    print(`Stopping (${signal})… press Ctrl-C again to exit at once.`)
    void stop(signal)
  }

  const stop = (reason = 'stop') => {
    stopping ??= (async () => {
      log.info('stopping', { reason })
      await theServer.close().catch((err: unknown) => log.warn('server close', { error: err }))
      await closeHost(parts, {
        timeoutMs: closeTimeout,
        onError: (err) => log.error('node close', { error: err }),
        onTimeout: () =>
          log.warn(`the node did not close within ${closeTimeout} ms; stopping anyway`),
        last: () => {
          removeDaemonInfo(dataDir)
          log.info('stopped')
        },
      })
      process.off('exit', onExit)
      if (options.handleSignals !== false) {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
      }
      resolveStopped()
    })()
    return stopping
  }

  if (options.handleSignals !== false) {
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  }

  print(`Exodus node for ${dataDir} (pid ${process.pid})`)
  print(`Open in your browser: ${server.url}`)
  print(
    `Log: ${log.file} · clock offset ${describeOffset(offset)} · bootstrap ` +
      (options.bootstrap?.join(',') ?? 'public HyperDHT'),
  )

  return {
    dataDir,
    url: server.url,
    port: server.port,
    token: server.token,
    node,
    log: log,
    stop,
    stopped,
  }
}
