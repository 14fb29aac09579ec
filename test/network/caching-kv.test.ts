import { describe, expect, it } from 'vitest'
import { MemoryKV, Transaction } from '../../core/ledger/kv.ts'
import { CachingKV } from '../../core/network/caching-kv.ts'
import { ReadCache } from '../../core/network/read-cache.ts'

/** A MemoryKV that counts what reaches it, and can hold reads back. */
class CountingKV extends MemoryKV {
  gets: string[] = []
  lists: string[] = []
  hold: Promise<void> | null = null

  override async get<T>(key: string): Promise<T | null> {
    this.gets.push(key)
    const value = await super.get<T>(key)
    await this.hold
    return value
  }

  override async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    this.lists.push(prefix)
    const entries = await super.list<T>(prefix)
    await this.hold
    return entries
  }
}

async function seeded(): Promise<{ store: CountingKV; cache: ReadCache; kv: CachingKV }> {
  const store = new CountingKV()
  await store.put('member/a', { name: 'Anna' })
  await store.put('member/b', { name: 'Boris' })
  await store.put('cin/a/p1', { amount: 1 })
  await store.put('cin/b/p2', { amount: 2 })
  const cache = new ReadCache()
  return { store, cache, kv: new CachingKV(store, cache) }
}

describe('CachingKV over a ReadCache', () => {
  it('reads a key from the store once, across the KVs that share the cache', async () => {
    const { store, cache, kv } = await seeded()
    expect(await kv.get('member/a')).toEqual({ name: 'Anna' })
    expect(await new CachingKV(store, cache).get('member/a')).toEqual({ name: 'Anna' })
    expect(await kv.get('member/x')).toBeNull()
    expect(await kv.get('member/x')).toBeNull()
    expect(store.gets).toEqual(['member/a', 'member/x'])
  })

  it('hands out copies: changing what it returned changes nothing kept', async () => {
    const { kv } = await seeded()
    const anna = await kv.get<{ name: string }>('member/a')
    anna!.name = 'changed'
    const [first] = await kv.list<{ name: string }>('member/')
    first!.value.name = 'changed'
    expect(await kv.get('member/a')).toEqual({ name: 'Anna' })
    expect(await kv.list('member/')).toEqual([
      { key: 'member/a', value: { name: 'Anna' } },
      { key: 'member/b', value: { name: 'Boris' } },
    ])
  })

  it('keeps a listed folder, and hands out copies of it', async () => {
    const { store, cache, kv } = await seeded()
    await kv.put('cin/a/p0', { amount: 0 })
    const first = await kv.list<{ amount: number }>('cin/a/')
    expect(first.map((e) => e.key)).toEqual(['cin/a/p0', 'cin/a/p1'])
    // The first answer came from the store; the list is kept from then on.
    const kept = cache.list('cin/a/')!.entries()
    expect((await kv.list('cin/a/'))[0]!.value).not.toBe(kept[0]!.value)
    expect(store.lists).toEqual(['cin/a/'])
    // The same kept entries until the folder changes; a write to it makes new ones.
    expect(cache.list('cin/a/')!.entries()).toBe(kept)
    await new Transaction(new Transaction(kv)).list('cin/a/')
    expect(cache.list('cin/a/')!.entries()).toBe(kept)
    await kv.put('cin/a/p1', { amount: 10 })
    const changed = await kv.list<{ amount: number }>('cin/a/')
    expect(cache.list('cin/a/')!.entries()).not.toBe(kept)
    expect(changed.map((e) => e.value.amount)).toEqual([0, 10])
    expect(kept.map((e) => (e.value as { amount: number }).amount)).toEqual([0, 1])
  })

  it('does not keep what is written to write-only folders, and forgets what it kept there', async () => {
    const store = new CountingKV()
    const kv = new CachingKV(store, new ReadCache(100, ['event/']))
    expect(await kv.get('event/1')).toBeNull()
    await kv.list('event/')
    await kv.put('event/1', { kind: 'a' })
    await kv.put('member/a', { name: 'Anna' })
    expect(await kv.get('member/a')).toEqual({ name: 'Anna' })
    expect(store.gets).toEqual(['event/1'])
    // The kept list of the folder is still kept up to date, and answers for the key.
    expect(await kv.list('event/')).toEqual([{ key: 'event/1', value: { kind: 'a' } }])
    expect(await kv.get('event/1')).toEqual({ kind: 'a' })
    expect(store.gets).toEqual(['event/1'])
    const fresh = new CachingKV(store, new ReadCache(100, ['event/']))
    expect(await fresh.get('event/2')).toBeNull()
    await fresh.put('event/2', { kind: 'b' })
    expect(await fresh.get('event/2')).toEqual({ kind: 'b' })
    expect(store.gets).toEqual(['event/1', 'event/2', 'event/2'])
  })

  it('lists a kept folder in key order after writes that came out of order', async () => {
    const { kv } = await seeded()
    await kv.list('cin/a/')
    await kv.put('cin/a/p9', { amount: 9 })
    await kv.put('cin/a/p0', { amount: 0 })
    const order = ['cin/a/p0', 'cin/a/p1', 'cin/a/p9']
    expect((await kv.list('cin/a/')).map((e) => e.key)).toEqual(order)
    await kv.put('cin/a/p5', { amount: 5 })
    expect((await kv.list('cin/a/')).map((e) => e.key)).toEqual([
      ...order.slice(0, 2),
      'cin/a/p5',
      'cin/a/p9',
    ])
  })

  it('takes what a transaction commits into it as it is, and keeps it right', async () => {
    const { store, cache, kv } = await seeded()
    await kv.list('cin/a/')
    const tx = new Transaction(kv)
    const value = { amount: 5 }
    await tx.put('cin/a/p5', value)
    await tx.del('cin/a/p1')
    value.amount = 6 // the transaction keeps its own copy
    const drain = tx.drain.bind(tx)
    let handed: ReturnType<Transaction['drain']> = []
    tx.drain = () => (handed = drain())
    await kv.commit(tx)
    const [mine] = handed.filter((w) => !w.deleted)
    const [kept] = cache.list('cin/a/')!.entries()
    expect(kept!.value).toBe(mine!.deleted ? null : mine!.value) // handed over, not copied again
    expect(await kv.get('cin/a/p5')).toEqual({ amount: 5 })
    expect(await store.get('cin/a/p5')).toEqual({ amount: 5 })
    expect(await kv.get('cin/a/p1')).toBeNull()
    expect(await store.get('cin/a/p1')).toBeNull()
    expect(tx.size).toBe(0)
  })

  it('keeps lists up to date with its writes, at every level above the key', async () => {
    const { store, kv } = await seeded()
    await kv.list('cin/')
    await kv.list('cin/a/')
    await kv.put('cin/a/p3', { amount: 3 })
    await kv.del('cin/a/p1')
    await kv.put('cin/c/p4', { amount: 4 })
    expect(await kv.list('cin/a/')).toEqual([{ key: 'cin/a/p3', value: { amount: 3 } }])
    expect((await kv.list('cin/')).map((e) => e.key)).toEqual(['cin/a/p3', 'cin/b/p2', 'cin/c/p4'])
    expect(store.lists).toEqual(['cin/', 'cin/a/'])
    // A kept list answers for the keys under it, present or not.
    expect(await kv.get('cin/a/p1')).toBeNull()
    expect(await kv.get('cin/b/p2')).toEqual({ amount: 2 })
    expect(store.gets).toEqual([])
    // And what the store holds is what the lists said.
    expect((await store.list('cin/')).map((e) => e.key)).toEqual([
      'cin/a/p3',
      'cin/b/p2',
      'cin/c/p4',
    ])
  })

  it('keeps only lists of whole path segments, and not long ones', async () => {
    const { store, kv } = await seeded()
    for (let i = 0; i < 1_001; i++) await store.put(`event/${String(i).padStart(5, '0')}`, i)
    await kv.list('member/a')
    await kv.list('member/a')
    await kv.list('event/')
    await kv.list('event/')
    expect(store.lists).toEqual(['member/a', 'member/a', 'event/', 'event/'])
  })

  it('does not keep a read that a write overtook', async () => {
    const { store, kv } = await seeded()
    let release = () => {}
    store.hold = new Promise((resolve) => (release = resolve))
    const reading = kv.get('member/a')
    const listing = kv.list('member/')
    store.hold = null
    await kv.put('member/a', { name: 'Anna K.' })
    release()
    expect(await reading).toEqual({ name: 'Anna' }) // what the store held when asked
    expect((await listing).length).toBe(2)
    expect(await kv.get('member/a')).toEqual({ name: 'Anna K.' })
    expect(await kv.list('member/')).toEqual([
      { key: 'member/a', value: { name: 'Anna K.' } },
      { key: 'member/b', value: { name: 'Boris' } },
    ])
  })

  it('holds about its limit, dropping what was not used for a while', async () => {
    const store = new CountingKV()
    for (const k of ['a', 'b', 'c']) await store.put(`k/${k}`, k)
    // A limit of 4: each generation holds 2 entries.
    const kv = new CachingKV(store, new ReadCache(4))
    await kv.get('k/a')
    await kv.get('k/b') // a and b age together
    await kv.get('k/a') // a is used again: young once more
    await kv.get('k/c') // a and c age; b, unused, goes
    expect(store.gets).toEqual(['k/a', 'k/b', 'k/c'])
    await kv.get('k/a')
    await kv.get('k/c')
    expect(store.gets).toEqual(['k/a', 'k/b', 'k/c'])
    await kv.get('k/b')
    expect(store.gets).toEqual(['k/a', 'k/b', 'k/c', 'k/b'])
  })

  it('forgets everything on clear', async () => {
    const { store, cache, kv } = await seeded()
    await kv.get('member/a')
    await kv.list('member/')
    cache.clear()
    await kv.get('member/a')
    await kv.list('member/')
    expect(store.gets).toEqual(['member/a', 'member/a'])
    expect(store.lists).toEqual(['member/', 'member/'])
  })
})

