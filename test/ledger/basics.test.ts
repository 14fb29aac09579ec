import { describe, expect, it, vi } from 'vitest'
import { MemoryKV } from '../../core/ledger/kv.ts'
import { keys, pledgeIdOf } from '../../core/ledger/model.ts'
import { likelyReads, WRITE_ONLY_FOLDERS } from '../../core/network/read-ahead.ts'
import { OP_VERSION } from '../../core/ledger/ops.ts'
import { generateStream } from '../../bench/op-stream.ts'
import { newStats, simulatedAuthorsApply } from '../../bench/simulated-authors.ts'
import { TestLedger, keyOf } from '../support/ledger.ts'
import { reasonText } from '../../core/errors.ts'

describe('ledger basics', () => {
  it('an orange member receives an intention that becomes a confirmed obligation', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const { pledge } = await t.ok('boris', {
      type: 'intention.create',
      to: keyOf('anna'),
      amount: 10_000,
    })
    await t.ok('boris', { type: 'intention.commit', pledge })
    await t.ok('boris', { type: 'obligation.fulfil', pledge })
    const own = await t.op('boris', { type: 'obligation.confirm', pledge })
    expect(own.accepted).toBe(false)
    expect(own.reason).toBe('you cannot confirm your own obligation')
    await t.ok('anna', { type: 'obligation.confirm', pledge })
    const p = await t.pledge(pledge)
    expect(p.state).toBe('confirmed')
    expect(p.kind).toBe('obligation')
    expect((await t.rejections()).map((r) => reasonText(r.reason))).toEqual([
      'you cannot confirm your own obligation',
    ])
  })
})

describe('likelyReads', () => {
  it('guesses keys that the rules then read', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const reads = vi.spyOn(t.kv, 'get')
    const boris = keyOf('boris')
    const envelope = { v: OP_VERSION, ts: t.now }
    const create = {
      ...envelope,
      id: 'guess1',
      type: 'intention.create',
      to: keyOf('anna'),
      amount: 100,
    }
    const pledge = pledgeIdOf(boris, 'guess1')
    const commit = { ...envelope, id: 'guess2', type: 'intention.commit', pledge }

    const guessed = likelyReads(Buffer.from(JSON.stringify(create)), boris)
    expect(guessed).toEqual([
      keys.writer(boris),
      keys.member(boris),
      keys.pledgesBy(boris),
      keys.pledge(pledge),
      keys.member(keyOf('anna')),
    ])
    // The folder of Boris's pledges holds the new one, whose id the rules check is not taken.
    expect(keys.pledge(pledge).startsWith(keys.pledgesBy(boris))).toBe(true)
    expect((await t.raw('boris', create, 'guess1')).accepted).toBe(true)
    const guessedKeys = guessed.filter((key) => !key.endsWith('/'))
    expect(reads.mock.calls.map(([key]) => key)).toEqual(expect.arrayContaining(guessedKeys))

    reads.mockClear()
    const onPledge = likelyReads(commit, boris)
    expect(onPledge).toContain(keys.pledge(pledge))
    expect((await t.raw('boris', commit, 'guess2')).accepted).toBe(true)
    expect(reads.mock.calls.map(([key]) => key)).toEqual(expect.arrayContaining(onPledge))
  })

  it('guesses only the author for what is not an op', () => {
    const author = keyOf('anna')
    const mine = [keys.writer(author), keys.member(author)]
    expect(likelyReads(Buffer.from([0xff, 0x00]), author)).toEqual(mine)
    expect(likelyReads(null, author)).toEqual(mine)
    expect(likelyReads({ pledge: 'x'.repeat(500), to: 7 }, author)).toEqual(mine)
    // An op's strings never make the guess read a folder whole.
    const folders = { type: 'intention.create', id: 'x/', pledge: 'a'.repeat(12), to: 'b/' }
    expect(likelyReads(folders, author)).toEqual(mine)
    expect(likelyReads({ pledge: `${'a'.repeat(12)}-1/` }, author)).toEqual(mine)
  })
})

/** Notes every key and folder read. */
class ReadingKV extends MemoryKV {
  readonly read: string[] = []

  override get<T>(key: string): Promise<T | null> {
    this.read.push(key)
    return super.get<T>(key)
  }

  override list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    this.read.push(prefix)
    return super.list<T>(prefix)
  }
}

describe('what the rules read', () => {
  it('never reads the write-only folders, over a stream of every kind of op', async () => {
    const kv = new ReadingKV()
    const stream = generateStream({ members: 40, ops: 3_000, seed: 11 })
    const stats = newStats()
    const apply = simulatedAuthorsApply(stats)
    for (const [i, op] of stream.ops.entries()) await apply(kv, op, stream.members[0]!, i + 1)
    expect(stats.rejected).toBeGreaterThan(0)
    expect(stream.cycles.length).toBeGreaterThan(0)
    expect(kv.read.length).toBeGreaterThan(3_000)
    const written = [...kv.map.keys()]
    for (const folder of WRITE_ONLY_FOLDERS) {
      expect(written.some((key) => key.startsWith(folder))).toBe(true)
      expect(kv.read.filter((key) => key.startsWith(folder))).toEqual([])
    }
  })
})
