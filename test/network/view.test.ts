import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { lastEntries, MemoryKV } from '../../core/ledger/kv.ts'
import {
  BeeKV,
  DataUnavailableError,
  flushKeepingNodes,
  BlockCache,
  KeyCache,
  NODE_CACHE_LIMIT,
  openView,
  VIEW_OPTIONS,
  ViewSnapshot,
  type LedgerBee,
} from '../../core/network/view.ts'

/** Counts the blocks `bee` asks its core for from now on (in memory or not). */
function countReads(bee: LedgerBee): { count: number } {
  const reads = { count: 0 }
  const core = bee.core as unknown as { get: (...args: unknown[]) => Promise<unknown> }
  const get = core.get.bind(core)
  core.get = (...args) => {
    reads.count++
    return get(...args)
  }
  return reads
}

describe('BeeKV and ViewSnapshot over a Hyperbee', () => {
  let dir: string
  let store: Corestore
  let bee: LedgerBee

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'exodus-view-'))
    store = new Corestore(dir)
    bee = new Hyperbee(store.get({ name: 'view' }), VIEW_OPTIONS)
    await bee.ready()
  })

  afterEach(async () => {
    await bee.close()
    await store.close()
    await fs.rm(dir, { recursive: true, force: true })
  })

  // Characters after the prefix that a string bound of prefix + '\xff' would get wrong.
  const keys = ['a', 'a/', 'a/x', 'a/\u00ff', 'a/\u0101', 'a/\uffff', 'a/😀', 'a0', 'b', '']

  it('lists exactly the keys under a prefix, in key order, like MemoryKV', async () => {
    const batch = bee.batch({ update: false })
    const kv = new BeeKV(batch)
    const memory = new MemoryKV()
    for (const [i, key] of keys.entries()) {
      await kv.put(key, { i })
      await memory.put(key, { i })
    }

    // Pending (unflushed) writes are visible to the batch's own reads.
    expect(await kv.get('a/\u0101')).toEqual({ i: 4 })
    const listed = await kv.list('a/')
    expect(listed.map((e) => e.key)).toEqual([
      'a/',
      'a/x',
      'a/\u00ff',
      'a/\u0101',
      'a/\uffff',
      'a/😀',
    ])
    expect(listed[0]?.value).toEqual({ i: 1 })
    // Same membership as the in-memory KV; order differs only where UTF-8 byte order and
    // UTF-16 order disagree (astral characters vs U+E000..U+FFFF).
    expect(new Set(listed.map((e) => e.key))).toEqual(
      new Set((await memory.list('a/')).map((e) => e.key)),
    )
    expect((await kv.list('')).length).toBe(keys.length)
    expect(await kv.list('c')).toEqual([])

    await kv.del('a/x')
    expect(await kv.get('a/x')).toBeNull()
    await batch.flush()

    expect((await bee.get('a/x')) ?? null).toBeNull()
    expect((await bee.get('b'))?.value).toEqual({ i: 8 })
  })

  it('reads the last entries under a prefix from the end, in key order, like a whole list', async () => {
    for (let i = 1; i <= 30; i++) await bee.put(`r/${String(i).padStart(3, '0')}`, i)
    await bee.put('s/001', 'after the prefix')
    const snap = new ViewSnapshot(bee)
    const memory = new MemoryKV()
    for (const e of await snap.list('r/')) await memory.put(e.key, e.value)
    expect((await lastEntries(snap, 'r/', 3)).map((e) => e.value)).toEqual([28, 29, 30])
    expect(await lastEntries(snap, 'r/', 3)).toEqual(await lastEntries(memory, 'r/', 3))
    expect(await lastEntries(snap, 'r/', 100)).toHaveLength(30)
    expect(await lastEntries(snap, 'q/', 3)).toEqual([])
    await snap.close()
  })

  it('refuses undefined values instead of storing garbage', async () => {
    const batch = bee.batch({ update: false })
    await expect(new BeeKV(batch).put('k', undefined)).rejects.toThrow(/undefined/)
    await batch.close()
  })

  it('snapshots stay at their version while the bee moves on', async () => {
    await bee.put('p/1', 'one')
    const snap = new ViewSnapshot(bee)
    await bee.put('p/2', 'two')
    await bee.del('p/1')

    expect(await snap.get('p/1')).toBe('one')
    expect(await snap.get('p/2')).toBeNull()
    expect(await snap.list('p/')).toEqual([{ key: 'p/1', value: 'one' }])
    await snap.close()

    const now = new ViewSnapshot(bee)
    expect(await now.list('p/')).toEqual([{ key: 'p/2', value: 'two' }])
    await now.close()
  })
  it("snapshots share the live view's node cache, and stop sharing it once the view is truncated", async () => {
    const epoch = { epoch: 0 }
    bee.core.on('truncate', () => epoch.epoch++)
    for (let i = 0; i < 20; i++) await bee.put(`k/${i}`, `old ${i}`)
    for (let i = 0; i < 20; i++) await bee.get(`k/${i}`) // the live view caches the nodes

    const old = new ViewSnapshot(bee, undefined, epoch)
    expect(await old.get('k/10')).toBe('old 10')
    const live = (bee as unknown as { _nodeCache: { get(seq: number): unknown } })._nodeCache
    const mine = (old as unknown as { bee: { _nodeCache: { get(seq: number): unknown } } }).bee
      ._nodeCache
    // The same decoded node, not a second copy read from storage.
    expect(mine.get(bee.core.length - 1)).toBe(live.get(bee.core.length - 1))

    // The view loses its tail (as in an Autobase reorder) and grows again differently: the
    // live cache now holds other nodes under the same positions.
    await bee.core.truncate(6)
    for (let i = 5; i < 20; i++) await bee.put(`k/${i}`, `new ${i}`)
    for (let i = 0; i < 20; i++) await bee.get(`k/${i}`)
    expect(epoch.epoch).toBe(1)

    expect(await old.get('k/10')).toBe('old 10')
    expect(await old.get('k/19')).toBe('old 19')
    const now = new ViewSnapshot(bee, undefined, epoch)
    expect(await now.get('k/10')).toBe('new 10')
    expect(await now.list('k/1')).toHaveLength(11)
    await Promise.all([old.close(), now.close()])
  })
  it('keeps the blocks a batch wrote in the node cache: reading them back needs no storage', async () => {
    await bee.put('before', 1)
    const batch = bee.batch({ update: false })
    for (let i = 0; i < 50; i++) await batch.put(`k/${(i * 7) % 50}`, { i })
    await batch.del('before')
    await flushKeepingNodes(bee, batch)
    expect(bee.core.length).toBe(53) // header, 'before', 50 puts, 1 delete

    const reads = countReads(bee)
    // Read as the next apply call reads: through a batch on the view's own core.
    const next = new BeeKV(bee.batch({ update: false }))
    for (let i = 0; i < 50; i++) expect(await next.get(`k/${(i * 7) % 50}`)).toEqual({ i })
    expect(await next.get('before')).toBeNull()
    expect((await next.list('k/')).length).toBe(50)
    expect(reads.count).toBe(0)

    // The same answers from storage, in a fresh bee with empty caches.
    const fresh = new Hyperbee(store.get({ name: 'view' }), VIEW_OPTIONS) as LedgerBee
    for (let i = 0; i < 50; i++)
      expect((await fresh.get(`k/${i}`))?.value).toEqual({ i: (i * 43) % 50 })
    await fresh.close()
  })
  it('a snapshot taken before a truncation keeps its own nodes even if it first reads after it', async () => {
    const epoch = { epoch: 0 }
    bee.core.on('truncate', () => epoch.epoch++)
    for (let i = 0; i < 20; i++) await bee.put(`k/${i}`, `old ${i}`)
    const old = new ViewSnapshot(bee, undefined, epoch) // taken now, read later

    await bee.core.truncate(6)
    for (let i = 5; i < 20; i++) await bee.put(`k/${i}`, `new ${i}`)
    for (let i = 0; i < 20; i++) await bee.get(`k/${i}`) // the live cache holds the new nodes

    expect(await old.get('k/10')).toBe('old 10')
    expect(await old.list('k/1')).toEqual([
      { key: 'k/1', value: 'old 1' },
      ...[10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map((i) => ({
        key: `k/${i}`,
        value: `old ${i}`,
      })),
    ])
    await old.close()
  })
  it('a read that needs a block nobody sends fails after its timeout instead of waiting for ever', async () => {
    for (let i = 0; i < 300; i++) await bee.put(`k/${String(i).padStart(3, '0')}`, `value ${i}`)
    const dir2 = await fs.mkdtemp(path.join(os.tmpdir(), 'exodus-view-sparse-'))
    const store2 = new Corestore(dir2)
    const sparse = new Hyperbee(store2.get({ key: bee.core.key! }), VIEW_OPTIONS) as LedgerBee
    await sparse.ready()
    const a = bee.core.replicate(true)
    const b = sparse.core.replicate(false)
    a.pipe(b).pipe(a)
    try {
      await sparse.core.update({ wait: true })
      expect(sparse.core.length).toBe(bee.core.length)
      // Only what this read needs is downloaded, as on a device that fast-forwarded.
      expect((await sparse.get('k/000'))?.value).toBe('value 0')
      const closed = Promise.all([a, b].map((s) => new Promise((r) => s.once('close', r))))
      a.destroy()
      b.destroy()
      await closed
      const snap = new ViewSnapshot(sparse, undefined, undefined, 300)
      expect(await snap.get('k/000')).toBe('value 0')
      // Key k/i was put by block i + 1 (block 0 is the header): take one not downloaded.
      let absent = 1
      while (await sparse.core.has(absent + 1)) absent++
      const started = performance.now()
      await expect(snap.get(`k/${String(absent).padStart(3, '0')}`)).rejects.toBeInstanceOf(
        DataUnavailableError,
      )
      await expect(snap.list('k/')).rejects.toBeInstanceOf(DataUnavailableError)
      expect(performance.now() - started).toBeLessThan(5_000)
      await snap.close()
    } finally {
      await sparse.close()
      await store2.close()
      await fs.rm(dir2, { recursive: true, force: true })
    }
  })
})

