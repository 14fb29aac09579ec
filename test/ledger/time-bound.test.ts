/**
 * No op's stamp can make the rules work without end: stamps end with year 9999, and a jump
 * over many months starts three of them one by one (all a month start can change) and the
 * rest at once, leaving the state a month-by-month walk would have left.
 */
import { describe, expect, it } from 'vitest'
import { MAX_TIMESTAMP } from '../../core/ledger/limits.ts'
import { keys, type LedgerEvent } from '../../core/ledger/model.ts'
import { OP_VERSION } from '../../core/ledger/ops.ts'
import { eventsOf } from '../support/events.ts'
import { TestLedger, keyOf } from '../support/ledger.ts'

const START = Date.UTC(2026, 10, 3, 12) // 3 Nov 2026

/** Anna asks monthly; Boris gave this month; Vera owes; Gleb intends; Dasha is red. */
async function busyNetwork(): Promise<TestLedger> {
  const t = await new TestLedger(START).network('anna', ['boris', 'vera', 'gleb', 'dasha'])
  await t.ok('anna', { type: 'status.orange', amount: 50_000 })
  const given = await t.ok('boris', {
    type: 'obligation.create',
    to: keyOf('anna'),
    amount: 10_000,
  })
  await t.ok('boris', { type: 'obligation.fulfil', pledge: given.pledge })
  await t.ok('anna', { type: 'obligation.confirm', pledge: given.pledge })
  await t.ok('vera', { type: 'obligation.create', to: keyOf('anna'), amount: 2_000 })
  await t.ok('gleb', { type: 'intention.create', to: keyOf('anna'), amount: 3_000 })
  await t.ok('dasha', { type: 'status.red', amount: 40_000, days: 20 })
  return t
}

/** The state but the event log (and its counter): what members see of pledges and people. */
function stateOf(t: TestLedger) {
  return [...t.kv.map.entries()]
    .filter(([key]) => !key.startsWith(keys.events) && key !== keys.meta)
    .map(([key, value]) => [key, JSON.stringify(value)])
}

async function cycleAt(t: TestLedger, at: number): Promise<LedgerEvent[]> {
  t.now = at
  return eventsOf(t, () => t.ok('gleb', { type: 'cycle' }))
}

describe('far-future stamps', () => {
  it('a jump of 2,000 years costs three month starts and one more, in milliseconds', async () => {
    const t = await busyNetwork()
    const started = performance.now()
    const events = await cycleAt(t, Date.UTC(4026, 10, 3, 12))
    const ms = performance.now() - started
    const cycles = events.filter((e) => e.kind === 'cycle.started')
    expect(cycles.map((e) => e.data?.cycle)).toEqual(['2026-12', '2027-01', '2027-02', '4026-11'])
    expect(cycles.at(-1)!.data).toMatchObject({ past: '2027-02', skipped: 23_996 })
    expect(events.length).toBeLessThan(20)
    expect(ms).toBeLessThan(50)
    expect((await t.meta()).cycle).toBe('4026-11')
  })

  it('leaves the state a month-by-month walk leaves, but for the events', async () => {
    const jumped = await busyNetwork()
    const walked = await busyNetwork()
    const target = Date.UTC(2027, 9, 15) // 11 months later
    await cycleAt(jumped, target)
    for (let m = 1; m <= 11; m++) await cycleAt(walked, Date.UTC(2026, 10 + m, 1, 12))
    await cycleAt(walked, target)
    expect(stateOf(jumped)).toEqual(stateOf(walked))
    const [a, b] = [await jumped.meta(), await walked.meta()]
    expect([a.cycle, a.now, a.reds]).toEqual([b.cycle, b.now, b.reds])
  })

  it('refuses a stamp after year 9999; its last instant moves nothing alone, and is quick for all', async () => {
    const t = await busyNetwork()
    const late = { v: OP_VERSION, id: 'op900001', ts: MAX_TIMESTAMP + 1, type: 'cycle' }
    expect((await t.raw('gleb', late)).refusal).toMatchObject({
      code: 'malformed-field',
      params: { type: 'cycle', field: 'ts' },
    })
    const last = { ...late, id: 'op900002', ts: MAX_TIMESTAMP }
    expect((await t.raw('gleb', last)).accepted).toBe(true)
    expect((await t.meta()).cycle).toBe('2026-11')
    const started = performance.now()
    await cycleAt(t, MAX_TIMESTAMP)
    expect(performance.now() - started).toBeLessThan(50)
    expect((await t.meta()).cycle).toBe('9999-12')
  })
})
