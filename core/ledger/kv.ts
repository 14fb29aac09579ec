/**
 * The small key-value interface the ledger rules run on: a plain store. In Autobase it is
 * backed by a Hyperbee batch over the view (with a read cache in between: see
 * core/network/caching-kv.ts); in unit tests by a sorted in-memory map. Values are plain
 * JSON-compatible data; keys are strings whose order is the ordinary string order.
 *
 * What a store hands out is the caller's: changing a value read never changes the store, and
 * changing a value after putting it never changes what was put. test/support/kv-suite.ts holds
 * the tests every implementation passes.
 */
export interface KV {
  get<T = unknown>(key: string): Promise<T | null>
  /** Stores a copy of `value` (as JSON would give it back: see copyJson). */
  put(key: string, value: unknown): Promise<void>
  del(key: string): Promise<void>
  /** Entries whose key starts with `prefix`, in key order. */
  list<T = unknown>(prefix: string): Promise<Array<{ key: string; value: T }>>
}

/** Read-only view of the same store, for queries. */
export type ReadKV = Pick<KV, 'get' | 'list'> & {
  /** The last `limit` entries under `prefix`, in key order, read from the end (see lastEntries). */
  listLast?<T = unknown>(prefix: string, limit: number): Promise<Array<{ key: string; value: T }>>
}

/**
 * The last `limit` entries under `prefix`, in key order: from the end of the store where it
 * can read backwards (the view), else from a whole list.
 */
export async function lastEntries<T>(
  kv: ReadKV,
  prefix: string,
  limit: number,
): Promise<Array<{ key: string; value: T }>> {
  if (kv.listLast) return kv.listLast<T>(prefix, limit)
  return (await kv.list<T>(prefix)).slice(-limit)
}

/**
 * Runs `read` on every item, `size` at a time, and gives the results in the items' order: reads
 * of a store overlap, without hundreds of them in flight at once.
 */
export async function inGroups<T, R>(
  items: readonly T[],
  size: number,
  read: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = []
  for (let i = 0; i < items.length; i += size) {
    results.push(...(await Promise.all(items.slice(i, i + size).map(read))))
  }
  return results
}

/**
 * A copy of `value` as storing it as JSON and reading it back would give (what the view
 * does), made directly: about six times faster than JSON.parse(JSON.stringify(value)) for a
 * pledge. Properties that JSON leaves out are left out, array slots it writes as null are
 * null, numbers it cannot write become null and -0 becomes 0; anything that is not a plain
 * object or array (a Date, a Map, an object with toJSON) goes through JSON itself.
 */
export function copyJson<T>(value: T): T {
  return value === undefined ? value : (copyValue(value) as T)
}

function copyValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value + 0 : null
    case 'object':
      if (value === null) return null
      if (Array.isArray(value)) {
        const out: unknown[] = new Array(value.length)
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i]
          out[i] = omitted(item) ? null : copyValue(item)
        }
        return out
      }
      if (Object.getPrototypeOf(value) === Object.prototype && !('toJSON' in value)) {
        const out: Record<string, unknown> = {}
        const record = value as Record<string, unknown>
        // for...in with hasOwn walks what Object.entries would, without a pair per property.
        for (const key in record) {
          if (!Object.hasOwn(record, key)) continue
          const item = record[key]
          if (omitted(item)) continue
          // JSON.parse makes "__proto__" an own property; assigning it would set the prototype.
          if (key === '__proto__') {
            Object.defineProperty(out, key, {
              value: copyValue(item),
              enumerable: true,
              writable: true,
              configurable: true,
            })
          } else out[key] = copyValue(item)
        }
        return out
      }
      return JSON.parse(JSON.stringify(value)) as unknown
    default:
      // bigint: JSON throws, and so does this.
      return JSON.parse(JSON.stringify(value)) as unknown
  }
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol'
}

export class MemoryKV implements KV {
  readonly map = new Map<string, unknown>()

  async get<T>(key: string): Promise<T | null> {
    return this.map.has(key) ? copyJson(this.map.get(key) as T) : null
  }

  async put(key: string, value: unknown): Promise<void> {
    this.map.set(key, copyJson(value))
  }

  async del(key: string): Promise<void> {
    this.map.delete(key)
  }

