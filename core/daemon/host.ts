/**
 * What every host of a node does, whether it serves HTTP (`exodus daemon`, daemon.ts) or an
 * Electron channel (electron/core-service.ts): make the data folder usable, take its lock,
 * open its log, open the node; and close them again in the reverse order. Each host words
 * its own errors (a flag to change, a dialog to read), so they are given here, not made.
 */
import fs from 'node:fs'
import type { NodeApi, Params, Results } from '../api/contract.ts'
import type { LogFields } from '../logger.ts'
import { acquireLock, LockError, type DataLock } from './lock.ts'
import { openLog, type Log, type LogFile, type LogOptions } from './log.ts'

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

/** How a host tells its user what went wrong at each step. */
export interface HostErrors {
  /** The path names something that is not a folder; absent: left to `folder`. */
  notAFolder?: () => Error
  /** The folder cannot be created, read or written (`code`: the system's, e.g. EACCES). */
  folder: (code: string) => Error
  /** Another process holds the folder; absent: the LockError itself. */
  locked?: (err: LockError) => Error
  /** The node did not open (`message`: why); logged before this is thrown. */
  node: (message: string) => Error
}

export interface HostOptions extends Omit<NodeFactoryOptions, 'log'> {
  /** Absolute. */
  dataDir: string
  createNode: CreateNode
  log: LogOptions
  /** The log's first line, once it is open. */
  starting: { message: string; fields: LogFields }
  errors: HostErrors
}

/** What a host holds open so far: filled step by step, so a failed start gives back the rest. */
export interface HostParts {
  lock: DataLock | null
  log: LogFile | null
  node: RunningNode | null
}

export function noHostParts(): HostParts {
  return { lock: null, log: null, node: null }
}

function prepareDataDir(dataDir: string, errors: HostErrors): void {
  // What this process creates from now on is its user's only: the store's libraries create
  // their files (the identity seed, every network's keys) as they run, with the umask.
  // Windows has no modes; a worker thread may not set it (its host process does).
  if (process.platform !== 'win32') {
    try {
      process.umask(0o077)
    } catch {
      // not allowed here: the node still makes the folder and the store private on opening
    }
  }
  if (errors.notAFolder) {
    const stat = fs.statSync(dataDir, { throwIfNoEntry: false })
    if (stat && !stat.isDirectory()) throw errors.notAFolder()
  }
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    fs.accessSync(dataDir, fs.constants.R_OK | fs.constants.W_OK)
  } catch (err) {
    throw errors.folder((err as NodeJS.ErrnoException).code ?? 'error')
  }
}

export type OpenHost = { [K in keyof HostParts]: NonNullable<HostParts[K]> }

/**
 * Folder, lock, log, node, in that order, each recorded in `parts` as soon as it is held. On
 * failure it throws what `options.errors` makes and leaves `parts` to the caller's closeHost.
 */
export async function openHost(options: HostOptions, parts: HostParts): Promise<OpenHost> {
  const { dataDir, errors } = options
  prepareDataDir(dataDir, errors)
  let lock: DataLock
  try {
    lock = acquireLock(dataDir)
  } catch (err) {
    if (err instanceof LockError && errors.locked) throw errors.locked(err)
    throw err
  }
  parts.lock = lock
  const log = openLog(dataDir, options.log)
  parts.log = log
  log.info(options.starting.message, options.starting.fields)
  let created: RunningNode
  try {
    created = await options.createNode({
      dataDir,
      bootstrap: options.bootstrap,
      clock: options.clock,
      log: log.child('node'),
    })
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    log.error('the node could not open', { error: message })
    throw errors.node(message)
  }
  const node = withLogCommand(created, log)
  parts.node = node
  return { lock, log, node }
}

export interface CloseHostOptions {
  /** How long node.close() may take before closing goes on without it; absent: no limit. */
  timeoutMs?: number
  /** node.close() failed. */
  onError: (err: unknown) => void
  /** node.close() did not finish within timeoutMs. */
  onTimeout?: () => void
  /** The host's last words, written before the log closes. */
  last?: () => void
}

/** Node, log, lock: whichever of them `parts` holds, in that order. */
export async function closeHost(parts: HostParts, options: CloseHostOptions): Promise<void> {
  if (parts.node) {
    const closing = parts.node.close().catch(options.onError)
    const result =
      options.timeoutMs === undefined
        ? await closing
        : await withTimeout(closing, options.timeoutMs)
    if (result === 'timeout') options.onTimeout?.()
  }
  options.last?.()
  parts.log?.close()
  parts.lock?.release()
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

/**
 * Whoever owns the log file (the daemon, the desktop's core process) answers `logs` itself,
 * whatever node runs behind it.
 */
export function withLogCommand(node: RunningNode, log: LogFile): RunningNode {
  return {
    call<C extends keyof Results>(command: C, params: Params<C>): Promise<Results[C]> {
      if (command === 'logs') {
        const lines = (params as Params<'logs'>).lines ?? 100
        return Promise.resolve(log.tail(lines) as Results[C])
      }
      return node.call(command, params)
    },
    on: (event, listener) => node.on(event, listener),
    off: (event, listener) => node.off(event, listener),
    close: () => node.close(),
  }
}
