/**
 * Apply's read cache: what apply calls read from and wrote to the view, kept across calls
 * while the view is as the last call left it (see LedgerBase and CachingKV). Behind the
 * ledger's KV interface: the rules never see it. docs/performance.md tells what it bought.
 */
import { copyJson, foldersOf } from '../ledger/kv.ts'

/** Lists longer than this are read from the store each time instead of being kept. */
export const LONGEST_KEPT_LIST = 1_000

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
 * for after a change and reused until the next one.
 */
export class KeptList {
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
 * copyJson, or values handed over: `owned`) of which CachingKV's `get` and `list` hand out
 * copies of their own. Only lists of folders (see foldersOf) are kept, and writes keep them up to date: a write to `a/b/c` updates the kept
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
