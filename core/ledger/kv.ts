/**
 * The small key-value interface the ledger rules run on. In Autobase it is backed by a
 * Hyperbee batch over the view; in unit tests by a sorted in-memory map. Values are plain
 * JSON-compatible data; keys are strings whose order is the ordinary string order.
 */
export interface KV {
  get<T = unknown>(key: string): Promise<T | null>
  put(key: string, value: unknown): Promise<void>
  del(key: string): Promise<void>
  /** Entries whose key starts with `prefix`, in key order. */
  list<T = unknown>(prefix: string): Promise<Array<{ key: string; value: T }>>
}

/** Read-only view of the same store, for queries. */
export type ReadKV = Pick<KV, 'get' | 'list'>

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)
}

export class MemoryKV implements KV {
  readonly map = new Map<string, unknown>()

  async get<T>(key: string): Promise<T | null> {
    return this.map.has(key) ? clone(this.map.get(key) as T) : null
  }

  async put(key: string, value: unknown): Promise<void> {
    this.map.set(key, clone(value))
  }

  async del(key: string): Promise<void> {
    this.map.delete(key)
  }

  async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    const out: Array<{ key: string; value: T }> = []
    for (const [key, value] of this.map) {
      if (key.startsWith(prefix)) out.push({ key, value: clone(value as T) })
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }
}

const DELETED = Symbol('deleted')

/** First index in sorted `keys` whose key is >= `key`. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid]! < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Buffers writes over a store so that a rule that rejects half-way leaves nothing behind.
 * Reads see the buffered writes. `commit` flushes them to the underlying store in key order.
 * The buffered keys are also kept sorted, so that listing a prefix stays cheap when one
 * transaction holds the writes of many ops (a whole Autobase apply call).
 */
export class Transaction implements KV {
  private readonly writes = new Map<string, unknown>()
  private readonly sorted: string[] = []

  constructor(private readonly base: KV) {}

  async get<T>(key: string): Promise<T | null> {
    if (this.writes.has(key)) {
      const value = this.writes.get(key)
      return value === DELETED ? null : clone(value as T)
    }
    return this.base.get<T>(key)
  }

  async put(key: string, value: unknown): Promise<void> {
    this.set(key, clone(value))
  }

  async del(key: string): Promise<void> {
    this.set(key, DELETED)
  }

  private set(key: string, value: unknown): void {
    if (!this.writes.has(key)) this.sorted.splice(lowerBound(this.sorted, key), 0, key)
    this.writes.set(key, value)
  }

  async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    const base = await this.base.list<T>(prefix)
    const mine: Array<{ key: string; value: unknown }> = []
    for (let i = lowerBound(this.sorted, prefix); i < this.sorted.length; i++) {
      const key = this.sorted[i]!
      if (!key.startsWith(prefix)) break
      mine.push({ key, value: this.writes.get(key) })
    }
    if (mine.length === 0) return base
    // Both lists are in key order (keys are ASCII, so string and byte order agree): merge
    // them, a buffered write winning over the stored entry with the same key.
    const out: Array<{ key: string; value: T }> = []
    let b = 0
    for (const w of mine) {
      while (b < base.length && base[b]!.key < w.key) out.push(base[b++]!)
      if (b < base.length && base[b]!.key === w.key) b++
      if (w.value !== DELETED) out.push({ key: w.key, value: clone(w.value as T) })
    }
    while (b < base.length) out.push(base[b++]!)
    return out
  }

  get size(): number {
    return this.writes.size
  }

  async commit(): Promise<void> {
    if (this.base instanceof Transaction) {
      // Into an enclosing transaction (apply nests them): its map takes the values as they
      // are, with no copy, since they are private copies already (cloned on put) and this
      // transaction lets go of them below.
      for (const key of this.sorted) this.base.set(key, this.writes.get(key))
    } else {
      for (const key of this.sorted) {
        const value = this.writes.get(key)
        if (value === DELETED) await this.base.del(key)
        else await this.base.put(key, value)
      }
    }
    this.discard()
  }

  discard(): void {
    this.writes.clear()
    this.sorted.length = 0
  }
}

/**
 * Remembers the values it read and wrote, over a store that nothing else writes to while it
 * is in use (the view batch of one Autobase apply call): reading a key again (the network
 * meta, which every op reads, or the author's writer and member records) skips the store.
 * Writes and lists go through to the store. Values are kept as JSON text, the form the view
 * stores them in, so every get hands out a copy of its own and reads what the store would.
 */
export class CachingKV implements KV {
  private readonly cache = new Map<string, string | null>()

  constructor(private readonly base: KV) {}

  async get<T>(key: string): Promise<T | null> {
    const hit = this.cache.get(key)
    if (hit !== undefined) return hit === null ? null : (JSON.parse(hit) as T)
    const value = await this.base.get<T>(key)
    // A write that landed while the read was pending wins.
    if (!this.cache.has(key)) this.cache.set(key, value === null ? null : JSON.stringify(value))
    return value
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.base.put(key, value)
    this.cache.set(key, JSON.stringify(value))
  }

  async del(key: string): Promise<void> {
    await this.base.del(key)
    this.cache.set(key, null)
  }

  list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    return this.base.list<T>(prefix)
  }
}
