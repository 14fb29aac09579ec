/**
 * One network = one encrypted Autobase whose view is the ledger state (a Hyperbee). The apply
 * handler (view-apply.ts) is a thin router: every op goes to the ledger rules (applyOp), and
 * the writer changes they ask for are performed on the Autobase host. Rules live in
 * core/ledger, not here.
 *
 * Indexers: the rules decide (each addWriter effect carries `indexer`); the network's creator
 * is the first indexer because Autobase makes the bootstrap writer one.
 *
 * Longer than 400 lines on purpose: this class owns the Autobase's whole life (open, key
 * checks, layout rebuild, fast-forward, snapshots, close), and those steps share the base, its
 * store session and the view epoch, which it replaces together on a rebuild. Split apart,
 * each piece would need write access to all of them. What stands alone is elsewhere: the
 * apply router (view-apply.ts), the stored key (network-key.ts), the cores of a copy and the
 * rebuild's storage work (local-copy.ts).
 */
import Autobase from 'autobase'
import type Corestore from 'corestore'
import Hypercore from 'hypercore'
import ReadyResource from 'ready-resource'
import crypto, { type KeyPair } from 'hypercore-crypto'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import { applyOp as ledgerApplyOp } from '../ledger/apply.ts'
import { LAYOUT_KEY, VIEW_LAYOUT } from '../ledger/layout.ts'
import { likelyReads } from './read-ahead.ts'
import { ViewApply, type ApplyOpFn, type OpRef } from './view-apply.ts'
import {
  clearCores,
  coresOf,
  derivedCoresOf,
  dropDerivedState,
  encodeOp,
  logApplyError,
} from './local-copy.ts'
import { checkFirstBlock, checkStoredKey, shortKey } from './network-key.ts'
import { ViewChanges } from './view-changes.ts'
import { forgetCaches, openView, ViewSnapshot, type CacheEpoch, type LedgerBee } from './view.ts'

export { APPLIED, type ApplyOpFn, type OpRef } from './view-apply.ts'
export { shortKey, WrongNetworkKeyError } from './network-key.ts'

export interface LedgerBaseOptions {
  /** The node's store; each network works in its own namespace of it. */
  store: Corestore
  /** The network's key to open or join it; null or absent creates a new network. */
  key?: Uint8Array | null
  /**
   * Corestore namespace for this network's cores; keep it with the network's key. Each
   * network needs its own (see localKeyFor). Default: derived from `key`, random for a new one.
   */
  namespace?: string
  /** 32 bytes. Networks are always encrypted; invites hand this key out. */
  encryptionKey: Uint8Array
  /** ms between background acks by indexers; 0 turns them off. */
  ackInterval?: number
  /** The ledger rules; tests inject a fake. */
  applyOp?: ApplyOpFn
  /**
   * The keys applying an op will most likely read, looked up ahead for a whole apply call
   * (see CachingKV.readAhead; a key ending in '/' names a folder, read whole). Default: the
   * ledger's guess with the ledger's rules, none with injected ones.
   */
  likelyReads?: (raw: Buffer, author: string) => string[]
  /** Called when applyOp or a host call throws; the op is skipped. Defaults to console.error. */
  onApplyError?: (error: unknown, op: OpRef) => void
  /**
   * The view layout this node's rules build (see core/ledger/layout.ts), written into a new
   * view under LAYOUT_KEY. Default: VIEW_LAYOUT with the ledger's rules; with injected rules,
   * none is written unless given. Tests inject another to play a newer release.
   */
  viewLayout?: number
}

// Autobase's default (10 s) made the signed order lag ~20 s in trials; 1 s gave ~2 s. Only
// indexers ack, and only when there is something unacknowledged, so the cost is small.
export const DEFAULT_ACK_INTERVAL = 1_000

const KEY_BYTES = 32

type LedgerAutobase = Autobase<Buffer, LedgerBee>

