/**
 * One network as this node runs it: its LedgerBase (the Autobase), the Hyperswarm on its topic
 * and the member side of blind pairing, the connections and sync state, and the node's ways
 * to read the view and append ops. Closing tears these down in order: the notification scan
 * in flight, pairing, the swarm, then the base.
 */
import BlindPairing from 'blind-pairing'
import crypto from 'hypercore-crypto'
import type HyperDHT from 'hyperdht'
import Hypercore from 'hypercore'
import Hyperswarm from 'hyperswarm'
import ReadyResource from 'ready-resource'
import z32 from 'z32'
import { randomBytes } from 'node:crypto'
import { ApiError, fail, refused, type StoredRefusal } from '../errors.ts'
import type { Appended, NetworkSummary, NodeEvent, SyncState } from '../api/results.ts'
import { signProof } from '../identity/member-key.ts'
import {
  keys,
  networkId,
  pledgeIdOf,
  type ClearingRun,
  type Member,
  type NetworkMeta,
  type Pledge,
  type WriterRecord,
} from '../ledger/model.ts'
import {
  runChains,
  solveCurrent,
  type RunChains,
  type SolvedClearing,
} from '../ledger/clearing-view.ts'
import { newerWriters, OP_VERSION, type Op, type OpInput } from '../ledger/ops.ts'
import { tryOp } from '../ledger/try-op.ts'
import type { Logger } from '../logger.ts'
import type { LedgerBase } from '../network/ledger-base.ts'
import { DataUnavailableError, type ViewSnapshot } from '../network/view.ts'
import { NotificationFeed } from './feed.ts'
import type { LocalStateFile, NetworkEntry } from './local-state.ts'
import { MemberIndex } from './member-index.ts'

/** Write access can blink off while Autobase reorders after a new writer: this long is a blink. */
const WRITABLE_BLINK_MS = 5_000

export interface SessionOptions {
  entry: NetworkEntry
  base: LedgerBase
  state: LocalStateFile
  clock: () => number
  log: Logger
  push: (event: NodeEvent) => void
  /** The DHT for the network's swarm, or null when this node does not sync the network. */
  dht: () => HyperDHT
  /** The bootstrap nodes, named in the warning when nobody is found. */
  bootstrapText: string
  /** Member side of pairing: answers a newcomer's request. */
  admit: (session: NetworkSession, request: BlindPairing.MemberRequest) => Promise<void>
}

export function hex(buf: Uint8Array): string {
  return Buffer.from(buf).toString('hex')
}

/**
 * The writer key (hex) of the device a swarm connection comes from: nodes join with their
 * writer core's key pair, and a writer core's key is its default manifest's hash.
 */
export function writerOf(remotePublicKey: Uint8Array): string {
  return hex(Hypercore.key(Buffer.from(remotePublicKey)))
}

export function randomOpId(): string {
  return z32.encode(randomBytes(10)).slice(0, 12)
}

export class NetworkSession extends ReadyResource {
  readonly entry: NetworkEntry
  readonly base: LedgerBase
  /** Every member's record, kept between updates for the queries about all members. */
  readonly members: MemberIndex
  readonly feed: NotificationFeed
  /** Null once this node stopped syncing the network (after leaving it). */
  swarm: Hyperswarm | null = null
  pairing: BlindPairing | null = null
  readonly connections = new Set<{
    remotePublicKey: Buffer
    since: number
    conn: { destroy(): void }
  }>()
  lastSync: number | null = null
  /** The network's name, remembered from the last meta read (for names given as refs). */
  name: string | undefined
  private readonly opts: SessionOptions

  constructor(opts: SessionOptions) {
    super()
    this.opts = opts
    this.entry = opts.entry
    this.base = opts.base
    this.members = new MemberIndex(opts.base.watchChanges())
    this.feed = new NotificationFeed({
      entry: opts.entry,
      state: opts.state,
      clock: opts.clock,
      log: opts.log,
      push: opts.push,
      me: () => this.me,
      read: (fn) => this.read(fn),
      members: (kv) => this.members.at(kv),
      knownAs: (meta) => this.knownAs(meta),
    })
    this.base.on('update', () => {
      void this.findMe().catch(() => {})
      void this.followRefusals().catch(() => {})
      if (this.connections.size > 0) this.lastSync = opts.clock()
      opts.push({ type: 'state', network: this.key })
      this.feed.schedule()
      this.stopSyncOnceShared()
    })
    this.base.on('error', (err: Error) =>
      opts.log.error('network stopped', { network: this.short, error: err.message }),
    )
  }

