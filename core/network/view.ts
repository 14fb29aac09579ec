/**
 * The ledger's KV interface over the Autobase view, a Hyperbee with utf-8 keys and JSON values.
 */
import b4a from 'b4a'
import Hyperbee from 'hyperbee'
import type Hypercore from 'hypercore'
import { Node } from 'hyperbee/lib/messages.js'
import type { KV, ReadKV } from '../ledger/kv.ts'

export type LedgerBee = Hyperbee<string, unknown>
type Entry<T> = { key: string; value: T }

export const VIEW_OPTIONS = {
  keyEncoding: 'utf-8',
  valueEncoding: 'json',
  // The extension gossips view blocks to peers outside Autobase's control: it must stay off.
  extension: false,
} as const

/**
 * Bounds for the keys that start with `prefix`. The bounds are raw bytes because 0xff never
 * occurs in UTF-8, so prefix + 0xff sorts after every such key; the string prefix + '\xff' would
 * be encoded as c3 bf and miss keys whose next character is above U+00FF.
 */
function prefixRange(prefix: string): { gte: Uint8Array; lt: Uint8Array } {
  const gte = b4a.from(prefix, 'utf-8')
  return { gte, lt: b4a.concat([gte, b4a.from([0xff])]) }
}

interface RangeSource {
  createReadStream(
    range: Hyperbee.Range<Uint8Array>,
    opts: Hyperbee.ReadOptions & { keyEncoding: 'binary' },
  ): AsyncIterable<Hyperbee.Entry<Buffer, unknown>>
}

async function listPrefix<T>(
  source: RangeSource,
  prefix: string,
  opts: Hyperbee.ReadOptions = {},
  order: Pick<Hyperbee.Range<Uint8Array>, 'reverse' | 'limit'> = {},
): Promise<Array<Entry<T>>> {
  const out: Array<Entry<T>> = []
  const stream = source.createReadStream(
    { ...prefixRange(prefix), ...order },
    { ...opts, keyEncoding: 'binary' },
  )
  for await (const entry of stream) {
    out.push({ key: b4a.toString(entry.key, 'utf-8'), value: entry.value as T })
  }
  return out
}

function assertStorable(key: string, value: unknown): void {
  // JSON.stringify(undefined) is undefined, which Hyperbee would fail on with an obscure error.
  if (value === undefined) throw new TypeError(`cannot store undefined under "${key}"`)
}

/**
 * Writes go to one Hyperbee batch that the apply handler flushes once at the end, so an apply
 * call lands in the view as a unit. Reads see the batch's own pending writes.
 */
export class BeeKV implements KV {
  constructor(private readonly batch: Hyperbee.Batch<string, unknown>) {}

  async get<T = unknown>(key: string): Promise<T | null> {
    const entry = await this.batch.get(key)
    return entry === null ? null : (entry.value as T)
  }

  async put(key: string, value: unknown): Promise<void> {
    assertStorable(key, value)
    await this.batch.put(key, value)
  }

  async del(key: string): Promise<void> {
    await this.batch.del(key)
  }

  list<T = unknown>(prefix: string): Promise<Array<Entry<T>>> {
    return listPrefix<T>(this.batch, prefix)
  }

  /** Values decoded for this call: nothing else holds them. */
  listShared<T = unknown>(prefix: string): Promise<Array<Entry<T>>> {
    return this.list<T>(prefix)
  }
}

/**
 * Hyperbee keeps decoded tree nodes in a cache per Hyperbee object, and every snapshot is a
 * Hyperbee of its own that starts with an empty one: a query on a fresh snapshot reads each
 * node from storage and decrypts it again (measured: a member card 2.1 ms cold, 0.09 ms warm).
 * Snapshots therefore borrow the live view's caches, where apply has already put the nodes.
 * Nodes are immutable per (core, seq) until the view is truncated or moved to another core,
 * so the borrowing stops for good, on every lookup, once the `epoch` (counting those events,
 * see LedgerBase) has moved on since the snapshot was taken; it then uses caches of its own.
 * These are Hyperbee internals (`_nodeCache`, `_keyCache`, hyperbee 2.27): if a version
 * drops them, snapshots keep their own caches and are only slower.
 */
interface NodeCache {
  get(seq: number): unknown
  set(seq: number, value: unknown): void
  gc(length: number): void
  clear(): void
}

interface BeeCaches {
  _nodeCache?: NodeCache | null
  _keyCache?: NodeCache | null
}

class BorrowedCache implements NodeCache {
  constructor(
    private readonly shared: NodeCache,
    private readonly own: NodeCache,
    private readonly valid: () => boolean,
  ) {}

  private get active(): NodeCache {
    return this.valid() ? this.shared : this.own
  }

  get(seq: number): unknown {
    return this.active.get(seq)
  }

  set(seq: number, value: unknown): void {
    this.active.set(seq, value)
  }

  gc(length: number): void {
    this.own.gc(length)
  }

  clear(): void {
    this.own.clear()
  }
}

