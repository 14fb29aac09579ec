/**
 * The ledger's KV interface over the Autobase view, a Hyperbee with utf-8 keys and JSON values.
 */
import b4a from 'b4a'
import Hyperbee from 'hyperbee'
import type Hypercore from 'hypercore'
import type { KV, ReadKV } from '../ledger/kv.ts'
import {
  BlockCache,
  BorrowedCache,
  isCache,
  KeyCache,
  NODE_CACHE_LIMIT,
  type BeeCaches,
  type LedgerBee,
} from './view-caches.ts'

export {
  BlockCache,
  flushKeepingNodes,
  forgetCaches,
  KEY_CACHE_LIMIT,
  KeyCache,
  NODE_CACHE_LIMIT,
  type LedgerBee,
} from './view-caches.ts'

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
}

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
