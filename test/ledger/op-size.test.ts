/**
 * No op can make every peer store, copy or parse more than an op needs: bytes and nesting are
 * capped before the JSON is parsed, and the largest op an app writes still fits.
 */
import { describe, expect, it } from 'vitest'
import { MAX_OP_BYTES, MAX_OP_DEPTH, PAYMENT_DETAILS_MAX } from '../../core/ledger/limits.ts'
import { encodeOp, OP_VERSION, type Op } from '../../core/ledger/ops.ts'
import { tryOp } from '../../core/ledger/try-op.ts'
import { TestLedger, keyOf } from '../support/ledger.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

async function applied(t: TestLedger, raw: Uint8Array) {
  const started = performance.now()
  const result = await t.raw('boris', raw)
  return { result, ms: performance.now() - started }
}

describe('op size', () => {
  it('refuses more bytes than an op may have, before parsing them, in a few ms', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    // 2 MB nested a million deep: parsing it stalled a peer's event loop for seconds.
    const nested = bytes('['.repeat(1_000_000) + ']'.repeat(1_000_000))
    const { result, ms } = await applied(t, nested)
    expect(result.refusal).toEqual({
      code: 'too-large',
      params: { bytes: 2_000_000, max: MAX_OP_BYTES },
    })
    expect(ms).toBeLessThan(50)
    const justOver = bytes(JSON.stringify({ type: 'status.green', pad: 'x'.repeat(MAX_OP_BYTES) }))
    expect((await t.raw('boris', justOver)).refusal?.code).toBe('too-large')
  })

  it('refuses JSON nested deeper than an op may be, inside the byte limit', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    const deep = bytes('{"a":'.repeat(MAX_OP_DEPTH + 1) + '1' + '}'.repeat(MAX_OP_DEPTH + 1))
    expect((await t.raw('boris', deep)).refusal).toEqual({
      code: 'too-deep',
      params: { max: MAX_OP_DEPTH },
    })
    // Brackets inside strings are text, not nesting.
    const inText = { type: 'member.profile', about: '[[[[{{{{[[[[{{{{' }
    const result = await t.raw(
      'boris',
      bytes(JSON.stringify({ ...inText, v: OP_VERSION, id: 'op000999', ts: t.now })),
    )
    expect(result.refusal?.code).not.toBe('too-deep')
  })

  it('still takes the largest op an app writes, and refuses a larger one at the dry run', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    // Four-byte characters in every field, at their longest.
    const wide = (n: number) => '😀'.repeat(n / 2)
    const details = Array.from({ length: PAYMENT_DETAILS_MAX }, (_, i) => ({
      label: wide(40),
      value: wide(200),
      isDefault: i === 0,
    }))
    const largest = {
      v: OP_VERSION,
      id: 'op000777',
      ts: t.now,
      type: 'member.payment',
      details,
    } as Op
    expect(encodeOp(largest).length).toBeLessThan(MAX_OP_BYTES)
    expect((await t.raw('boris', encodeOp(largest))).accepted).toBe(true)

    const larger = { ...largest, id: 'op000778', pad: 'x'.repeat(MAX_OP_BYTES) } as unknown as Op
    const dry = await tryOp(t.kv, larger, keyOf('boris'), () => false)
    expect(dry.result.refusal?.code).toBe('too-large')
  })
})