export class LedgerBase extends ReadyResource {
  private base: LedgerAutobase
  private readonly ackInterval: number
  private store: Corestore
  /** The network's namespace in the node's store: see the constructor. */
  private readonly namespace: string
  /** Readers told what each apply call wrote (see watchChanges). */
  private readonly watchers = new Set<ViewChanges>()
  /** The node's store, which outlives this base (the namespace above closes with it). */
  private readonly root: Corestore
  private readonly encryptionKey: Buffer
  private readonly applier: ViewApply
  /** The layout this node builds (see LedgerBaseOptions.viewLayout), or null: none. */
  readonly layout: number | null
  /** The layout the view says it was built with, as read on open and after a fast-forward. */
  private openedLayout: number | null = null
  /** The layout of the view this node rebuilt on open, or null: no rebuild. */
  private rebuilt: number | null = null
  private readonly snapshots = new Set<ViewSnapshot>()
  private readonly probes = new Set<{ close(): Promise<void> }>()
  private updateTimer: NodeJS.Immediate | null = null
  private wasWritable = false
  private readonly changed: () => void
  /** Bumped when the view is truncated or moves to another core: see ViewSnapshot. */
  private readonly viewEpoch: CacheEpoch & { epoch: number } = { epoch: 0 }
  private viewDownload: { destroy(): void } | null = null
  /** viewComplete as last reported: an update is emitted when it flips. */
  private wasComplete = true

  constructor(opts: LedgerBaseOptions) {
    super()
    const key = opts.key ?? null
    if (key !== null && key.byteLength !== KEY_BYTES) {
      throw new TypeError(`network key must be ${KEY_BYTES} bytes, got ${key.byteLength}`)
    }
    if (!opts.encryptionKey || opts.encryptionKey.byteLength !== KEY_BYTES) {
      throw new TypeError(`network encryption key must be ${KEY_BYTES} bytes`)
    }

    this.encryptionKey = Buffer.from(opts.encryptionKey)
    const guess = opts.likelyReads ?? (opts.applyOp ? () => [] : likelyReads)
    this.layout = opts.viewLayout ?? (opts.applyOp ? null : VIEW_LAYOUT)
    this.applier = new ViewApply({
      applyOp: opts.applyOp ?? ledgerApplyOp,
      // A guess that fails must not stop apply: it is only a hint.
      likelyReads: (raw, author) => {
        try {
          return guess(raw, author)
        } catch {
          return []
        }
      },
      onApplyError: opts.onApplyError ?? logApplyError,
      watchers: this.watchers,
      epoch: this.viewEpoch,
      closing: () => Boolean(this.base.closing),
      marks: this.layout === null ? [] : [{ key: LAYOUT_KEY, value: this.layout }],
    })

    // A namespace per network: Autobase names its writer core 'local', so networks sharing a
    // namespace would share a writer core. Autobase also closes the store it is given, and
    // closing a namespace leaves the node's store open. Reopening also works from another
    // namespace: Autobase finds its writer core by key through the bootstrap core.
    const namespace =
      opts.namespace ??
      (key
        ? 'exodus-circles/network/' + Buffer.from(key).toString('hex')
        : 'exodus-circles/new-network/' + crypto.randomBytes(32).toString('hex'))
    this.root = opts.store
    this.namespace = namespace
    this.store = opts.store.namespace(namespace)

    this.ackInterval = opts.ackInterval ?? DEFAULT_ACK_INTERVAL
    this.changed = () => this.queueUpdate()
    this.base = this.openBase(key)

    this.ready().catch(noop)
  }

