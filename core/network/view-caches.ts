/**
 * The view's caches of decoded blocks and keys, bigger and longer-lived than Hyperbee's own,
 * and shared with snapshots: these reach into Hyperbee internals (`_nodeCache`, `_keyCache`,
 * the batch's toBlocks, hyperbee 2.27). docs/performance.md tells what each one bought.
 */
import type Hyperbee from 'hyperbee'
import { Node } from 'hyperbee/lib/messages.js'

export type LedgerBee = Hyperbee<string, unknown>

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
export interface NodeCache {
  get(seq: number): unknown
  set(seq: number, value: unknown): void
  gc(length: number): void
  clear(): void
}

export interface BeeCaches {
  _nodeCache?: NodeCache | null
  _keyCache?: NodeCache | null
}

export class BorrowedCache implements NodeCache {
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

/**
 * Empties the view's own caches: its blocks were replaced without a truncation (a fast-forward
 * to the indexers' view, a move to another core), so what they hold by block number is of the
 * view that was. Snapshots taken before stop borrowing them by the epoch; this is for the live
 * view and the snapshots taken from now on.
 */
export function forgetCaches(view: LedgerBee): void {
  const caches = view as unknown as BeeCaches
  for (const cache of [caches._nodeCache, caches._keyCache]) if (isCache(cache)) cache.clear()
}

export function isCache(c: unknown): c is NodeCache {
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
