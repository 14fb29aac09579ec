import { describe, expect, it, vi } from 'vitest'
import { likelyReads } from '../../core/ledger/apply.ts'
import { keys, pledgeIdOf } from '../../core/ledger/model.ts'
import { OP_VERSION } from '../../core/ledger/ops.ts'
import { TestLedger, keyOf } from '../support/ledger.ts'

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
    expect((await t.rejections()).map((r) => r.reason)).toEqual([
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
      keys.pledge(pledge),
      keys.member(keyOf('anna')),
    ])
    expect((await t.raw('boris', create, 'guess1')).accepted).toBe(true)
    expect(reads.mock.calls.map(([key]) => key)).toEqual(expect.arrayContaining(guessed))

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
  })
})
