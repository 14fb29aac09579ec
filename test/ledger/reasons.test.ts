import { describe, expect, it } from 'vitest'
import {
  explainReason,
  REASONS,
  reasonText,
  type ReasonCode,
  type ReasonParams,
} from '../../core/ledger/reasons.ts'
import { TestLedger, keyOf } from '../support/ledger.ts'

/** Values as the rules give them, for every placeholder a template can have. */
const SAMPLE: Required<ReasonParams> = {
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
}

describe('rejection reasons', () => {
  it('reads every reason back from its text: its code and its values', () => {
    for (const code of Object.keys(REASONS) as ReasonCode[]) {
      const text = reasonText(code, SAMPLE)
      const names = [...REASONS[code].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)
      const params = Object.fromEntries(
        names.map((n) => [n, String(SAMPLE[n as keyof typeof SAMPLE])]),
      )
      expect(explainReason(text), text).toEqual({ code, params })
    }
  })

  it('tells fixed texts from templates that could read them', () => {
    expect(explainReason('this is an intention, not an obligation')?.code).toBe('not-obligation')
    expect(explainReason('this obligation is already marked fulfilled')?.code).toBe(
      'already-fulfilled',
    )
    expect(explainReason('this obligation is open: mark it fulfilled first')).toEqual({
      code: 'fulfil-first',
      params: { state: 'open' },
    })
  })

  it('knows nothing of texts outside the catalogue, and asks for every value', () => {
    expect(explainReason('malformed op: not valid JSON')).toBeNull()
    expect(explainReason('internal error applying status.green: boom')).toBeNull()
    expect(() => reasonText('not-asking')).toThrow(/needs \{name\}/)
  })

  it('is what the rules record', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    const result = await t.op('boris', {
      type: 'intention.create',
      to: keyOf('anna'),
      amount: 100,
    })
    expect(result.reason).toBe('anna is not asking for monthly support')
    expect(explainReason(result.reason!)).toEqual({
      code: 'not-monthly',
      params: { name: 'anna' },
    })
  })
})