  get key(): string {
    return this.entry.key
  }

  get short(): string {
    return this.entry.key.slice(0, 8)
  }

  /**
   * My member id in this network: the member this device acts for (found in the view once it
   * joined), else this device's writer key, which is the id it joins as unless its member key
   * is a member's already (a linked device, a restored membership).
   */
  get me(): string {
    return this.memberId ?? this.base.localKey
  }

  private memberId: string | null = null

  /** Looks up which member this device acts for, until it does (after it joined). */
  async findMe(): Promise<void> {
    if (this.memberId !== null) return
    const writer = await this.ownWriter()
    if (writer?.member) this.memberId = writer.member
  }

  /** My member.join: the name, and the proof that this device holds my member key here. */
  async joinOp(name: string): Promise<OpInput<'member.join'>> {
    const meta = await this.meta()
    if (!meta) throw fail('not-synced')
    const network = networkId(meta)
    const pair = this.opts.state.memberKeyPair(network)
    const proof = signProof(pair.secretKey, 'join', network, this.base.localKey)
    return { type: 'member.join', name, key: hex(pair.publicKey), proof: hex(proof) }
  }

  override async _open(): Promise<void> {
    // The member index is read whole once, now, rather than by the first screen that asks.
    const warm = () => this.read((kv) => this.members.at(kv)).then(() => {})
    // With the whole view on this device, before the session is ready: the first screens need
    // the index, and reading it while they ask doubles their wait (Home's first visit at 1,000
    // members: 1.23 s, 0.5 s once it was read). A view still arriving (after a fast-forward)
    // could make this wait for peers, so then it is read in the background.
    if (this.base.viewComplete) await Promise.all([warm(), this.findMe()]).catch(() => {})
    this.feed.start(warm())
    if (!(this.entry.left && this.base.ownEntriesShared)) this.startSync()
  }

  override async _close(): Promise<void> {
    this.emit('closing')
    await this.feed.close()
    await this.stopSync(false)
    await this.base.close().catch(() => {})
  }

  /**
   * Writer keys this node no longer replicates to: the devices of members who left and the
   * devices members unlinked (domain.md §9, §12). Each node joins the network's swarm with its
   * writer's key pair, so a connection's remote key names the device it comes from (writerOf).
   * A blocklist, no more: whoever kept the network's keys can still read it with another key
   * (docs/protocol.md).
   */
  private refused = new Set<string>()

  /** Rebuilds the blocklist from the members, and drops connections it now covers. */
  private async followRefusals(): Promise<void> {
    const members = await this.read(async (kv) => (await this.members.at(kv)).members())
    const refused = new Set<string>()
    for (const m of members) {
      if (m.left) for (const d of m.devices) refused.add(d)
      for (const d of m.unlinked ?? []) refused.add(d)
    }
    refused.delete(this.base.localKey)
    this.refused = refused
    const mine = await this.ownWriter()
    // A new recovery phrase sealed for this device (member.rekey): see Rekeying.
    if (mine?.sealed && mine.sealed.box !== this.sealedSeen) {
      this.sealedSeen = mine.sealed.box
      this.emit('sealed')
    }
    if (mine?.unlinkedAt !== undefined && this.swarm) {
      // This device was unlinked: what it writes no longer counts; it stops syncing.
      this.opts.log.warn('this device was unlinked from its member: stopped syncing', {
        network: this.short,
      })
      await this.stopSync()
    }
    for (const c of this.connections) {
      if (!refused.has(writerOf(c.remotePublicKey))) continue
      this.opts.log.info('stopped replicating to a device that left or was unlinked', {
        network: this.short,
        peer: writerOf(c.remotePublicKey).slice(0, 8),
      })
      c.conn.destroy()
    }
  }