function isCache(c: unknown): c is NodeCache {
  return (
    typeof c === 'object' &&
    c !== null &&
    ['get', 'set', 'gc', 'clear'].every(
      (m) => typeof (c as Record<string, unknown>)[m] === 'function',
    )
  )
}

/**
 * Flushes an apply call's batch and keeps the blocks it wrote in the view's node cache.
 * Hyperbee caches the nodes it reads, not the ones it writes, so each apply call would
 * otherwise read back from storage (and decrypt) the root and the paths the previous call
 * rewrote: measured on the 10k-op bench, 2.4 such reads per op took half the apply time.
 * Their keys go to the view's KeyCache (below), where later calls look for them.
 * Uses Hyperbee internals (the batch's toBlocks, the tree's `_nodeCache`, hyperbee 2.27);
 * without them it only flushes.
 */
export async function flushKeepingNodes(
  view: LedgerBee,
  batch: Hyperbee.Batch<string, unknown>,
): Promise<void> {
  const { _nodeCache: cache, _keyCache: keyCache } = view as unknown as BeeCaches
  const internals = batch as unknown as { toBlocks?: () => Uint8Array[] }
  const toBlocks = internals.toBlocks
  if (!isCache(cache) || typeof toBlocks !== 'function') return batch.flush()
  let first = 0
  let written: Uint8Array[] = []
  internals.toBlocks = function (this: unknown) {
    // toBlocks numbers the blocks from the core's length, where flush appends them.
    first = view.core.length
    written = toBlocks.call(this)
    return written
  }
  await batch.flush()
  // The form Hyperbee keeps a node read from storage in (its copyEntry): the decoded block
  // and a slot for the inflated index.
  for (const [i, block] of written.entries()) {
    const node = Node.decode(block)
    cache.set(first + i, { ...node, inflated: null })
    if (keyCache instanceof KeyCache) keyCache.set(first + i, node.key)
  }
}

/**
 * Entries by block number, up to `limit` of them in two generations as ReadCache does: what is
 * used goes into the young one; once that holds half the limit it becomes the old one, and the
 * old one is dropped. What was not used while the young one filled goes, at constant cost per
 * use. Entries are immutable per block number until the view is truncated, which Hyperbee
 * tells the cache (gc) and answers by itself (it checks the fork before asking).
 */
export class BlockCache<V> implements NodeCache {
  private young = new Map<number, V>()
  private old = new Map<number, V>()

  constructor(readonly limit: number) {}

  get size(): number {
    return this.young.size + this.old.size
  }

  get(seq: number): V | null {
    const value = this.young.get(seq)
    if (value !== undefined) return value
    const aged = this.old.get(seq)
    if (aged === undefined) return null
    this.old.delete(seq)
    this.keep(seq, aged)
    return aged
  }

  set(seq: number, value: V): void {
    this.old.delete(seq)
    this.keep(seq, value)
  }

  /** Forgets the entries of blocks from `length` on (the view was truncated to `length`). */
  gc(length: number): void {
    for (const generation of [this.young, this.old]) {
      for (const seq of generation.keys()) if (seq >= length) generation.delete(seq)
    }
  }

  clear(): void {
    this.young = new Map()
    this.old = new Map()
  }

  private keep(seq: number, value: V): void {
    this.young.set(seq, value)
    if (this.young.size >= this.limit / 2) {
      this.old = this.young
      this.young = new Map()
    }
  }
}

/**
 * Hyperbee finds its way down the tree by comparing keys, and a tree node holds each of its
 * keys as the number of the block the key was written in: a comparison needs that block, read
 * from storage and decrypted when it is not in memory. Hyperbee keeps such keys in the cache
 * it keeps whole blocks in (65,536 entries in all, and a kept key holds on to its whole
 * block), so in a big view most comparisons on the way to a leaf read a block: measured on the
 * 100,000-op bench, ~300,000 of its ~470,000 block reads were for keys.
 *
 * The view therefore keeps keys in a cache of their own: exact copies (a key is ~100 bytes,
 * its block several times that). A Hyperbee internal (`_keyCache`, hyperbee 2.27): without it
 * the view only reads more.
 */
export class KeyCache extends BlockCache<Uint8Array> {
  constructor(limit = KEY_CACHE_LIMIT) {
    super(limit)
  }

  override set(seq: number, key: unknown): void {
    if (!(key instanceof Uint8Array)) return
    // A copy in memory of its own (a slice of the block would keep the whole block), and a
    // Buffer as Hyperbee's own keys are.
    const copy = Buffer.allocUnsafeSlow(key.byteLength)
    copy.set(key)
    super.set(seq, copy)
  }
}

/** Keys a view's KeyCache holds: ~250 bytes each with the Map's share, so ~65 MB when full. */
export const KEY_CACHE_LIMIT = 262_144

/**
 * Decoded blocks the view keeps, its tree nodes among them. Hyperbee's own cache holds 65,536,
 * and where the ledger's writes land all over the tree that is too few: on the 100,000-op bench
 * ~74,000 blocks a run were read back from storage during apply calls, 3.1 s of waiting;
 * with this cache ~16,000 and 0.8 s, for 23 MB more heap retained at the end of the run.
 */
