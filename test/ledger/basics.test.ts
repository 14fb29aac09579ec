import { describe, expect, it } from 'vitest'
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