  private startSync(): void {
    const { log, clock } = this.opts
    const swarm = new Hyperswarm({
      dht: this.opts.dht(),
      keyPair: this.base.localKeyPair,
      firewall: (remotePublicKey) => this.refused.has(writerOf(remotePublicKey)),
    })
    const pairing = new BlindPairing(swarm, { poll: 5_000 })
    this.swarm = swarm
    this.pairing = pairing
    swarm.on('connection', (conn) => {
      const record = { remotePublicKey: conn.remotePublicKey, since: clock(), conn }
      this.connections.add(record)
      this.lastSync = clock()
      log.info('peer connected', {
        network: this.short,
        peer: hex(conn.remotePublicKey).slice(0, 8),
      })
      this.base.replicate(conn)
      conn.on('error', (err: Error) => log.debug('connection error', { error: err.message }))
      conn.on('close', () => {
        this.connections.delete(record)
        log.info('peer disconnected', { network: this.short })
        this.emitSync()
      })
      this.emitSync()
    })
    pairing.addMember({
      discoveryKey: crypto.discoveryKey(this.base.key),
      onadd: (request) => this.opts.admit(this, request),
    })
    // Announce first, then look: two peers joining a fresh topic at once may otherwise miss
    // each other until the next discovery refresh (minutes).
    swarm
      .join(this.base.discoveryKey, { server: true, client: true })
      .flushed()
      .then(() => {
        log.info('announced on the network topic', { network: this.short })
        if (this.connections.size > 0) return
        log.warn(
          'no peers found yet: nobody else in this network is online, or the DHT is unreachable',
          { network: this.short, bootstrap: this.opts.bootstrapText },
        )
      })
      .catch((err) => log.warn('could not announce on the DHT', { error: String(err) }))
  }

  /** Stops replicating the network; its local copy stays readable until it is forgotten. */
  async stopSync(tell = true): Promise<void> {
    const { pairing, swarm } = this
    this.pairing = null
    this.swarm = null
    await pairing?.close().catch(() => {})
    await swarm?.destroy().catch(() => {})
    this.connections.clear()
    if (!tell) return
    this.opts.log.info('stopped syncing a network', { network: this.short })
    this.emitSync()
  }

  /**
   * After leaving, sync stops once the leave reached a peer: until then the others would not
   * know, and the leaver's intentions would keep counting for them.
   */
  stopSyncOnceShared(): void {
    if (this.entry.left && this.swarm && this.base.ownEntriesShared) void this.stopSync()
  }

  private emitSync(): void {
    this.opts.push({ type: 'sync', network: this.key, sync: this.syncState() })
  }

  syncState(): SyncState {
    return {
      peers: this.connections.size,
      lastSync: this.lastSync,
      ownEntriesShared: this.base.ownEntriesShared,
      stateComplete: this.base.viewComplete,
      writable: this.base.writable,
    }
  }

  /** Values kept between updates, each with the state of the view it holds for (see keep). */
  private readonly kept = new Map<string, { at: string; value: Promise<unknown> }>()

  /**
   * The value kept as `name` if it was computed `at` the same state, else `compute()`'s (kept
   * in its place; a failure is not kept). `at` names the view core and epoch (a truncation or
   * a fast-forward changes what the same keys hold) and whatever else the value depends on.
   */
  private keep<T>(name: string, kv: ViewSnapshot, at: string, compute: () => Promise<T>) {
    const state = `${kv.core}/${kv.viewEpoch}/${at}`
    const kept = this.kept.get(name)
    if (kept?.at === state) return kept.value as Promise<T>
    const entry = { at: state, value: compute() }
    entry.value.catch(() => {
      if (this.kept.get(name) === entry) this.kept.delete(name)
    })
    this.kept.set(name, entry)
    return entry.value
  }

  /**
   * The clearing of the current cycle as `kv` holds it (solveCurrent), kept until what it could
   * take changes (meta.seq.clearing), so that a preview asked again on every update costs the
   * asker's own obligations, not the network's.
   */
  solvedClearing(kv: ViewSnapshot, meta: NetworkMeta): Promise<SolvedClearing> {
    return this.keep('clearing', kv, `${meta.cycle}/${meta.seq.clearing}`, () =>
      solveCurrent(kv, meta),
    )
  }

  /** What a past clearing run cleared and its chains (runChains): a run never changes. */
  clearingRun(kv: ViewSnapshot, run: ClearingRun): Promise<RunChains> {
    return this.keep('run', kv, `${run.cycle}/${run.at}`, () => runChains(kv, run.cycle))
  }

  /** This device's writer record: its member, whether it was unlinked, a phrase sealed for it. */
  ownWriter(): Promise<WriterRecord | null> {
    return this.read((kv) => kv.get<WriterRecord>(keys.writer(this.base.localKey)))
  }

  /** The last sealed box 'sealed' was emitted for. */
  private sealedSeen: string | undefined