export const NODE_CACHE_LIMIT = 196_608

/**
 * Opens the ledger view on `core`: a Hyperbee with the options above, a KeyCache, and a node
 * cache of NODE_CACHE_LIMIT (`_nodeCache`, a Hyperbee internal like `_keyCache`).
 */
export function openView(core: Hypercore): LedgerBee {
  const bee = new Hyperbee<string, unknown>(core, VIEW_OPTIONS)
  // Hyperbee makes its caches when it opens.
  bee.ready().then(
    () => {
      const caches = bee as unknown as BeeCaches
      if (isCache(caches._keyCache)) caches._keyCache = new KeyCache()
      if (isCache(caches._nodeCache)) caches._nodeCache = new BlockCache(NODE_CACHE_LIMIT)
    },
    () => {},
  )
  return bee
}

/** Where the live view's caches are valid: see BorrowedCache. */
export interface CacheEpoch {
  readonly epoch: number
}

/**
 * How long a snapshot read waits for a block this device does not have. A device that caught
 * up by fast-forward holds only part of the view; a query that needs another part fetches it
 * from peers, and with none online that have it, would wait for ever.
 */
export const READ_TIMEOUT_MS = 10_000

/** The error a snapshot read fails with when the data is not here: see READ_TIMEOUT_MS. */
export class DataUnavailableError extends Error {
  readonly code = 'DATA_UNAVAILABLE'

  constructor(cause: unknown) {
    super('part of the network state is not on this device and no online peer sent it', { cause })
    this.name = 'DataUnavailableError'
  }
}

function unavailable(err: unknown): never {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : null
  throw code === 'REQUEST_TIMEOUT' ? new DataUnavailableError(err) : err
}

/**
 * A read-only KV pinned to one version of the view, so a query that reads several keys sees
 * one consistent state even while apply keeps running. Holds a core session: close it.
 * Reads fail with DataUnavailableError after `timeout` ms waiting for a missing block.
 */
export class ViewSnapshot implements ReadKV {
  private readonly bee: LedgerBee
  private borrowing: Promise<void> | null = null
  /** The epoch when the snapshot's session was taken (not when it first reads: see below). */
  private readonly taken: number | null

  constructor(
    private readonly view: LedgerBee,
    private readonly onClose?: (snapshot: ViewSnapshot) => void,
    private readonly epoch?: CacheEpoch,
    private readonly timeout = READ_TIMEOUT_MS,
  ) {
    this.bee = view.snapshot()
    this.taken = epoch ? epoch.epoch : null
  }

  /** The view version this snapshot reads; known once it is ready (see ready()). */
  get version(): number {
    return this.bee.version
  }

  /** The view core this snapshot reads, as key and fork (a truncation moves the fork). */
  get core(): string {
    const core = this.bee.core
    return `${core.key?.toString('hex') ?? ''}:${core.fork}`
  }

  /** Opens the snapshot: its version is the view's length at the moment it was taken. */
  async ready(): Promise<void> {
    await this.borrowCaches()
  }

  /** The view's epoch when the snapshot was taken (see LedgerBase: truncations move it). */
  get viewEpoch(): number {
    return this.taken ?? 0
  }

  async get<T = unknown>(key: string): Promise<T | null> {
    await this.borrowCaches()
    const entry = await this.bee.get(key, { timeout: this.timeout }).catch(unavailable)
    return entry === null ? null : (entry.value as T)
  }

  async list<T = unknown>(prefix: string): Promise<Array<Entry<T>>> {
    await this.borrowCaches()
    return listPrefix<T>(this.bee, prefix, { timeout: this.timeout }).catch(unavailable)
  }

  async listLast<T = unknown>(prefix: string, limit: number): Promise<Array<Entry<T>>> {
    await this.borrowCaches()
    const newest = await listPrefix<T>(
      this.bee,
      prefix,
      { timeout: this.timeout },
      { reverse: true, limit },
    ).catch(unavailable)
    return newest.reverse()
  }

  async close(): Promise<void> {
    this.onClose?.(this)
    await this.bee.close()
  }

  private borrowCaches(): Promise<void> {
    // Hyperbee makes its caches when it opens, so they are swapped once it has.
    // The epoch to compare with is the one of the moment the session was taken: a view
    // truncated while this Hyperbee opened holds other nodes than this snapshot's.
    this.borrowing ??= this.bee.ready().then(() => {
      const { epoch, taken } = this
      if (!epoch || taken === null) return
      const valid = () => epoch.epoch === taken
      const mine = this.bee as unknown as BeeCaches
      const live = this.view as unknown as BeeCaches
      for (const field of ['_nodeCache', '_keyCache'] as const) {
        const own = mine[field]
        const shared = live[field]
        if (isCache(own) && isCache(shared)) mine[field] = new BorrowedCache(shared, own, valid)
      }
    })
    return this.borrowing
  }
}