  /** The Autobase of the network, with the listeners the node relies on. */
  private openBase(key: Buffer | Uint8Array | null, rebuilding = false): LedgerAutobase {
    const base = new Autobase<Buffer, LedgerBee>(this.store, key, {
      // Raw bytes: applyOp decodes them. With a decoding valueEncoding, one undecodable block
      // would freeze its writer for good instead of reaching the rules as a rejected op.
      valueEncoding: 'binary',
      encryptionKey: this.encryptionKey,
      ackInterval: this.ackInterval,
      // A rebuild applies the logs itself: a signed view would be one of the old layout.
      ...(rebuilding ? { fastForward: false } : {}),
      open: (viewStore) => openView(viewStore.get('ledger')),
      apply: (nodes, view, host) => this.applier.apply(nodes, view, host),
    })

    // Autobase's own events went missing in trials when changes came quickly: 'writable' and
    // 'unwritable' fire only if write access changes within one internal drain, 'update' only
    // if that drain took in new nodes. So every hint of a change (the view core moving
    // included) is coalesced into one 'update', and write access is compared by hand.
    const changed = this.changed
    base.on('update', changed)
    base.on('writable', changed)
    base.on('unwritable', changed)
    base.on('fast-forward', () => {
      // The view's content was replaced without a truncation to go by, possibly by a view the
      // indexers built with another layout: viewLayout follows (docs/protocol.md). What the
      // caches hold by block number is of the view that was.
      forgetCaches(base.view)
      this.viewEpoch.epoch++
      this.refreshLayout()
      for (const w of this.watchers) w.moved(this.viewEpoch.epoch)
      changed()
    })
    base.view.core.on('append', changed)
    base.view.core.on('truncate', changed)
    base.view.core.on('truncate', (length: number) => {
      this.viewEpoch.epoch++
      for (const w of this.watchers) w.truncated(length, this.viewEpoch.epoch)
    })
    base.view.core.on('migrate', () => {
      forgetCaches(base.view)
      this.viewEpoch.epoch++
      for (const w of this.watchers) w.moved(this.viewEpoch.epoch)
      // A moved view session drops its requests: ask again on the new core.
      this.downloadView()
    })
    base.view.core.on('download', () => {
      if (this.viewComplete === this.wasComplete) return
      this.wasComplete = !this.wasComplete
      changed()
    })
    // Without a listener Autobase rethrows and takes the whole node down; it closes itself.
    base.on('error', (err) => {
      if (this.listenerCount('error') > 0) this.emit('error', err)
      else console.error(`network ${this.describe()} stopped:`, err)
    })

    return base
  }

  /** The network's key (the bootstrap core's key). Set once open. */
  get key(): Buffer {
    return this.base.key
  }

  /** The Hyperswarm topic for the network. */
  get discoveryKey(): Buffer {
    return this.base.discoveryKey
  }

  /** This device's writer key (hex), which the view maps to a member. */
  get localKey(): string {
    return (this.base.local.key as Buffer).toString('hex')
  }

  /**
   * This device's writer key pair: the node joins the network's swarm with it, so that peers
   * know which device a connection comes from.
   */
  get localKeyPair(): KeyPair {
    return this.base.local.keyPair!
  }

  /**
   * The public key that signs the writer core `key` (hex), from the core's manifest, or null
   * when that core or its manifest is not on this device. A writer's key is its manifest's
   * hash, not a key one can encrypt to: a device sealing something for another device of the
   * member (member.rekey) reads it here. Every device whose ops were applied here qualifies.
   */
  async writerPublicKey(key: string): Promise<Buffer | null> {
    const id = Buffer.from(key, 'hex')
    const core = this.store.get({ key: id, active: false, createIfMissing: false })
    try {
      await core.ready()
      const manifest = core.manifest
      if (manifest?.signers.length !== 1 || !Hypercore.key(manifest).equals(id)) return null
      return Buffer.from(manifest.signers[0]!.publicKey)
    } catch {
      return null
    } finally {
      await core.close().catch(noop)
    }
  }

  get writable(): boolean {
    return this.base.writable
  }

  /** Whether at least one peer has everything this device appended (true when nothing was). */
  get ownEntriesShared(): boolean {
    // remoteContiguousLength is the longest prefix any peer reported, kept across restarts.
    const local = this.base.local
    return local.remoteContiguousLength >= local.length
  }

  /**
   * The view's layout, read on open (after a rebuild, if one ran) and again after a
   * fast-forward; null: a new view, or one built before layouts.
   */
  get viewLayout(): number | null {
    return this.openedLayout
  }

  /**
   * The layout of the view that this node found on open and rebuilt from the writers' logs
   * because it was older than its own; null when it did not (docs/protocol.md, "Versioning").
   * The base emits 'rebuild' with { from, to } when it starts one; ready() resolves after it.
   */
  get rebuiltFrom(): number | null {
    return this.rebuilt
  }

  /**
   * Whether the view on this device was built by rules of another layout than this node's
   * (docs/protocol.md, "Versioning"): a newer one (an older node keeps applying over it), or
   * an older one that the indexers signed and this node fast-forwarded to.
   */
  get layoutOutdated(): boolean {
    return this.layout !== null && this.openedLayout !== null && this.openedLayout !== this.layout
  }