  /** Runs `fn` on a snapshot of the view; data not on this device becomes a user's error. */
  async read<T>(fn: (kv: ViewSnapshot) => Promise<T>): Promise<T> {
    const snap = this.base.snapshot()
    try {
      return await fn(snap)
    } catch (err) {
      throw err instanceof DataUnavailableError ? fail('data-unavailable') : err
    } finally {
      await snap.close()
    }
  }

  async meta(): Promise<NetworkMeta | null> {
    return this.knownAs(await this.read((kv) => kv.get<NetworkMeta>(keys.meta)))
  }

  /** Remembers the network's name from a meta just read. */
  knownAs(meta: NetworkMeta | null): NetworkMeta | null {
    if (meta) this.name = meta.name
    return meta
  }

  async summary(): Promise<NetworkSummary> {
    const meta = await this.meta()
    const member = await this.read((kv) => kv.get<Member>(keys.member(this.me)))
    return {
      id: this.key,
      name: meta?.name ?? '(syncing)',
      currency: meta?.currency ?? '',
      decimals: meta?.decimals ?? 2,
      timeZone: meta?.timeZone ?? 'UTC',
      cycle: meta?.cycle ?? null,
      me: this.me,
      joined: !!member && !member.left,
      left: this.entry.left,
      syncing: this.swarm !== null,
      sync: this.syncState(),
      needsUpdate: newerWriters(meta).length > 0,
      newerApp: newerWriters(meta),
    }
  }

  /**
   * Resolves once `ready()` holds, checked now and at each change of the base; false when
   * `ms` passed first or the session closes.
   */
  until(ready: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false
      const finish = (value: boolean) => {
        if (done) return
        done = true
        clearTimeout(timer)
        this.base.off('update', check)
        this.base.off('writable', check)
        this.off('closing', closing)
        resolve(value)
      }
      const check = () => {
        void Promise.resolve(ready()).then(
          (ok) => ok && finish(true),
          () => {},
        )
      }
      const closing = () => finish(false)
      const timer = Number.isFinite(ms) ? setTimeout(() => finish(false), ms) : undefined
      this.base.on('update', check)
      this.base.on('writable', check)
      this.on('closing', closing)
      check()
    })
  }

  /**
   * Appends an op after checking it against the current state, so a refused action is
   * explained at once and never written to the log.
   */
  async append(input: OpInput): Promise<Appended> {
    const op = { v: OP_VERSION, id: randomOpId(), ts: this.opts.clock(), ...input } as Op
    // The dry run is by this device, as the op will be: by the member's first device it would
    // be refused once that one was unlinked, whichever device of theirs wrote.
    const author = this.base.localKey
    // Not a writer any more: this device was unlinked from its member (domain.md §12).
    if (!this.base.writable && (await this.ownWriter())?.unlinkedAt !== undefined) {
      throw refused({ code: 'device-unlinked', params: {} })
    }
    if (!this.base.writable) await this.until(() => this.base.writable, WRITABLE_BLINK_MS)
    if (!this.base.writable) {
      throw fail('not-writable')
    }
    const { result: dry, missing } = await this.read((kv) =>
      tryOp(kv, op, author, (err) => err instanceof DataUnavailableError),
    )
    if (missing) throw fail('data-unavailable')
    // No network in the view: not a refusal but a view not (or no longer, mid fast-forward)
    // synced. The caller may try again once it is.
    if (!dry.accepted && dry.refusal?.code === 'no-network') throw fail('not-synced')
    if (!dry.accepted) throw refused(dry.refusal!)
    await this.base.append(op)
    await this.base.update()
    // A refusal is kept under the writer's ref, a pledge under the member's (apply.ts).
    const ref = pledgeIdOf(author, op.id)
    const [refusal, pledge] = await this.read(async (kv) => {
      const id = 'pledge' in op ? op.pledge : pledgeIdOf(this.me, op.id)
      return [
        await kv.get<StoredRefusal>(keys.refusal(ref)),
        await kv.get<Pledge>(keys.pledge(id)),
      ] as const
    }).catch((err: unknown) => {
      // Appended already: reporting an error would invite a second, duplicate op.
      if (!(err instanceof ApiError && err.code === 'data-unavailable')) throw err
      this.opts.log.warn('op appended, its outcome not readable yet', { id: op.id })
      return [null, null] as const
    })
    if (refusal) throw refused(refusal)
    this.opts.log.info('op appended', { network: this.short, type: op.type, id: op.id })
    return { network: this.key, op: op.id, pledge }
  }
}