describe('BlockCache', () => {
  it('keeps entries as they are given, and about its limit of them', () => {
    const cache = new BlockCache<{ seq: number }>(4)
    const entries = [0, 1, 2, 3].map((seq) => ({ seq }))
    for (const entry of entries) cache.set(entry.seq, entry)
    expect(cache.get(2)).toBe(entries[2])
    expect(cache.get(0)).toBeNull() // dropped with the first old generation
    expect(cache.size).toBeLessThanOrEqual(4)
    cache.gc(3)
    expect([cache.get(2), cache.get(3)]).toEqual([entries[2], null])
  })
})

describe('KeyCache', () => {
  it('keeps copies of the keys, not slices of their blocks', () => {
    const cache = new KeyCache(8)
    const block = Buffer.from('header|member/anna|value')
    const key = block.subarray(7, 18)
    cache.set(3, key)
    const kept = cache.get(3)
    expect(Buffer.from(kept!).toString()).toBe('member/anna')
    expect(kept!.buffer).not.toBe(block.buffer)
    expect(kept!.buffer.byteLength).toBe(key.byteLength)
    expect(cache.get(4)).toBeNull()
  })

  it('holds about its limit, dropping what was not used while the young half filled', () => {
    const cache = new KeyCache(4) // two generations of two
    const key = (n: number) => Buffer.from(`k/${n}`)
    cache.set(1, key(1))
    cache.set(2, key(2)) // 1 and 2 age together
    expect(cache.get(1)).not.toBeNull() // used: young again
    cache.set(3, key(3)) // 1 and 3 age; 2, unused, goes
    expect(cache.get(2)).toBeNull()
    expect(cache.get(1)).not.toBeNull()
    expect(cache.get(3)).not.toBeNull()
    expect(cache.size).toBeLessThanOrEqual(4)
  })

  it('forgets the keys of a truncated tail, and everything on clear', () => {
    const cache = new KeyCache(100)
    for (let seq = 1; seq <= 10; seq++) cache.set(seq, Buffer.from(`k/${seq}`))
    cache.gc(6)
    expect(cache.get(5)).not.toBeNull()
    expect(cache.get(6)).toBeNull()
    expect(cache.get(10)).toBeNull()
    cache.clear()
    expect(cache.get(1)).toBeNull()
  })

  it("is the view's key cache, which finding keys reads instead of their blocks", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'exodus-keys-'))
    const store = new Corestore(dir)
    const view = openView(store.get({ name: 'view' }))
    try {
      await view.ready()
      const caches = view as unknown as { _keyCache: unknown; _nodeCache: { clear(): void } }
      expect(caches._keyCache).toBeInstanceOf(KeyCache)
      // And a node cache of its own, bigger than Hyperbee's (65,536).
      expect(caches._nodeCache).toBeInstanceOf(BlockCache)
      expect((caches._nodeCache as unknown as BlockCache<unknown>).limit).toBe(NODE_CACHE_LIMIT)
      expect(NODE_CACHE_LIMIT).toBeGreaterThan(65_536)
      // Keys in an order that spreads them over the tree, 100 per batch as apply writes them.
      const key = (i: number) => `k/${String((i * 7919) % 2000).padStart(4, '0')}`
      for (let start = 0; start < 2000; start += 100) {
        const batch = view.batch({ update: false })
        for (let i = start; i < start + 100; i++) await batch.put(key(i), i)
        await flushKeepingNodes(view, batch)
      }
      // The keys a batch wrote are kept as it is flushed, before anything looks for them.
      const last = (caches._keyCache as KeyCache).get(view.core.length - 1)
      expect(Buffer.from(last!).toString()).toBe(key(1999))
      const reads = countReads(view)
      const lookups = async () => {
        reads.count = 0
        caches._nodeCache.clear()
        const batch = view.batch({ update: false })
        for (let i = 0; i < 2000; i += 37) expect((await batch.get(key(i)))?.value).toBe(i)
        await batch.close()
        return reads.count
      }
      const withKeys = await lookups()
      ;(caches._keyCache as KeyCache).clear()
      const withoutKeys = await lookups()
      // Deterministic: 92 block reads against 180 when written.
      expect(withKeys).toBeLessThan(withoutKeys * 0.6)
    } finally {
      await view.close()
      await store.close()
      await fs.rm(dir, { recursive: true, force: true })
    }
  })
})