  async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    const out: Array<{ key: string; value: T }> = []
    for (const [key, value] of this.map) {
      if (key.startsWith(prefix)) out.push({ key, value: copyJson(value as T) })
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }
}

const DELETED = Symbol('deleted')

/** A write a transaction hands over: see Transaction.drain. */
export type Write = { key: string; deleted: true } | { key: string; deleted: false; value: unknown }

/** The prefixes ending in '/' that a key lies under: `a/b/c` lies under `a/` and `a/b/`. */
export function foldersOf(key: string): string[] {
  const out: string[] = []
  for (let end = key.indexOf('/'); end !== -1; end = key.indexOf('/', end + 1)) {
    out.push(key.slice(0, end + 1))
  }
  return out
}

/**
 * Buffers writes over a store so that a rule that rejects half-way leaves nothing behind.
 * Reads see the buffered writes. `commit` flushes them to the underlying store in key order.
 */
export class Transaction implements KV {
  private readonly writes = new Map<string, unknown>()
  /** The keys written under each folder (see foldersOf), so that listing one skips the rest. */
  private readonly folders = new Map<string, string[]>()

  constructor(private readonly base: KV) {}

  async get<T>(key: string): Promise<T | null> {
    if (this.writes.has(key)) {
      const value = this.writes.get(key)
      return value === DELETED ? null : copyJson(value as T)
    }
    return this.base.get<T>(key)
  }

  async put(key: string, value: unknown): Promise<void> {
    this.write(key, copyJson(value))
  }

  async del(key: string): Promise<void> {
    this.write(key, DELETED)
  }

  private write(key: string, value: unknown): void {
    if (!this.writes.has(key)) {
      for (const folder of foldersOf(key)) {
        const keys = this.folders.get(folder)
        if (keys) keys.push(key)
        else this.folders.set(folder, [key])
      }
    }
    this.writes.set(key, value)
  }

  async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    // Nothing written there: the base's answer (its own copies) as it is.
    const stored = await this.base.list<T>(prefix)
    return this.merged(prefix, stored) ?? stored
  }

  /**
   * `stored`, the entries under `prefix` in the base, with this transaction's writes; null
   * when it wrote nothing there.
   */
  private merged<T>(
    prefix: string,
    stored: ReadonlyArray<{ key: string; value: T }>,
  ): Array<{ key: string; value: T }> | null {
    const written = prefix.endsWith('/')
      ? (this.folders.get(prefix) ?? [])
      : [...this.writes.keys()].filter((key) => key.startsWith(prefix))
    if (written.length === 0) return null
    const merged = new Map<string, T>()
    for (const { key, value } of stored) merged.set(key, value)
    for (const key of written) {
      const value = this.writes.get(key)
      if (value === DELETED) merged.delete(key)
      else merged.set(key, copyJson(value as T))
    }
    return [...merged.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value }))
  }

  get size(): number {
    return this.writes.size
  }

  /** The keys written (and deleted) so far. */
  writtenKeys(): string[] {
    return [...this.writes.keys()]
  }

  /**
   * Flushes the writes to the underlying store in key order (an enclosing transaction takes
   * them as they are, and sorts when it commits).
   */
  async commit(): Promise<void> {
    const base = this.base
    if (base instanceof Transaction) {
      // The values are private copies (copied on put) that this transaction lets go of: handed
      // over, not copied again.
      this.writes.forEach((value, key) => base.write(key, value))
      this.discard()
      return
    }
    for (const write of this.drain()) {
      if (write.deleted) await base.del(write.key)
      else await base.put(write.key, write.value)
    }
  }

  /**
   * Takes the writes out, in key order, and forgets them: for an owner that commits them
   * itself. The values are the transaction's private copies (copied on put), which nothing
   * else holds from then on, so a store that keeps values in memory may keep them as they are
   * (see CachingKV.commit in core/network).
   */
  drain(): Write[] {
    const out: Write[] = []
    for (const key of [...this.writes.keys()].sort()) {
      const value = this.writes.get(key)
      out.push(value === DELETED ? { key, deleted: true } : { key, deleted: false, value })
    }
    this.discard()
    return out
  }

  discard(): void {
    this.writes.clear()
    this.folders.clear()
  }
}
