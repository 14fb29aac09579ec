/**
 * The network benches' laboratory: a local HyperDHT testnet on 127.0.0.1 (never the public
 * DHT), real `exodus daemon` processes (test/support/daemons.ts), forked helper processes and
 * temporary folders, all released by dispose(), also when a bench fails, and as far as
 * possible when the bench is interrupted (SIGINT/SIGTERM) or exits.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import WebSocket from 'ws'
import type { Command, NodeEvent, Params, Results } from '../core/api/contract.ts'
import { Daemon, loopbackTestnet, type Testnet } from '../test/support/daemons.ts'
import { removeDir, tempDir } from './network.ts'

const PROBE = pathToFileURL(join(import.meta.dirname, 'autobase-probe.mjs')).href

export class Lab {
  readonly daemons: Daemon[] = []
  readonly children: ChildProcess[] = []
  readonly dirs: string[] = []
  private disposed = false
  private readonly onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n  ${signal}: stopping the network bench's processes`)
    this.killNow()
    process.exit(130)
  }
  private readonly onExit = () => this.killNow()

  private constructor(readonly testnet: Testnet) {
    process.once('SIGINT', this.onSignal)
    process.once('SIGTERM', this.onSignal)
    process.once('exit', this.onExit)
  }

  static async open(): Promise<Lab> {
    return new Lab(await loopbackTestnet())
  }

  /** HOST:PORT of the testnet's bootstrap nodes. */
  get bootstrap(): string[] {
    return this.testnet.bootstrap.map((b) => `${b.host}:${b.port}`)
  }

  async tempDir(label: string): Promise<string> {
    const dir = await tempDir(label)
    this.dirs.push(dir)
    return dir
  }

  /** A daemon on its own new data folder, not started yet. */
  async daemon(name: string): Promise<Daemon> {
    const d = await Daemon.create(name, this.testnet)
    this.daemons.push(d)
    return d
  }

  /**
   * Starts a daemon; with `probe`, its process loads bench/autobase-probe.mjs, which reports
   * Autobase fast-forwards and signed lengths in the daemon's output.
   */
  async start(d: Daemon, { probe = false }: { probe?: boolean } = {}): Promise<Daemon> {
    const before = process.env.NODE_OPTIONS
    if (probe) process.env.NODE_OPTIONS = `${before ?? ''} --import ${PROBE}`.trim()
    let started: Promise<Daemon>
    try {
      started = d.start() // spawn() copies the environment before start() first awaits
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS
      else process.env.NODE_OPTIONS = before
    }
    return started
  }

  /** Forks `script` with tsx and IPC; stdout and stderr are kept in `output`. */
  fork(script: string, args: string[]): ChildProcess & { output: string[] } {
    const child = fork(script, args, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    }) as ChildProcess & { output: string[] }
    child.output = []
    child.stdout!.on('data', (d: Buffer) => child.output.push(d.toString()))
    child.stderr!.on('data', (d: Buffer) => child.output.push(d.toString()))
    this.children.push(child)
    return child
  }

  /** Asks a forked helper to close (IPC {type: 'close'}); kills it after 3 s. */
  async stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    if (child.connected) child.send({ type: 'close' })
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
    await exited
    clearTimeout(timer)
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    await Promise.all(this.children.map((child) => this.stop(child)))
    await Promise.all(this.daemons.map((d) => d.destroy().catch(() => {})))
    await this.testnet.destroy().catch(() => {})
    for (const dir of this.dirs) await removeDir(dir).catch(() => {})
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    process.off('exit', this.onExit)
  }

  /** Last resort, synchronous: no process and no folder of ours outlives the bench. */
  private killNow(): void {
    if (this.disposed) return
    for (const child of this.children) child.kill('SIGKILL')
    for (const d of this.daemons) {
      d.process?.kill('SIGKILL')
      rmSync(d.dataDir, { recursive: true, force: true })
    }
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A session on a daemon's /ws, the way the browser UI talks to its node: calls go as
 * {id, command, params} messages and come back as {id, reply}; pushed events arrive on the
 * same socket. `onState` gets the arrival time (performance.now()) of every pushed
 * {event: {type: 'state'}} of `network`.
 */
export class WsSession {
  private nextId = 1
  private readonly pending = new Map<number, (reply: WsReply) => void>()
  private readonly stateListeners: Array<{ network: string; fn: (at: number) => void }> = []

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const at = performance.now()
      const message = JSON.parse(data.toString()) as {
        id?: number
        reply?: WsReply
        event?: NodeEvent
      }
      const event = message.event
      if (event?.type === 'state') {
        for (const l of this.stateListeners) if (l.network === event.network) l.fn(at)
      } else if (typeof message.id === 'number' && message.reply) {
        this.pending.get(message.id)?.(message.reply)
        this.pending.delete(message.id)
      }
    })
    ws.on('close', () => {
      for (const resolve of this.pending.values()) {
        resolve({ ok: false, error: { code: 'closed', message: 'the WebSocket closed' } })
      }
      this.pending.clear()
    })
  }

  static async open(d: Daemon): Promise<WsSession> {
    const info = d.info!
    const ws = new WebSocket(`ws://127.0.0.1:${info.port}/ws`, {
      headers: { authorization: `Bearer ${info.token}` },
    })
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return new WsSession(ws)
  }

  async call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]> {
    const id = this.nextId++
    const reply = await new Promise<WsReply>((resolve) => {
      this.pending.set(id, resolve)
      this.ws.send(JSON.stringify({ id, command, params }))
    })
    if (!reply.ok) throw new Error(`${command}: ${reply.error.code}: ${reply.error.message}`)
    return reply.result as Results[C]
  }

  onState(network: string, fn: (at: number) => void): void {
    this.stateListeners.push({ network, fn })
  }

  close(): void {
    this.ws.close()
  }
}

type WsReply =
  { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }

/** Polls `read` until `check` passes; throws after `ms` with the last value. */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  check: (v: T) => boolean,
  { ms = 60_000, every = 100 }: { ms?: number; every?: number } = {},
): Promise<T> {
  const deadline = performance.now() + ms
  let last: unknown
  while (true) {
    try {
      const value = await read()
      if (check(value)) return value
      last = value
    } catch (err) {
      last = err instanceof Error ? err.message : err
    }
    if (performance.now() > deadline) {
      const shown = JSON.stringify(last) ?? String(last)
      throw new Error(`${what}: not reached in ${ms} ms; last: ${shown.slice(0, 300)}`)
    }
    await new Promise((r) => setTimeout(r, every))
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
