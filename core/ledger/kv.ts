/**
 * The small key-value interface the ledger rules run on. In Autobase it is backed by a
 * Hyperbee batch over the view; in unit tests by a sorted in-memory map. Values are plain
 * JSON-compatible data; keys are strings whose order is the ordinary string order.
 */
export interface KV {
  get<T = unknown>(key: string): Promise<T | null>
  /**
   * Stores a copy of `value`. With `owned`, the caller hands `value` over and never touches
   * it again, so the store may keep it as it is.
   */
  put(key: string, value: unknown, opts?: PutOptions): Promise<void>
  del(key: string): Promise<void>
  /** Entries whose key starts with `prefix`, in key order. */
  list<T = unknown>(prefix: string): Promise<Array<{ key: string; value: T }>>
  /**
   * The same entries, to look at and not to change: they may be the very objects a cache
   * behind the store keeps (see CachingKV), where a change would alter what later reads see on
   * this peer alone. Saves the copy `list` makes of each, for rules that only read a folder.
   */
  listShared<T = unknown>(prefix: string): Promise<SharedEntries<T>>
}

export interface PutOptions {
  owned?: boolean
}

export type SharedEntries<T> = ReadonlyArray<{ readonly key: string; readonly value: Readonly<T> }>

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

  async put(key: string, value: unknown, opts?: PutOptions): Promise<void> {
    this.map.set(key, opts?.owned ? value : copyJson(value))
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

  /** Frozen copies, so that a rule changing what it should only look at fails in tests. */
  async listShared<T>(prefix: string): Promise<SharedEntries<T>> {
    return (await this.list<T>(prefix)).map((entry) => deepFreeze(entry))
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item)
    Object.freeze(value)
  }
  return value
}

const DELETED = Symbol('deleted')

/** The prefixes ending in '/' that a key lies under: `a/b/c` lies under `a/` and `a/b/`. */
function foldersOf(key: string): string[] {
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

  async put(key: string, value: unknown, opts?: PutOptions): Promise<void> {
    this.write(key, opts?.owned ? value : copyJson(value))
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
    const stored = await this.base.list<T>(prefix)
    return this.merged(prefix, stored, copyJson) ?? stored
  }

  async listShared<T>(prefix: string): Promise<SharedEntries<T>> {
    // Nothing written there: the base's answer as it is (a kept list is not copied per level).
    const stored = await this.base.listShared<T>(prefix)
    return this.merged(prefix, stored, same) ?? stored
  }

  /**
   * `stored`, the entries under `prefix` in the base, with this transaction's writes; null
   * when it wrote nothing there.
   */
  private merged<E extends { key: string; value: unknown }>(
    prefix: string,
    stored: readonly E[],
    copy: (value: E['value']) => E['value'],
  ): E[] | null {
    const written = prefix.endsWith('/')
      ? (this.folders.get(prefix) ?? [])
      : [...this.writes.keys()].filter((key) => key.startsWith(prefix))
    if (written.length === 0) return null
    const merged = new Map<string, E['value']>()
    for (const { key, value } of stored) merged.set(key, value)
    for (const key of written) {
      const value = this.writes.get(key)
      if (value === DELETED) merged.delete(key)
      else merged.set(key, copy(value))
    }
    return [...merged.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value }) as E)
  }

  get size(): number {
    return this.writes.size
  }

  /** The keys written (and deleted) so far. */
  writtenKeys(): string[] {
    return [...this.writes.keys()]
  }

  async commit(): Promise<void> {
    const base = this.base
    // The values are private copies (copied on put) that this transaction lets go of below:
    // they are handed over, not copied again.
    if (base instanceof Transaction) {
      // In any order: the enclosing one sorts when it commits.
      this.writes.forEach((value, key) => base.write(key, value))
    } else {
      for (const key of [...this.writes.keys()].sort()) {
        const value = this.writes.get(key)
        if (value === DELETED) await base.del(key)
        else await base.put(key, value, { owned: true })
      }
    }
    this.discard()
  }

  discard(): void {
    this.writes.clear()
    this.folders.clear()
  }
}

/** Lookups readAhead keeps in flight at once. */
const READ_AHEAD = 64

/** Lists longer than this are read from the store each time instead of being kept. */
const LONGEST_KEPT_LIST = 1_000

