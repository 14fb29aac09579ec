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

/**
 * Buffers writes over a store so that a rule that rejects half-way leaves nothing behind.
 * Reads see the buffered writes. `commit` flushes them to the underlying store in key order.
 */
export class Transaction implements KV {
  private readonly writes = new Map<string, unknown>()

  constructor(private readonly base: KV) {}

  async get<T>(key: string): Promise<T | null> {
    if (this.writes.has(key)) {
      const value = this.writes.get(key)
      return value === DELETED ? null : clone(value as T)
    }
    return this.base.get<T>(key)
  }

  async put(key: string, value: unknown): Promise<void> {
    this.writes.set(key, clone(value))
  }

  async del(key: string): Promise<void> {
    this.writes.set(key, DELETED)
  }

  async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    const merged = new Map<string, T>()
    for (const { key, value } of await this.base.list<T>(prefix)) merged.set(key, value)
    for (const [key, value] of this.writes) {
      if (!key.startsWith(prefix)) continue
      if (value === DELETED) merged.delete(key)
      else merged.set(key, clone(value as T))
    }
    return [...merged.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value }))
  }

  get size(): number {
    return this.writes.size
  }

  async commit(): Promise<void> {
    const keys = [...this.writes.keys()].sort()
    if (this.base instanceof Transaction) {
      // Into an enclosing transaction (apply nests them): its map takes the values as they
      // are, with no copy, since they are private copies already (cloned on put) and this
      // transaction lets go of them below.
      for (const key of keys) this.base.writes.set(key, this.writes.get(key))
    } else {
      for (const key of keys) {
        const value = this.writes.get(key)
        if (value === DELETED) await this.base.del(key)
        else await this.base.put(key, value)
      }
    }
    this.writes.clear()
  }

  discard(): void {
    this.writes.clear()
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