  /** Whether every block of the view is on this device (see downloadView). */
  get viewComplete(): boolean {
    const core = this.base.view.core
    return core.contiguousLength >= core.length
  }

  get isIndexer(): boolean {
    return this.base.isIndexer
  }

  /** How much of the linearized log the indexers have agreed on (signed): it grows with quorum. */
  get indexedLength(): number {
    return this.base.indexedLength
  }

  /**
   * The writer key a LedgerBase opened in `namespace` will use on a network it has not joined
   * yet: a joiner sends it with its pairing request, before the network can be opened.
   */
  static async localKeyFor(store: Corestore, namespace: string): Promise<Buffer> {
    const session = store.namespace(namespace)
    try {
      return await Autobase.getLocalKey(session)
    } finally {
      await session.close()
    }
  }

  protected override async _open(): Promise<void> {
    try {
      await this.base.ready()
      checkStoredKey(this.base, this.encryptionKey)
      // Reopening: the network's first block is already on disk, so the key is checkable now.
      await this.checkFirstBlock({ wait: false })
      this.openedLayout = await this.readLayout()
      if (this.layout !== null && this.openedLayout !== null && this.openedLayout < this.layout) {
        await this.rebuild(this.openedLayout, this.layout)
      }
      this.wasWritable = this.base.writable
      this.downloadView()
      // Sync state (ownEntriesShared) changes when a peer reports having our blocks.
      this.base.local.on('remote-contiguous-length', this.changed)
    } catch (err) {
      // ReadyResource skips _close when _open fails, so release the base here.
      await this.base.close()
      throw err
    }
  }

  protected override async _close(): Promise<void> {
    if (this.updateTimer) clearImmediate(this.updateTimer)
    this.viewDownload?.destroy()
    await Promise.all([...this.snapshots].map((s) => s.close()))
    await Promise.all([...this.probes].map((p) => p.close()))
    // Autobase (7.28) closes its cores without waiting for an apply pass that is under way. A
    // pass cut off between storing the view and storing its own record of what it applied
    // leaves ops in the view that it applies again, on top, at the next open: that device's
    // state then differs from everyone's for good. So stop new passes and let the current end.
    await this.stopBase()
  }

  /**
   * Appends an op to this device's writer core: bytes as they are, anything else as JSON.
   * Resolves with the op's 1-based position in that core, the `length` applyOp receives.
   */
  async append(op: Uint8Array | object): Promise<number> {
    if (!this.opened) await this.ready()
    return this.base.append(encodeOp(op))
  }

  /**
   * A record of what the view's apply calls write from now on, for a reader that keeps what
   * it derived from the view and refreshes only what changed (see ViewChanges).
   */
  watchChanges(): ViewChanges {
    const changes = new ViewChanges()
    this.watchers.add(changes)
    return changes
  }

  /** Pulls in what peers have sent and runs apply on it. */
  async update(): Promise<void> {
    if (!this.opened) await this.ready()
    await this.base.update()
  }

  /**
   * Closes the base and deletes every block this device holds of the network: the writers'
   * logs (every writer the view knows), the views and the system core. What stays in the
   * shared store are the cores' small headers, unreadable without the network's key, which
   * the node forgets with them.
   */
  async deleteLocalCopy(): Promise<void> {
    const snap = this.snapshot()
    let cores: Set<string>
    try {
      cores = await coresOf(this.base, snap)
    } finally {
      await snap.close()
    }
    await this.close()
    await clearCores(this.root, cores)
  }

  /** A consistent read-only view of the ledger state now. Close it when done. */
  snapshot(): ViewSnapshot {
    if (!this.opened || this.closing) throw new Error(`network ${this.describe()} is not open`)
    const snap = new ViewSnapshot(
      this.base.view,
      (closed) => this.snapshots.delete(closed),
      this.viewEpoch,
    )
    this.snapshots.add(snap)
    return snap
  }

  /**
   * Stops applying and fetching the view until resume(): the device still serves what it holds
   * (its own writer core included) to peers, but takes no part in merging. For benches that
   * run many devices in one process; an app device always applies. Append only when not paused:
   * Autobase writes appends to the device's core as part of applying.
   */
  pause(): void {
    this.viewDownload?.destroy()
    this.viewDownload = null
    this.base.pause()
  }