/**
 * Values (null: known absent) and lists of folders' entries by key; `size` counts both while
 * the generation is the young one.
 */
interface Generation {
  values: Map<string, unknown>
  lists: Map<string, KeptList>
  /** Folders found too long to keep (see LONGEST_KEPT_LIST). */
  long: Set<string>
  size: number
}

type Kept = ReadonlyArray<{ readonly key: string; readonly value: unknown }>

/**
 * A folder's kept entries by key, and the same entries in key order, made when first asked
 * for after a change and handed out as they are (see listShared) until the next one.
 */
class KeptList {
  private ordered: Kept | null = null

  constructor(private readonly byKey: Map<string, unknown>) {}

  get size(): number {
    return this.byKey.size
  }

  get(key: string): unknown {
    return this.byKey.get(key)
  }

  set(key: string, value: unknown): void {
    this.byKey.set(key, value)
    this.ordered = null
  }

  delete(key: string): void {
    if (this.byKey.delete(key)) this.ordered = null
  }

  entries(): Kept {
    const ordered =
      this.ordered ??
      [...this.byKey.keys()].sort().map((key) => Object.freeze({ key, value: this.byKey.get(key) }))
    this.ordered = ordered
    return ordered
  }
}

function generation(): Generation {
  return { values: new Map(), lists: new Map(), long: new Set(), size: 0 }
}

/**
 * Values and prefix lists read from (or written to) a store, kept as private copies (see
 * copyJson, or values handed over: `owned`) of which `get` and `list` hand out copies of
 * their own and `listShared` the kept values themselves. Only lists of folders (see
 * foldersOf) are kept, and writes keep them up to date: a write to `a/b/c` updates the kept
 * lists of `a/` and `a/b/`. The owner decides when the store has changed behind the cache's
 * back and clears it then (see LedgerBase: the view's core, fork and length).
 *
 * Bounded in two generations: what is used goes into the young one; once that holds half the
 * `limit` entries (a list counts its length plus one), it becomes the old one and the old one
 * is dropped. So the cache holds at most about `limit` entries and what was not used for a
 * while goes, at constant cost per use.
 */
export class ReadCache {
  private young = generation()
  private old = generation()
  /** Counts writes, so that a read that was pending across one is not kept. */
  writes = 0

  constructor(
    readonly limit = 150_000,
    /**
     * Folders whose entries are written and not read back (see WRITE_ONLY_FOLDERS): a write
     * there drops what was kept of the key instead of keeping the value, so that they do not
     * push out what is read. Lists of these folders are still kept up to date.
     */
    private readonly writeOnly: readonly string[] = [],
  ) {}

  clear(): void {
    this.young = generation()
    this.old = generation()
  }

  /** The cached value (null: known absent), or undefined when unknown. Not a copy. */
  value(key: string): unknown {
    const value = this.young.values.get(key)
    if (value !== undefined) return value
    const aged = this.old.values.get(key)
    if (aged !== undefined) {
      this.keep(key, aged)
      return aged
    }
    // A kept list of a folder above the key knows whether it exists.
    const folders = foldersOf(key)
    for (let i = folders.length - 1; i >= 0; i--) {
      const list = this.list(folders[i]!)
      if (list) return list.get(key) ?? null
    }
    return undefined
  }

  /** The kept entries of a folder, or undefined. Not copies. */
  list(prefix: string): KeptList | undefined {
    const list = this.young.lists.get(prefix)
    if (list) return list
    const aged = this.old.lists.get(prefix)
    if (aged) {
      this.old.lists.delete(prefix)
      this.keepList(prefix, aged)
    }
    return aged
  }

  /** Keeps `value` (null: absent), a copy unless it is `owned`: the caller's to give. */
  keepValue(key: string, value: unknown, owned = false): void {
    this.keep(key, owned ? value : copyJson(value))
  }

  /** Whether `prefix` was listed lately and found too long to keep. */
  tooLong(prefix: string): boolean {
    return this.young.long.has(prefix) || this.old.long.has(prefix)
  }

  /** Keeps copies of a folder's entries. */
  keepEntries(prefix: string, entries: Array<{ key: string; value: unknown }>): void {
    if (!prefix.endsWith('/')) return
    if (entries.length > LONGEST_KEPT_LIST) {
      this.young.long.add(prefix)
      return
    }
    this.keepList(prefix, new KeptList(new Map(entries.map((e) => [e.key, copyJson(e.value)]))))
  }

