/**
 * Real `exodus daemon` processes for integration tests: each on its own data folder, all on
 * a local HyperDHT testnet bound to 127.0.0.1 that lives in the test process.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import createTestnet from 'hyperdht/testnet'
import type { Command, Params, Results } from '../../core/api/contract.ts'
import { readDaemonInfo, type DaemonInfo } from '../../core/daemon/info.ts'

const run = promisify(execFile)
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'exodus.js')

export type Testnet = Awaited<ReturnType<typeof createTestnet>>

export async function loopbackTestnet(): Promise<Testnet> {
  return createTestnet(3, { host: '127.0.0.1' })
}

export class CallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export class Daemon {
  process: ChildProcess | null = null
  info: DaemonInfo | null = null
  output = ''

  constructor(
    readonly name: string,
    readonly dataDir: string,
    private readonly bootstrap: string,
  ) {}

  static async create(name: string, testnet: Testnet): Promise<Daemon> {
    const dir = await mkdtemp(join(tmpdir(), `exodus-it-${name}-`))
    const bootstrap = testnet.bootstrap.map((b) => `${b.host}:${b.port}`).join(',')
    return new Daemon(name, dir, bootstrap)
  }

  /**
   * Starts the daemon with `extra` arguments (e.g. `--static DIR`). Unless `named` is false,
   * sets the node's identity name to the daemon's name (the UI tests let people type it).
   */
  async start(extra: string[] = [], { named = true }: { named?: boolean } = {}): Promise<this> {
    const child = spawn(
      process.execPath,
      [BIN, 'daemon', '--data', this.dataDir, '--bootstrap', this.bootstrap, ...extra],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EXODUS_LOG_LEVEL: 'debug' } },
    )
    this.process = child
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()))
    const until = Date.now() + 30_000
    while (true) {
      const info = readDaemonInfo(this.dataDir)
      if (info && info.pid === child.pid) {
        this.info = info
        break
      }
      if (child.exitCode !== null) throw new Error(`${this.name}'s daemon exited: ${this.output}`)
      if (Date.now() > until) throw new Error(`${this.name}'s daemon did not start: ${this.output}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    if (this.name && named) await this.call('identity.set', { name: this.name })
    return this
  }

  /** Graceful stop (SIGTERM), waiting for the process to exit. */
  async stop(): Promise<void> {
    const child = this.process
    if (!child || child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
    this.process = null
  }

  /** Crash: SIGKILL, no chance to clean up. */
  async kill(): Promise<void> {
    const child = this.process
    if (!child || child.exitCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    await exited
    this.process = null
  }

  async call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]> {
    if (!this.info) throw new Error(`${this.name}'s daemon is not running`)
    const res = await fetch(`http://127.0.0.1:${this.info.port}/api/${command}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.info.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(params),
    })
    const body = (await res.json()) as
      { ok: true; result: Results[C] } | { ok: false; error: { code: string; message: string } }
    if (!body.ok) throw new CallError(body.error.code, body.error.message)
    return body.result
  }

  /** Runs the `exodus` CLI against this folder. */
  async cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, '--data', this.dataDir, ...args])
      return { code: 0, out: stdout, err: stderr }
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string }
      return { code: e.code ?? 1, out: e.stdout ?? '', err: e.stderr ?? '' }
    }
  }

  async destroy(): Promise<void> {
    await this.kill()
    await rm(this.dataDir, { recursive: true, force: true })
  }
}

/** Polls `read` until `check` passes: peers sync asynchronously. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (v: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const until = Date.now() + ms
  let last: T | undefined
  let error: unknown
  while (true) {
    try {
      last = await read()
      if (check(last)) return last
    } catch (err) {
      error = err
    }
    if (Date.now() > until) {
      throw new Error(
        `condition not met in ${ms} ms; last: ${JSON.stringify(last ?? String(error))}`,
      )
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}
