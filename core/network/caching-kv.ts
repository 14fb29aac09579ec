/**
 * The ledger's KV over the view with apply's read cache in between (see ReadCache), and the
 * read-ahead that fills it before an apply call's ops run. The rules see a plain KV.
 */
import { copyJson, inGroups, type KV, type Transaction } from '../ledger/kv.ts'
import { ReadCache } from './read-cache.ts'

/** Lookups readAhead keeps in flight at once. */
const READ_AHEAD = 64

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

  async put(key: string, value: unknown): Promise<void> {
    await this.base.put(key, value)
    this.cache.wrote(key, value)
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

  /**
   * Commits `tx` here: its writes in key order, each value kept in the cache as it is (the
   * transaction's own copy, which it lets go of: see Transaction.drain) instead of copied.
   */
  async commit(tx: Transaction): Promise<void> {
    for (const write of tx.drain()) {
      if (write.deleted) {
        await this.base.del(write.key)
        this.cache.wrote(write.key, null)
      } else {
        await this.base.put(write.key, write.value)
        this.cache.wrote(write.key, write.value, true)
      }
    }
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
    await inGroups(folders, READ_AHEAD, (folder) => this.list(folder))
    const missing = wanted.filter(
      (key) => !key.endsWith('/') && this.cache.value(key) === undefined,
    )
    await inGroups(missing, READ_AHEAD, async (key) => {
      const writes = this.cache.writes
      const value = await this.base.get(key)
      if (writes === this.cache.writes) this.cache.keepValue(key, value, true)
    })
  }
}
