/**
 * One suite for every implementation of the ledger's KV interface (as automerge-repo's
 * runStorageAdapterTests is for its storage adapters): given a factory for an empty store, it
 * checks the get/put/del/list semantics the rules rely on. test/network/kv-implementations.test.ts
 * runs it for each implementation.
 */
import { describe, expect, it } from 'vitest'
import type { KV } from '../../core/ledger/kv.ts'

export interface KVUnderTest {
  kv: KV
  /**
   * Makes what was written visible where the implementation defers it (a transaction's
   * commit, a Hyperbee batch's flush), and hands back a store to read it from. Reads through
   * `kv` itself see the writes before this.
   */
  settle?: () => Promise<KV>
  close?: () => Promise<void>
}

export function runKVTests(name: string, make: () => Promise<KVUnderTest>): void {
  describe(`KV: ${name}`, () => {
    const withStore = async (test: (t: KVUnderTest) => Promise<void>) => {
      const t = await make()
      try {
        await test(t)
      } finally {
        await t.close?.()
      }
    }
    /** The store to read settled writes from: the KV itself, or what settle hands back. */
    const settled = async (t: KVUnderTest): Promise<KV> => (t.settle ? t.settle() : t.kv)

    it('answers null for a key it does not hold, and an empty list for an empty prefix', () =>
      withStore(async ({ kv }) => {
        expect(await kv.get('member/none')).toBeNull()
        expect(await kv.list('member/')).toEqual([])
        await kv.del('member/none') // deleting what is not there is no error
        expect(await kv.get('member/none')).toBeNull()
      }))

    it('gives back what was put, as JSON would', () =>
      withStore(async (t) => {
        const value = { name: 'Anna', tags: ['a', 'b'], nested: { n: 1.5, ok: true }, none: null }
        await t.kv.put('member/a', value)
        await t.kv.put('number', 7)
        await t.kv.put('text', 'é ✓ 𝄞')
        await t.kv.put('list', [1, 'two', { three: 3 }])
        await t.kv.put('gone', { keep: 1, drop: undefined })
        for (const kv of [t.kv, await settled(t)]) {
          expect(await kv.get('member/a')).toEqual(value)
          expect(await kv.get('number')).toBe(7)
          expect(await kv.get('text')).toBe('é ✓ 𝄞')
          expect(await kv.get('list')).toEqual([1, 'two', { three: 3 }])
          expect(await kv.get('gone')).toStrictEqual({ keep: 1 })
        }
      }))

    it('overwrites a key with the last value put', () =>
      withStore(async (t) => {
        await t.kv.put('member/a', { name: 'Anna' })
        await t.kv.put('member/a', { name: 'Anna K.' })
        for (const kv of [t.kv, await settled(t)]) {
          expect(await kv.get('member/a')).toEqual({ name: 'Anna K.' })
          expect(await kv.list('member/')).toEqual([
            { key: 'member/a', value: { name: 'Anna K.' } },
          ])
        }
      }))

    it('forgets a deleted key, in get and list, and takes it back when put again', () =>
      withStore(async (t) => {
        await t.kv.put('member/a', { name: 'Anna' })
        await t.kv.put('member/b', { name: 'Boris' })
        await t.kv.del('member/a')
        for (const kv of [t.kv, await settled(t)]) {
          expect(await kv.get('member/a')).toBeNull()
          expect((await kv.list('member/')).map((e) => e.key)).toEqual(['member/b'])
        }
        await t.kv.put('member/a', { name: 'Anna again' })
        for (const kv of [t.kv, await settled(t)]) {
          expect(await kv.list('member/')).toEqual([
            { key: 'member/a', value: { name: 'Anna again' } },
            { key: 'member/b', value: { name: 'Boris' } },
          ])
        }
      }))

    it('lists by prefix in key order, whatever the order of the writes', () =>
      withStore(async (t) => {
        const keys = ['cin/b/2', 'cin/a/10', 'cin/a/9', 'cin/ab/1', 'cin', 'cio/1', 'ci', 'cin/a/']
        for (const [i, key] of keys.entries()) await t.kv.put(key, i)
        for (const kv of [t.kv, await settled(t)]) {
          const listed = async (prefix: string) => (await kv.list(prefix)).map((e) => e.key)
          expect(await listed('cin/a/')).toEqual(['cin/a/', 'cin/a/10', 'cin/a/9'])
          // A prefix that is not a folder takes every key starting with it.
          expect(await listed('cin/a')).toEqual(['cin/a/', 'cin/a/10', 'cin/a/9', 'cin/ab/1'])
          expect(await listed('cin/')).toEqual([
            'cin/a/',
            'cin/a/10',
            'cin/a/9',
            'cin/ab/1',
            'cin/b/2',
          ])
          expect(await listed('ci')).toEqual([...[...keys].sort()])
          expect(await listed('')).toEqual([...keys].sort())
          expect(await listed('cin/c/')).toEqual([])
          expect((await kv.list('cin/b/'))[0]).toEqual({ key: 'cin/b/2', value: 0 })
        }
      }))

    it('orders keys beyond ASCII as strings compare, prefixes included', () =>
      withStore(async (t) => {
        const keys = ['k/z', 'k/é', 'k/ÿ', 'k/Ā', 'k/中', 'k/a', 'k/ÿx']
        for (const key of keys) await t.kv.put(key, key)
        for (const kv of [t.kv, await settled(t)]) {
          expect((await kv.list('k/')).map((e) => e.key)).toEqual([...keys].sort())
          expect((await kv.list('k/ÿ')).map((e) => e.key)).toEqual(['k/ÿ', 'k/ÿx'])
        }
      }))

    it('keeps no link to a value put: changing it afterwards changes nothing stored', () =>
      withStore(async (t) => {
        const value = { amount: 1, tags: ['x'] }
        await t.kv.put('cin/a/p1', value)
        value.amount = 2
        value.tags.push('y')
        for (const kv of [t.kv, await settled(t)]) {
          expect(await kv.get('cin/a/p1')).toEqual({ amount: 1, tags: ['x'] })
        }
      }))

    it('hands out values of the caller’s own: changing one changes nothing stored', () =>
      withStore(async (t) => {
        await t.kv.put('cin/a/p1', { amount: 1, tags: ['x'] })
        for (const kv of [t.kv, await settled(t)]) {
          // Read twice over, so that a cache behind the store answers at least once.
          for (let i = 0; i < 2; i++) {
            const got = await kv.get<{ amount: number; tags: string[] }>('cin/a/p1')
            got!.amount = 9
            got!.tags.push('y')
            const [listed] = await kv.list<{ amount: number; tags: string[] }>('cin/a/')
            listed!.value.amount = 9
            listed!.value.tags.push('y')
          }
          expect(await kv.get('cin/a/p1')).toEqual({ amount: 1, tags: ['x'] })
          expect(await kv.list('cin/a/')).toEqual([
            { key: 'cin/a/p1', value: { amount: 1, tags: ['x'] } },
          ])
        }
      }))

    it('keeps each key apart from the keys it is a prefix of', () =>
      withStore(async (t) => {
        await t.kv.put('member/a', 1)
        await t.kv.put('member/ab', 2)
        await t.kv.del('member/a')
        for (const kv of [t.kv, await settled(t)]) {
          expect(await kv.get('member/a')).toBeNull()
          expect(await kv.get('member/ab')).toBe(2)
          expect(await kv.list('member/a')).toEqual([{ key: 'member/ab', value: 2 }])
        }
      }))
  })
}
