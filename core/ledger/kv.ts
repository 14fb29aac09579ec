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

/** Lists longer than this are read from the store each time instead of being kept. */
const LONGEST_KEPT_LIST = 1_000

type Slot = { value: string | null } | { list: Map<string, string> }

/**
 * Values and prefix lists read from (or written to) a store, kept as JSON text, the form the
 * view stores them in, so every read hands out a copy of its own. At most `limit` entries
 * (a list counts its length plus one); the least recently used go first. Only lists of
 * prefixes ending in '/' are kept, and writes keep them up to date: a write to `a/b/c` updates
 * the kept lists of `a/` and `a/b/`. The owner decides when the store has changed behind the
 * cache's back and clears it then (see LedgerBase: the view's core, fork and length).
 */
export class ReadCache {
  private readonly slots = new Map<string, Slot>()
  private size = 0
  /** Counts writes, so that a read that was pending across one is not kept. */
  writes = 0

  constructor(readonly limit = 50_000) {}

  clear(): void {
    this.slots.clear()
    this.size = 0
  }

  /** The cached value (null: known absent), or undefined when unknown. */
  value(key: string): string | null | undefined {
    const slot = this.touch('v' + key)
    if (slot && 'value' in slot) return slot.value
    // A kept list of any prefix above the key knows whether it exists.
    for (let end = key.lastIndexOf('/'); end !== -1; end = key.lastIndexOf('/', end - 1)) {
      const list = this.slots.get('l' + key.slice(0, end + 1))
      if (list && 'list' in list) return list.list.get(key) ?? null
      if (end === 0) break
    }
    return undefined
  }

  list(prefix: string): Map<string, string> | undefined {
    const slot = this.touch('l' + prefix)
    return slot && 'list' in slot ? slot.list : undefined
  }

  keepValue(key: string, json: string | null): void {
    this.set('v' + key, { value: json }, 1)
  }

  keepList(prefix: string, entries: Array<{ key: string; json: string }>): void {
    if (!prefix.endsWith('/') || entries.length > LONGEST_KEPT_LIST) return
    const list = new Map(entries.map((e) => [e.key, e.json]))
    this.set('l' + prefix, { list }, list.size + 1)
  }

  /** Records a write (json null: a delete) in the value and in the kept lists above it. */
  wrote(key: string, json: string | null): void {
    this.writes++
    this.keepValue(key, json)
    for (let end = key.indexOf('/'); end !== -1; end = key.indexOf('/', end + 1)) {
      const slot = this.slots.get('l' + key.slice(0, end + 1))
      if (!slot || !('list' in slot)) continue
      const had = slot.list.has(key)
      if (json === null) slot.list.delete(key)
      else slot.list.set(key, json)
      this.size += (slot.list.has(key) ? 1 : 0) - (had ? 1 : 0)
    }
    this.evict()
  }

  private touch(id: string): Slot | undefined {
    const slot = this.slots.get(id)
    if (slot) {
      this.slots.delete(id)
      this.slots.set(id, slot)
    }
    return slot
  }

  private set(id: string, slot: Slot, size: number): void {
    const old = this.slots.get(id)
    if (old) {
      this.size -= 'list' in old ? old.list.size + 1 : 1
      this.slots.delete(id)
    }
    this.slots.set(id, slot)
    this.size += size
    this.evict()
  }

  private evict(): void {
    for (const [id, slot] of this.slots) {
      if (this.size <= this.limit) return
      this.slots.delete(id)
      this.size -= 'list' in slot ? slot.list.size + 1 : 1
    }
  }
}

/**
 * Reads through a ReadCache over a store that nothing else writes to while it is in use
 * (the view batch of an Autobase apply call): reading a key again (the network meta, which
 * every op reads, the author's writer and member records, a member's current pledges) skips
 * the store. Writes go through to the store and into the cache.
 */
export class CachingKV implements KV {
  constructor(
    private readonly base: KV,
    private readonly cache = new ReadCache(),
  ) {}

  async get<T>(key: string): Promise<T | null> {
    const hit = this.cache.value(key)
    if (hit !== undefined) return hit === null ? null : (JSON.parse(hit) as T)
    const writes = this.cache.writes
    const value = await this.base.get<T>(key)
    // A write that landed while the read was pending wins.
    if (writes === this.cache.writes) {
      this.cache.keepValue(key, value === null ? null : JSON.stringify(value))
    }
    return value
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.base.put(key, value)
    this.cache.wrote(key, JSON.stringify(value))
  }

  async del(key: string): Promise<void> {
    await this.base.del(key)
    this.cache.wrote(key, null)
  }

  async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    const kept = this.cache.list(prefix)
    if (kept) {
      return [...kept.keys()].sort().map((key) => ({ key, value: JSON.parse(kept.get(key)!) as T }))
    }
    const writes = this.cache.writes
    const entries = await this.base.list<T>(prefix)
    if (writes === this.cache.writes) {
      this.cache.keepList(
        prefix,
        entries.map((e) => ({ key: e.key, json: JSON.stringify(e.value) })),
      )
    }
    return entries
  }
}