  /** Applies again what came in while paused, and what comes next. */
  resume(): void {
    this.base.resume()
    this.downloadView()
  }

  /** Replicates all the network's cores over a swarm connection or a new stream. */
  replicate(stream: boolean | NoiseSecretStream): NoiseSecretStream {
    return this.base.replicate(stream)
  }

  /**
   * Checks the encryption key against the network's first block, which decodes as an Autobase
   * message only under the right key (Autobase itself just shows an empty view). Resolves true
   * when verified, false when that block is not here yet (with `wait`, not within `timeout`);
   * throws WrongNetworkKeyError when it does not decrypt. Call it after joining.
   */
  async verifyNetworkKey(opts: { wait?: boolean; timeout?: number } = {}): Promise<boolean> {
    if (!this.opened) await this.ready()
    return this.checkFirstBlock({ wait: opts.wait ?? true, timeout: opts.timeout ?? 0 })
  }

  private async checkFirstBlock(opts: { wait: boolean; timeout?: number }): Promise<boolean> {
    return checkFirstBlock(this.store, this.base, this.probes, () => Boolean(this.closing), opts)
  }

  /**
   * Keeps the whole view on this device. A device that catches up by fast-forward gets the
   * latest view without its history of blocks, and fetches the rest only when a read needs
   * it: with only such devices online, nobody could send it, and queries would fail (see
   * ViewSnapshot's read timeout). The ledger state is small; having all of it is the point.
   */
  private downloadView(): void {
    if (this.closing) return
    this.viewDownload?.destroy()
    this.viewDownload = this.base.view.core.download({ start: 0, end: -1 })
  }

  private queueUpdate(): void {
    if (this.updateTimer || this.closing) return
    this.updateTimer = setImmediate(() => {
      this.updateTimer = null
      // Before ready() resolves nobody can read yet; _open records the starting write access.
      if (this.closing || !this.opened) return
      const writable = this.base.writable
      if (writable !== this.wasWritable) {
        this.wasWritable = writable
        this.emit(writable ? 'writable' : 'unwritable')
      }
      this.emit('update')
    })
  }

  /**
   * Rebuilds the view from the writers' logs: closes the base, drops what Autobase derived
   * from the logs on this device (system, encryption and view cores, its boot record and
   * linearizer records; every writer core stays, this device's own with its key pair), and
   * opens the base again, which then applies every log from the start, as a device that
   * never had the network would, with this node's rules. Fast-forward is off for that open:
   * it would fetch the view the indexers signed, of the old layout as long as they run it.
   */
  private async rebuild(from: number, to: number): Promise<void> {
    this.emit('rebuild', { from, to })
    const key = this.base.key
    const localKey = this.base.local.key as Buffer
    const derived = derivedCoresOf(this.base)
    await this.stopBase()
    await dropDerivedState(this.root, derived, localKey)
    this.viewEpoch.epoch++
    // Autobase closed the namespace session it had.
    this.store = this.root.namespace(this.namespace)
    this.base = this.openBase(key, true)
    await this.base.ready()
    // Applies what the writer cores on this device hold; peers add the rest as usual.
    await this.base.update()
    this.openedLayout = await this.readLayout()
    this.rebuilt = from
  }

  /** Stops apply and closes the base: see _close. */
  private async stopBase(): Promise<void> {
    this.base.pause()
    await this.base.advance().catch(noop)
    await this.base.close()
  }

  private refreshLayout(): void {
    this.readLayout().then(
      (layout) => {
        if (layout !== null) this.openedLayout = layout
        this.changed()
      },
      () => {},
    )
  }

  private async readLayout(): Promise<number | null> {
    const view = this.base.view
    if (view.core.length === 0) return null
    const snap = new ViewSnapshot(view)
    try {
      const layout = await snap.get<unknown>(LAYOUT_KEY)
      return typeof layout === 'number' ? layout : null
    } finally {
      await snap.close()
    }
  }

  private describe(): string {
    return this.base.key ? shortKey(this.base.key) : '(new)'
  }
}

function noop(): void {}
