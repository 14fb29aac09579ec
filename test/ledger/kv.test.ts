import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { copyJson, inGroups, MemoryKV, Transaction, type KV } from '../../core/ledger/kv.ts'

describe('Transaction', () => {
  it('lists the store with its own writes over it, by folder or any prefix', async () => {
    const store = new MemoryKV()
    await store.put('cin/a/p1', 1)
    await store.put('cin/a/p2', 2)
    await store.put('cin/b/p3', 3)
    const outer = new Transaction(store)
    const inner = new Transaction(outer)
    await inner.put('cin/a/p0', 0)
    await inner.del('cin/a/p2')
    await inner.put('cin/ab/p4', 4)
    const listed = async (kv: KV, prefix: string) => (await kv.list(prefix)).map((e) => e.key)
    expect(await listed(inner, 'cin/a/')).toEqual(['cin/a/p0', 'cin/a/p1'])
    expect(await listed(inner, 'cin/a')).toEqual(['cin/a/p0', 'cin/a/p1', 'cin/ab/p4'])
    expect(await listed(outer, 'cin/a/')).toEqual(['cin/a/p1', 'cin/a/p2'])
    await inner.commit()
    expect(await listed(outer, 'cin/a/')).toEqual(['cin/a/p0', 'cin/a/p1'])
    expect(await listed(outer, 'cin/')).toEqual(['cin/a/p0', 'cin/a/p1', 'cin/ab/p4', 'cin/b/p3'])
    outer.discard()
    expect(await listed(outer, 'cin/')).toEqual(['cin/a/p1', 'cin/a/p2', 'cin/b/p3'])
  })

  it('hands its writes over in key order with drain, and forgets them', async () => {
    const store = new MemoryKV()
    await store.put('cin/a/p1', { amount: 1 })
    await store.put('cin/a/p2', { amount: 2 })
    const tx = new Transaction(store)
    await tx.put('cin/a/p3', { amount: 3 })
    await tx.put('cin/a/p0', { amount: 0 })
    await tx.del('cin/a/p2')
    expect(tx.drain()).toEqual([
      { key: 'cin/a/p0', deleted: false, value: { amount: 0 } },
      { key: 'cin/a/p2', deleted: true },
      { key: 'cin/a/p3', deleted: false, value: { amount: 3 } },
    ])
    expect(tx.size).toBe(0)
    expect((await tx.list('cin/a/')).map((e) => e.key)).toEqual(['cin/a/p1', 'cin/a/p2'])
  })
})

describe('MemoryKV', () => {
  it('keeps copies of what it is given', async () => {
    const store = new MemoryKV()
    const lent = { amount: 2 }
    await store.put('b', lent)
    expect(store.map.get('b')).not.toBe(lent)
    expect(store.map.get('b')).toEqual(lent)
  })
})

describe('copyJson', () => {
  // Values as rules build them, and the odd ones JSON changes on the way through.
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constantFrom(null, undefined, -0, NaN, Infinity, () => 1, Symbol('s')),
      fc.date({ noInvalidDate: true }),
      fc.sparseArray(tie('value'), { maxLength: 5 }),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(
        fc.oneof(fc.string(), fc.constantFrom('__proto__', 'toString', 'valueOf')),
        tie('value'),
        { maxKeys: 5 },
      ),
    ),
  }))

  it('gives what a trip through JSON gives', () => {
    fc.assert(
      fc.property(fc.oneof(value, fc.dictionary(fc.string(), value)), (v) => {
        const json = JSON.stringify(v)
        // Nothing to store: the old JSON trip threw for these as well.
        if (json === undefined) {
          if (v === undefined) expect(copyJson(v)).toBeUndefined()
          else expect(() => copyJson(v)).toThrow()
          return
        }
        const copy = copyJson(v)
        expect(copy).toStrictEqual(JSON.parse(json))
        expect(JSON.stringify(copy)).toBe(json)
      }),
      { numRuns: 2_000 },
    )
  })

  it('copies: the copy shares nothing with the original', () => {
    const original = { a: { b: [1, { c: 2 }] } }
    const copy = copyJson(original)
    copy.a.b.push(3)
    ;(copy.a.b[1] as { c: number }).c = 9
    expect(original).toEqual({ a: { b: [1, { c: 2 }] } })
    expect(copyJson(undefined)).toBeUndefined()
  })
})

describe('inGroups', () => {
  it('reads a group at a time and gives the results in order, whatever order they come in', async () => {
    let inFlight = 0
    let most = 0
    const read = async (n: number) => {
      most = Math.max(most, ++inFlight)
      // Later items of a group answer first.
      await new Promise((resolve) => setTimeout(resolve, 10 - (n % 4)))
      inFlight--
      return n * 10
    }
    const items = Array.from({ length: 10 }, (_, i) => i)
    expect(await inGroups(items, 4, read)).toEqual(items.map((n) => n * 10))
    expect(most).toBe(4)
    expect(await inGroups([], 4, read)).toEqual([])
  })
})
