/**
 * The node: one install's identity and its networks. It opens and closes, in order, the
 * bookkeeping file, the store, the networks (see NetworkSession) and the cycle clock, and
 * runs the API's commands (core/node/commands/). No business rule lives here.
 */
import { EventEmitter } from 'node:events'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import Corestore from 'corestore'
import pkg from '../../package.json' with { type: 'json' }
import type { Command, NodeApi, Params, Results } from '../api/contract.ts'
import { fail } from '../errors.ts'
import type { NodeEvent } from '../api/results.ts'
import { type Logger, silentLogger } from '../logger.ts'
import { Admission } from './admission.ts'
import { COMMAND_DEFS } from './commands/index.ts'
import type { NodeContext } from './context.ts'
import { CycleClock } from './cycle-clock.ts'
import { LocalStateFile, makeTreePrivate } from './local-state.ts'
import { Networks, parseBootstrap } from './networks.ts'
import { Rekeying } from './rekey.ts'

export interface NodeOptions {
  dataDir: string
  /** HOST:PORT of DHT bootstrap nodes; the public HyperDHT when absent. */
  bootstrap?: string[]
  /** The node's clock (ms); shifted to try month boundaries and deadlines. */
  clock?: () => number
  log?: Logger
  /** How long a join waits for a member to admit it before saying so. */
  pairingTimeoutMs?: number
  /** How long a join call waits for the network to sync once admitted (default 3x pairing). */
  syncTimeoutMs?: number
  /** How often the clock is checked for month boundaries and deadlines. */
  cycleCheckMs?: number
}

interface Opened {
  state: LocalStateFile
  store: Corestore
  networks: Networks
  admission: Admission
  rekeying: Rekeying
  cycles: CycleClock
}

export class ExodusNode extends EventEmitter implements NodeApi, NodeContext {
  readonly dataDir: string
  readonly clock: () => number
  readonly version: string = pkg.version
  readonly bootstrap: string[] | null
  private readonly log: Logger
  private readonly opts: NodeOptions
  private opened: Opened | null = null
  private closing = false

  constructor(opts: NodeOptions) {
    super()
    this.opts = opts
    this.dataDir = opts.dataDir
    this.clock = opts.clock ?? Date.now
    this.log = opts.log ?? silentLogger
    const bootstrap = parseBootstrap(opts.bootstrap)
    this.bootstrap = bootstrap?.map((b) => `${b.host}:${b.port}`) ?? null
  }

  private get parts(): Opened {
    if (!this.opened) throw fail('closing')
    return this.opened
  }

  get state(): LocalStateFile {
    return this.parts.state
  }

  get networks(): Networks {
    return this.parts.networks
  }

  get admission(): Admission {
    return this.parts.admission
  }

  get rekeying(): Rekeying {
    return this.parts.rekeying
  }

  async open(): Promise<void> {
    const { clock, log } = this
    const storeDir = join(this.dataDir, 'store')
    const state = await LocalStateFile.open(this.dataDir, { store: storeDir })
    const store = new Corestore(storeDir)
    try {
      await store.ready()
    } catch (err) {
      await store.close().catch(() => {})
      // The store's device file (store/CORESTORE) names the inode it was written on: a copy
      // (cp, tar, a restored backup) has another one and is refused, so that one node's keys
      // never write two histories. Deleting the file makes the store take the copy as its own.
      if ((err as { code?: unknown }).code === 'DEVICE_FILE') {
        throw fail('data-copied', { store: storeDir, file: join(storeDir, 'CORESTORE') })
      }
      throw fail('data-unreadable', { path: storeDir, problem: (err as Error).message }, 'store')
    }
    try {
      await makeTreePrivate(storeDir)
    } catch (err) {
      await store.close().catch(() => {})
      throw err
    }
    const push = (event: NodeEvent) => this.push(event)
    let admission: Admission | null = null
    let rekeying: Rekeying | null = null
    const networks = new Networks({
      store,
      state,
      clock,
      log,
      push,
      bootstrap: parseBootstrap(this.opts.bootstrap),
      admit: (n, request) => admission!.admit(n, request),
      opened: (n) => rekeying!.watch(n),
    })
    admission = new Admission({
      networks,
      state,
      clock,
      log,
      pairingTimeoutMs: this.opts.pairingTimeoutMs ?? 20_000,
      syncTimeoutMs: this.opts.syncTimeoutMs ?? (this.opts.pairingTimeoutMs ?? 20_000) * 3,
    })
    rekeying = new Rekeying({ networks, state, clock, log, push })
    const cycles = new CycleClock({
      sessions: () => networks.list(),
      clock,
      log,
      push,
      everyMs: this.opts.cycleCheckMs ?? 30_000,
    })
    this.opened = { state, store, networks, admission, rekeying, cycles }
    for (const entry of state.state.networks) {
      try {
        const n = await networks.open(entry)
        if (entry.joiningAs !== null) admission.completeJoin(n)
      } catch (err) {
        log.error('network failed to open', { network: entry.key.slice(0, 8), error: String(err) })
      }
    }
    await cycles.start()
  }

  /** Closes in order: the clock, admission, the networks, the store they share, the file. */
  async close(): Promise<void> {
    if (this.closing || !this.opened) return
    this.closing = true
    const { state, store, networks, admission, rekeying, cycles } = this.opened
    cycles.stop()
    admission.close()
    await rekeying.close()
    await networks.close()
    await store.close()
    await state.save()
    this.opened = null
  }

  push(event: NodeEvent): void {
    this.emit('event', event)
  }

  async call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]> {
    const run = COMMAND_DEFS[command].run as (ctx: NodeContext, p: Params<C>) => Promise<unknown>
    return run(this, params) as Promise<Results[C]>
  }

  /**
   * Deletes every network's copy, the identity and the node's bookkeeping, then opens afresh
   * as a new install would. The daemon's lock and log stay: they belong to the running host.
   */
  async removeAllData(): Promise<{ removed: string[] }> {
    const removed = [join(this.dataDir, 'store'), this.state.path]
    await this.close()
    for (const path of removed) await rm(path, { recursive: true, force: true })
    this.closing = false
    this.log.warn('all local data removed: the node starts afresh')
    await this.open()
    return { removed }
  }
}

export async function createNode(opts: NodeOptions): Promise<ExodusNode> {
  const node = new ExodusNode(opts)
  await node.open()
  return node
}