  /**
   * Records a write (value null: a delete) in the value and in the kept lists above it; the
   * value is copied unless it is `owned`.
   */
  wrote(key: string, value: unknown, owned = false): void {
    this.writes++
    const kept = owned ? value : copyJson(value)
    if (this.writeOnly.some((folder) => key.startsWith(folder))) this.forget(key)
    else this.keep(key, kept)
    for (const folder of foldersOf(key)) {
      const young = this.young.lists.get(folder)
      const list = young ?? this.old.lists.get(folder)
      if (!list) continue
      const before = list.size
      if (kept === null) list.delete(key)
      else list.set(key, kept)
      if (young) this.young.size += list.size - before
    }
  }

  private keep(key: string, value: unknown): void {
    const young = this.young
    if (!young.values.has(key)) young.size++
    young.values.set(key, value)
    this.old.values.delete(key)
    this.rotate()
  }

  private forget(key: string): void {
    if (this.young.values.delete(key)) this.young.size--
    this.old.values.delete(key)
  }

  private keepList(prefix: string, list: KeptList): void {
    const young = this.young
    const replaced = young.lists.get(prefix)
    if (replaced) young.size -= replaced.size + 1
    young.lists.set(prefix, list)
    young.size += list.size + 1
    this.rotate()
  }

  private rotate(): void {
    if (this.young.size < this.limit / 2) return
    this.old = this.young
    this.young = generation()
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
    if (hit !== undefined) return copyJson(hit as T | null)
    const writes = this.cache.writes
    const value = await this.base.get<T>(key)
    // A write that landed while the read was pending wins.
    if (writes === this.cache.writes) this.cache.keepValue(key, value)
    return value
  }

  /** An `owned` value is kept as it is, so the store below gets it not owned. */
  async put(key: string, value: unknown, opts?: PutOptions): Promise<void> {
    await this.base.put(key, value)
    this.cache.wrote(key, value, opts?.owned === true)
  }

  async del(key: string): Promise<void> {
    await this.base.del(key)
    this.cache.wrote(key, null)
  }

  async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    const kept = this.cache.list(prefix)
    if (kept) return kept.entries().map(({ key, value }) => ({ key, value: copyJson(value as T) }))
    const writes = this.cache.writes
    const entries = await this.base.list<T>(prefix)
    if (writes === this.cache.writes) this.cache.keepEntries(prefix, entries)
    return entries
  }

  /** The kept entries themselves, when the folder's list is kept: no copy. */
  async listShared<T>(prefix: string): Promise<SharedEntries<T>> {
    const kept = this.cache.list(prefix)
    return kept ? (kept.entries() as SharedEntries<T>) : this.list<T>(prefix)
  }

  /**
   * Reads `keys` into the cache, many at a time, before work that would read them one after
   * another: in a big view most of the tree nodes on the way to a key are not in memory, and
   * reads made together overlap their waits for storage. A key ending in '/' names a folder,
   * which is listed and kept (unless it is too long to keep: see LONGEST_KEPT_LIST), and then
   * answers for every key in it, present or not. Folders are read first; keys already held
   * are skipped, and nothing is copied: the values read are kept as the store handed them out.
   */
  async readAhead(keys: Iterable<string>): Promise<void> {
    const wanted = [...new Set(keys)]
    const folders = wanted.filter(
      (key) => key.endsWith('/') && !this.cache.list(key) && !this.cache.tooLong(key),
    )
    await inGroups(folders, (folder) => this.list(folder))
    const missing = wanted.filter(
      (key) => !key.endsWith('/') && this.cache.value(key) === undefined,
    )
    await inGroups(missing, async (key) => {
      const writes = this.cache.writes
      const value = await this.base.get(key)
      if (writes === this.cache.writes) this.cache.keepValue(key, value, true)
    })
  }
}

/** Runs `read` on every item, READ_AHEAD at a time. */
async function inGroups(items: string[], read: (item: string) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += READ_AHEAD) {
    await Promise.all(items.slice(i, i + READ_AHEAD).map(read))
  }
}

function same<T>(value: T): T {
  return value
}
