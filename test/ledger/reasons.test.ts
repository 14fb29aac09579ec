import { describe, expect, it } from 'vitest'
import { REASONS, reasonText, refused, refusal, type ReasonCode } from '../../core/errors.ts'
import { refusalNotifications } from '../../core/ledger/notifications.ts'
import { keys } from '../../core/ledger/model.ts'
import { TestLedger, keyOf } from '../support/ledger.ts'

/** Values as the rules give them, for every placeholder a template can have. */
const SAMPLE = {
  name: 'Anna Maria',
  id: 'a1b2c3d4e5f6-op000012',
  amount: 12_500,
  state: 'confirmed',
  kind: 'obligation',
  actual: 'intention',
  expected: 'obligation',
  verb: 'forgive',
  role: 'member in need',
  used: 3,
  uses: 3,
  version: 3,
  supported: 2,
  type: 'status.red',
  field: 'days',
  problem: 'Too small',
  bytes: 20_000,
  max: 16_384,
}

describe('rejection reasons', () => {
  it('fill every placeholder of their template from their values', () => {
    for (const code of Object.keys(REASONS) as ReasonCode[]) {
      const text = reasonText(refusal(code, SAMPLE))
      expect(text, code).not.toMatch(/[{}]/)
    }
  })

  it('ask for every value their template needs', () => {
    expect(() => refusal('not-asking')).toThrow(/needs \{name\}/)
    expect(refusal('not-asking', { name: 'Anna' })).toEqual({
      code: 'not-asking',
      params: { name: 'Anna' },
    })
  })

  it('are what the rules record, as a code and values, never as text', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    const result = await t.op('boris', {
      type: 'intention.create',
      to: keyOf('anna'),
      amount: 100,
    })
    expect(result.reason).toBe('anna is not asking for monthly support')
    const expected = { code: 'not-monthly', params: { name: 'anna' } }
    expect(result.refusal).toEqual(expected)
    const [stored] = await t.rejections()
    expect(stored!.reason).toEqual(expected)
    expect(t.kv.map.get(keys.refusal(stored!.ref))).toEqual(expected)
  })

  it('say an unknown code (from another app version) as the code itself', () => {
    expect(reasonText({ code: 'from-the-future' as ReasonCode, params: {} })).toBe(
      'from-the-future',
    )
  })
  it('read the English text a view built before layout 2 holds, as it is', () => {
    const text = 'you are already green'
    expect(reasonText(text)).toBe(text)
    expect(refused(text).toValue()).toEqual({
      code: 'rejected',
      message: text,
      params: { reason: text },
    })
    const old = { seq: 1, ref: 'r', author: 'a', type: 'status.green', reason: text, at: 0 }
    expect(refusalNotifications([old], ['a'])[0]).toMatchObject({
      refusal: text,
      text: 'Your status.green did not count: you are already green',
    })
  })
})