describe('CachingKV.readAhead', () => {
  it('looks each key it does not hold up once, many at a time, and keeps it', async () => {
    const store = new CountingKV()
    for (let i = 0; i < 70; i++) await store.put(`k/${i}`, { i })
    const kv = new CachingKV(store)
    expect(await kv.get('k/0')).toEqual({ i: 0 }) // held already: not asked again
    store.gets = []
    let inFlight = 0
    let most = 0
    let release = () => {}
    store.hold = new Promise((resolve) => (release = resolve))
    const get = store.get.bind(store)
    store.get = async <T>(key: string) => {
      most = Math.max(most, ++inFlight)
      try {
        return await get<T>(key)
      } finally {
        inFlight--
      }
    }
    const keys = Array.from({ length: 100 }, (_, i) => `k/${i % 70}`)
    const done = kv.readAhead([...keys, 'k/none'])
    await new Promise((resolve) => setTimeout(resolve, 10))
    release()
    await done
    expect(store.gets.length).toBe(70) // k/1..k/69 and k/none, once each
    expect(store.gets).not.toContain('k/0')
    expect(most).toBe(64)
    store.gets = []
    expect(await kv.get('k/69')).toEqual({ i: 69 })
    expect(await kv.get('k/none')).toBeNull()
    expect(store.gets).toEqual([])
  })

  it('lists a folder named with a trailing slash, which then answers for its keys', async () => {
    const { store, cache } = await seeded()
    const kv = new CachingKV(store, cache)
    await kv.readAhead(['cin/a/p1', 'cin/a/', 'cin/a/p7'])
    expect(store.lists).toEqual(['cin/a/'])
    expect(store.gets).toEqual([])
    expect(await kv.get('cin/a/p1')).toEqual({ amount: 1 })
    expect(await kv.get('cin/a/p7')).toBeNull()
    await kv.readAhead(['cin/a/'])
    expect([store.lists, store.gets]).toEqual([['cin/a/'], []])
  })

  it('lists a folder too long to keep once, then looks up its keys one by one', async () => {
    const store = new CountingKV()
    for (let i = 0; i < 1_001; i++) await store.put(`big/${i}`, i)
    const kv = new CachingKV(store)
    await kv.readAhead(['big/', 'big/7'])
    await kv.readAhead(['big/', 'big/8'])
    expect(store.lists).toEqual(['big/'])
    expect(store.gets).toEqual(['big/7', 'big/8'])
  })
})
