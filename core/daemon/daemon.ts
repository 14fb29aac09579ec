/**
 * The headless node of one data folder (`exodus daemon`): the always-on peer, serving the
 * UI and the API on 127.0.0.1. Start-up takes the folder's lock, opens the log, opens the
 * node, listens, then publishes DATA/daemon.json; shutdown undoes it in reverse order.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { NodeApi } from '../api/contract.ts'
import { removeDaemonInfo, writeDaemonInfo, type DaemonInfo } from './info.ts'
import { DataFolderError, acquireLock, type DataLock } from './lock.ts'
import { openLog, withLogCommand, type Level, type Log, type LogFile } from './log.ts'
import { describeOffset } from './options.ts'
import { startServer, type LocalServer } from './server.ts'

export interface NodeFactoryOptions {
  dataDir: string
  /** HOST:PORT of HyperDHT bootstrap nodes; undefined: the public DHT. */
  bootstrap: string[] | undefined
  /** The node's clock (ms): the real one shifted by --clock-offset. Ops take their time here. */
  clock: () => number
  log: Log
}

export type RunningNode = NodeApi & { close(): Promise<void> }
export type CreateNode = (options: NodeFactoryOptions) => Promise<RunningNode>

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

function prepareDataDir(dataDir: string): void {
  const stat = fs.statSync(dataDir, { throwIfNoEntry: false })
  if (stat && !stat.isDirectory())
    throw new DataFolderError(`${dataDir} is not a folder: give --data a folder for the node.`)
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    fs.accessSync(dataDir, fs.constants.R_OK | fs.constants.W_OK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    throw new DataFolderError(
      `Cannot use the data folder ${dataDir} (${code}): check that it exists and that you may ` +
        'read and write it.',
    )
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const dataDir = path.resolve(options.dataDir)
  const offset = options.clockOffsetMs ?? 0
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'))
  const clock = () => Date.now() + offset

  prepareDataDir(dataDir)
  const lock: DataLock = acquireLock(dataDir)
  let log: LogFile | null = null
  let node: RunningNode | null = null
  let server: LocalServer | null = null
  try {
    const echoLevel = options.echoLevel
    log = openLog(dataDir, {
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
    })
    log.info('starting', {
      pid: process.pid,
      dataDir,
      bootstrap: options.bootstrap?.join(',') ?? 'public HyperDHT',
      clockOffset: describeOffset(offset),
    })
    try {
      node = withLogCommand(
        await options.createNode({
          dataDir,
          bootstrap: options.bootstrap,
          clock,
          log: log.child('node'),
        }),
        log,
      )
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      log.error('the node could not open', { error: message })
      throw new DataFolderError(`The node could not open ${dataDir}: ${message}`)
    }
    server = await startServer({
      node,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.staticDir !== undefined ? { staticDir: options.staticDir } : {}),
      log: log.child('http'),
    })
  } catch (err) {
    await server?.close()
    await node?.close().catch(() => {})
    log?.close()
    lock.release()
    throw err
  }

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
  const theLog = log
  const theNode = node
  const theServer = server

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      theLog.warn('second signal: exiting without waiting', { signal })
      process.exit(130)
    }
    print(`Stopping (${signal})… press Ctrl-C again to exit at once.`)
    void stop(signal)
  }

  const stop = (reason = 'stop') => {
    stopping ??= (async () => {
      theLog.info('stopping', { reason })
      await theServer.close().catch((err: unknown) => theLog.warn('server close', { error: err }))
      const closed = await withTimeout(
        theNode.close().catch((err: unknown) => theLog.error('node close', { error: err })),
        closeTimeout,
      )
      if (closed === 'timeout')
        theLog.warn(`the node did not close within ${closeTimeout} ms; stopping anyway`)
      removeDaemonInfo(dataDir)
      theLog.info('stopped')
      theLog.close()
      lock.release()
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
    `Log: ${theLog.file} · clock offset ${describeOffset(offset)} · bootstrap ` +
      (options.bootstrap?.join(',') ?? 'public HyperDHT'),
  )

  return {
    dataDir,
    url: server.url,
    port: server.port,
    token: server.token,
    node: theNode,
    log: theLog,
    stop,
    stopped,
  }
}
