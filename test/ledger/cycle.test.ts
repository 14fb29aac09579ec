import { describe, expect, it } from 'vitest'
import { keys, pledgeIdOf, type LedgerEvent } from '../../core/ledger/model.ts'
import { OP_VERSION } from '../../core/ledger/ops.ts'
import { DAY, TestLedger, keyOf } from '../support/ledger.ts'
import {
  allEvents,
  eventsOf,
  currentIds,
  progress,
  supportersOf,
  told,
  toldBy,
} from '../support/events.ts'

const START = Date.UTC(2026, 10, 3, 12) // 3 Nov 2026
const DEC = Date.UTC(2026, 11, 1) // start of 2026-12 in UTC
const JAN = Date.UTC(2027, 0, 1)
const FEB = Date.UTC(2027, 1, 1)

/** anna is orange (50 000 a month); boris, vera, gleb, dasha are green. */
async function network() {
  const t = await new TestLedger(START).network('anna', ['boris', 'vera', 'gleb', 'dasha'])
  await t.ok('anna', { type: 'status.orange', amount: 50_000 })
  return t
}

async function intention(t: TestLedger, from: string, to: string, amount: number) {
  return (await t.ok(from, { type: 'intention.create', to: keyOf(to), amount })).pledge
}

async function obligation(t: TestLedger, from: string, to: string, amount: number) {
  return (await t.ok(from, { type: 'obligation.create', to: keyOf(to), amount })).pledge
}

/** A monthly obligation fulfilled and confirmed. */
async function given(t: TestLedger, from: string, to: string, amount: number) {
  const pledge = await obligation(t, from, to, amount)
  await t.ok(from, { type: 'obligation.fulfil', pledge })
  await t.ok(to, { type: 'obligation.confirm', pledge })
  return pledge
}

/** Moves time to `at` with a `cycle` op by `by` and returns the events it caused. */
async function tick(t: TestLedger, at: number, by = 'dasha'): Promise<LedgerEvent[]> {
  t.now = at
  return eventsOf(t, () => t.ok(by, { type: 'cycle' }))
}

/**
 * Anna's and Vera's apps see `at`, the others' do not yet: two of five clocks agree, not enough
 * to move network time. Boris's next op (stamped `at`) makes three.
 */
async function twoOfFiveAt(t: TestLedger, at: number) {
  t.everyoneOnline = false
  t.now = at
  for (const m of ['anna', 'vera']) await t.ok(m, { type: 'cycle' })
  expect((await t.meta()).cycle).toBe('2026-11')
}

function renewalId(from: string, to: string, cycle: string) {
  return pledgeIdOf(keyOf(from), `r${cycle.replace('-', '')}${keyOf(to).slice(0, 8)}`)
}

describe('the monthly rollover', () => {
  it('intentions lapse (frozen ones too) at the start of the month, and everyone is told', async () => {
    const t = await network()
    await t.ok('vera', { type: 'status.orange', amount: 20_000 })
    const toAnna = await intention(t, 'boris', 'anna', 10_000)
    const toVera = await intention(t, 'gleb', 'vera', 3_000)
    await t.ok('vera', { type: 'status.red', amount: 5_000, days: 31 })
    expect((await t.pledge(toVera)).state).toBe('frozen')

    const events = await tick(t, DEC + 2 * DAY) // vera's emergency runs until 4 Dec
    expect(await t.pledge(toAnna)).toMatchObject({ state: 'lapsed', closedAt: DEC })
    expect(await t.pledge(toVera)).toMatchObject({ state: 'lapsed', closedAt: DEC })
    expect(await currentIds(t)).toEqual([])
    expect((await t.meta()).cycle).toBe('2026-12')
    expect((await t.meta()).now).toBe(DEC + 2 * DAY)
    expect((await t.member('vera')).status).toBe('red')
    const lapsed = [
      { pledge: toAnna, subject: 'anna', amount: 10_000, to: ['boris'] },
      { pledge: toVera, subject: 'vera', amount: 3_000, to: ['gleb'] },
    ].sort((a, b) => (a.pledge < b.pledge ? -1 : 1))
    expect(events.map(told)).toEqual([
      ...lapsed.map((e) => ({ kind: 'intention.lapsed', ...e })),
      { kind: 'cycle.started', data: { cycle: '2026-12', past: '2026-11' }, to: ['*'] },
    ])
    // Everything that happened at the boundary happened at the boundary's instant.
    expect(events.map((e) => e.at)).toEqual([DEC, DEC, DEC])
    expect(await supportersOf(t, 'anna')).toEqual([])
    expect((await progress(t, 'anna')).intended).toBe(0)
  })

  it('the op that makes most clocks agree rolls the month over before it is applied', async () => {
    const t = await network()
    const old = await intention(t, 'boris', 'anna', 10_000)
    await twoOfFiveAt(t, DEC + DAY)
    const events = await toldBy(t, () =>
      t.ok('boris', { type: 'intention.create', to: keyOf('anna'), amount: 8_000 }),
    )
    expect(events.map((e) => e.kind)).toEqual([
      'intention.lapsed',
      'cycle.started',
      'intention.created',
    ])
    expect((await t.pledge(old)).state).toBe('lapsed')
  })

  it("even an op the rules reject counts as its author's clock", async () => {
    const t = await network()
    const old = await intention(t, 'boris', 'anna', 10_000)
    await twoOfFiveAt(t, DEC + DAY)
    const r = await t.op('boris', { type: 'status.green' })
    expect(r.reason).toBe('you are already green')
    expect((await t.pledge(old)).state).toBe('lapsed')
    expect((await t.meta()).cycle).toBe('2026-12')
  })

  it('a cycle op inside the month only moves the clock; a second one at the boundary finds nothing to do', async () => {
    const t = await network()
    const love = await intention(t, 'boris', 'anna', 10_000)
    expect(await tick(t, DEC - 1)).toEqual([])
    // Clocks count whole minutes (network-time.ts).
    expect((await t.meta()).now).toBe(DEC - 60_000)
    expect((await t.pledge(love)).state).toBe('active')
    expect((await tick(t, DEC)).map((e) => e.kind)).toEqual(['intention.lapsed', 'cycle.started'])
    expect(await tick(t, DEC, 'gleb')).toEqual([])
    expect(await tick(t, DEC + DAY, 'boris')).toEqual([])
  })

  it('every event of an op, time-driven or not, has its own id', async () => {
    const t = await network()
    await intention(t, 'boris', 'anna', 10_000)
    await twoOfFiveAt(t, DEC + DAY)
    await t.ok('boris', { type: 'intention.create', to: keyOf('anna'), amount: 8_000 })
    const ids = (await allEvents(t)).map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    const last = (await allEvents(t)).slice(-3)
    expect(last.map((e) => e.id)).toEqual([0, 1, 2].map((n) => `${last[0]!.id.split('#')[0]}#${n}`))
  })
})

describe('renewal of monthly support', () => {
  it('confirmed monthly obligations become intentions of the same amount, summed per pair', async () => {
    const t = await network()
    const b1 = await given(t, 'boris', 'anna', 10_000)
    const b2 = await given(t, 'boris', 'anna', 5_000)
    const v1 = await given(t, 'vera', 'anna', 7_000)
    const events = await tick(t, DEC + DAY)
    const fromBoris = renewalId('boris', 'anna', '2026-12')
    const fromVera = renewalId('vera', 'anna', '2026-12')
    expect(await t.pledge(fromBoris)).toEqual({
      id: fromBoris,
      kind: 'intention',
      state: 'active',
      from: keyOf('boris'),
      to: keyOf('anna'),
      amount: 15_000,
      note: '',
      collection: 'monthly',
      cycle: '2026-12',
      createdAt: DEC,
      overdue: false,
      renewedFrom: [b1, b2].sort()[0],
    })
    expect(await t.pledge(fromVera)).toMatchObject({
      kind: 'intention',
      state: 'active',
      amount: 7_000,
      cycle: '2026-12',
      renewedFrom: v1,
    })
    // The confirmed obligations stay confirmed, in the archive, out of the live index.
    for (const id of [b1, b2, v1]) {
      expect(await t.pledge(id)).toMatchObject({ state: 'confirmed', overdue: false })
    }
    expect((await currentIds(t)).sort()).toEqual([fromBoris, fromVera].sort())
    const renewals = [
      { pledge: fromBoris, amount: 15_000, to: ['anna', 'boris'], source: [b1, b2].sort()[0]! },
      { pledge: fromVera, amount: 7_000, to: ['anna', 'vera'], source: v1 },
    ].sort((a, b) => (a.source < b.source ? -1 : 1))
    expect(events.map(told)).toEqual([
      ...renewals.map(({ pledge, amount, to }) => ({
        kind: 'intention.renewed',
        subject: 'anna',
        pledge,
        amount,
        to,
      })),
      { kind: 'cycle.started', data: { cycle: '2026-12', past: '2026-11' }, to: ['*'] },
    ])
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 22_000,
      committed: 0,
      confirmed: 0,
      missing: 50_000,
      supporters: 2,
    })
  })

  it('a renewed intention is like any other: it can be committed, and lapses if not', async () => {
    const t = await network()
    await given(t, 'boris', 'anna', 10_000)
    await given(t, 'vera', 'anna', 4_000)
    await tick(t, DEC + DAY)
    const boris = renewalId('boris', 'anna', '2026-12')
    const vera = renewalId('vera', 'anna', '2026-12')
    await t.ok('boris', { type: 'intention.fulfil', pledge: boris })
    await t.ok('anna', { type: 'obligation.confirm', pledge: boris })
    expect(await t.pledge(boris)).toMatchObject({
      kind: 'obligation',
      state: 'confirmed',
      cycle: '2026-12',
      confirmedCycle: '2026-12',
    })
    await tick(t, JAN + DAY)
    expect(await t.pledge(vera)).toMatchObject({ state: 'lapsed', closedAt: JAN })
    // Boris's support goes on into January; Vera's stopped when she let it lapse.
    expect(await t.pledge(renewalId('boris', 'anna', '2027-01'))).toMatchObject({
      state: 'active',
      amount: 10_000,
      renewedFrom: boris,
    })
    expect(await t.pledge(renewalId('vera', 'anna', '2027-01'))).toBeNull()
  })

  it('an old debt paid late is not renewed: only support given for the closing month', async () => {
    const t = await network()
    const late = await obligation(t, 'boris', 'anna', 10_000)
    await tick(t, DEC + DAY)
    expect((await t.pledge(late)).overdue).toBe(true)
    await t.ok('anna', { type: 'obligation.confirm', pledge: late })
    expect(await t.pledge(late)).toMatchObject({ state: 'confirmed', confirmedCycle: '2026-12' })
    const january = await tick(t, JAN + DAY)
    expect(january.map((e) => e.kind)).toEqual(['cycle.started'])
    expect(await t.pledge(renewalId('boris', 'anna', '2027-01'))).toBeNull()
    expect(await currentIds(t)).toEqual([])
  })

  it('is not renewed towards a member who is no longer orange', async () => {
    const t = await network()
    await given(t, 'boris', 'anna', 10_000)
    await t.ok('anna', { type: 'status.green' })
    const events = await tick(t, DEC + DAY)
    expect(events.map((e) => e.kind)).toEqual(['cycle.started'])
    expect(await t.pledge(renewalId('boris', 'anna', '2026-12'))).toBeNull()
    expect(await currentIds(t)).toEqual([])
  })

  it('is not renewed when the author or the recipient has left', async () => {
    const t = await network()
    await t.ok('vera', { type: 'status.orange', amount: 9_000 })
    await given(t, 'boris', 'anna', 10_000)
    await given(t, 'boris', 'vera', 2_000)
    await given(t, 'gleb', 'anna', 3_000)
    await t.ok('vera', { type: 'member.leave' })
    await t.ok('gleb', { type: 'member.leave' })
    await tick(t, DEC + DAY)
    expect(await t.pledge(renewalId('boris', 'anna', '2026-12'))).toMatchObject({ amount: 10_000 })
    expect(await t.pledge(renewalId('boris', 'vera', '2026-12'))).toBeNull()
    expect(await t.pledge(renewalId('gleb', 'anna', '2026-12'))).toBeNull()
  })

  it('obligations confirmed towards an emergency are not renewed', async () => {
    const t = await network()
    await t.ok('vera', { type: 'status.orange', amount: 9_000 })
    await t.ok('vera', { type: 'status.red', amount: 50_000, days: 31 })
    await given(t, 'boris', 'vera', 10_000)
    await tick(t, DEC + DAY)
    expect(await t.pledge(renewalId('boris', 'vera', '2026-12'))).toBeNull()
  })

  it('renewed frozen towards a member whose emergency started from orange, revived when it ends', async () => {
    const t = await network()
    const monthly = await given(t, 'boris', 'anna', 10_000)
    const red = await t.ok('anna', { type: 'status.red', amount: 30_000, days: 31 })
    await tick(t, DEC + DAY)
    const renewed = renewalId('boris', 'anna', '2026-12')
    expect(await t.pledge(renewed)).toMatchObject({
      kind: 'intention',
      state: 'frozen',
      amount: 10_000,
      renewedFrom: monthly,
    })
    // Turned into an obligation, it goes to the emergency.
    await t.ok('boris', { type: 'intention.commit', pledge: renewed })
    expect((await t.pledge(renewed)).collection).toBe(pledgeIdOf(keyOf('anna'), red.id))
  })

  it('a renewal never overwrites a pledge its author made with the same id', async () => {
    const t = await network()
    await given(t, 'boris', 'anna', 10_000)
    // boris uses the id the December renewal would get for an obligation of his own.
    const id = `r202612${keyOf('anna').slice(0, 8)}`
    const raw = { v: OP_VERSION, id, ts: START, type: 'obligation.create', to: keyOf('anna') }
    const r = await t.raw('boris', { ...raw, amount: 99_000 }, id)
    expect(r.accepted).toBe(true)
    await tick(t, DEC + DAY)
    // Still his obligation, still owed (now overdue); it cannot become a cancellable intention.
    expect(await t.pledge(r.pledge)).toMatchObject({
      kind: 'obligation',
      state: 'open',
      amount: 99_000,
      overdue: true,
    })
    expect(await t.kv.get(keys.currentIn(keyOf('anna'), r.pledge))).toMatchObject({
      kind: 'obligation',
      amount: 99_000,
    })
    const cancel = await t.op('boris', { type: 'intention.cancel', pledge: r.pledge })
    expect(cancel.reason).toBe(`${r.pledge} is an obligation, not an intention`)
  })
})

describe('overdue obligations', () => {
  it('open and fulfilled-unconfirmed obligations go to the overdue archive at the rollover', async () => {
    const t = await network()
    const open = await obligation(t, 'boris', 'anna', 10_000)
    const fulfilled = await obligation(t, 'vera', 'anna', 4_000)
    await t.ok('vera', { type: 'obligation.fulfil', pledge: fulfilled })
    const events = await tick(t, DEC + DAY)
    expect(await t.pledge(open)).toMatchObject({
      state: 'open',
      overdue: true,
      overdueSince: DEC,
    })
    expect(await t.pledge(fulfilled)).toMatchObject({
      state: 'fulfilled',
      overdue: true,
      overdueSince: DEC,
    })
    // Still owed, so still in the current picture (counted as overdue), but no longer linking.
    expect((await currentIds(t)).sort()).toEqual([open, fulfilled].sort())
    expect(await supportersOf(t, 'anna')).toEqual([])
    const overdue = [
      { pledge: open, amount: 10_000, to: ['anna', 'boris'] },
      { pledge: fulfilled, amount: 4_000, to: ['anna', 'vera'] },
    ].sort((a, b) => (a.pledge < b.pledge ? -1 : 1))
    expect(events.map(told)).toEqual([
      ...overdue.map((e) => ({ kind: 'obligation.overdue', subject: 'anna', ...e })),
      { kind: 'cycle.started', data: { cycle: '2026-12', past: '2026-11' }, to: ['*'] },
    ])
    // Overdue obligations no longer link the two members, nor count in December.
    expect(await supportersOf(t, 'anna')).toEqual([])
    expect(await progress(t, 'anna')).toMatchObject({ committed: 0, missing: 50_000 })
    // And they are not moved again at the next rollover.
    const january = await tick(t, JAN + DAY)
    expect(january.map((e) => e.kind)).toEqual(['cycle.started'])
    expect((await t.pledge(open)).overdueSince).toBe(DEC)
  })

  it('an overdue obligation fulfilled and confirmed later leaves the overdue archive', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 10_000)
    t.now = DEC + 3 * DAY
    await t.ok('boris', { type: 'obligation.fulfil', pledge })
    expect(await t.pledge(pledge)).toMatchObject({ state: 'fulfilled', overdue: true })
    t.now = DEC + 5 * DAY
    const events = await toldBy(t, () => t.ok('anna', { type: 'obligation.confirm', pledge }))
    expect(await t.pledge(pledge)).toMatchObject({
      state: 'confirmed',
      overdue: false,
      overdueSince: DEC,
      fulfilledAt: DEC + 3 * DAY,
      confirmedAt: DEC + 5 * DAY,
      confirmedCycle: '2026-12',
    })
    expect(events).toEqual([
      {
        kind: 'obligation.confirmed',
        actor: 'anna',
        subject: 'anna',
        pledge,
        amount: 10_000,
        data: { wasOverdue: true },
        to: ['anna', 'boris'],
      },
    ])
    // The link between the two is restored.
    expect(await supportersOf(t, 'anna')).toEqual(['boris'])
  })

  it('obligations towards a running emergency are due by its deadline, not the month end', async () => {
    const t = await network()
    t.now = Date.UTC(2026, 10, 28)
    await t.ok('vera', { type: 'status.red', amount: 30_000, days: 5 }) // until 3 Dec
    const deadline = Date.UTC(2026, 11, 3)
    const open = await obligation(t, 'boris', 'vera', 10_000)
    const monthly = await obligation(t, 'boris', 'anna', 1_000)
    const december = await tick(t, DEC + DAY)
    expect(december.map((e) => [e.kind, e.pledge])).toEqual([
      ['obligation.overdue', monthly],
      ['cycle.started', undefined],
    ])
    expect(await t.pledge(open)).toMatchObject({ state: 'open', overdue: false })
    expect((await currentIds(t)).sort()).toEqual([open, monthly].sort())
    // Still counts for the emergency in December.
    expect((await progress(t, 'vera')).missing).toBe(20_000)
    const later = await tick(t, deadline + DAY)
    expect(later.map((e) => e.kind)).toEqual(['obligation.overdue', 'red.ended'])
    expect(await t.pledge(open)).toMatchObject({ overdue: true, overdueSince: deadline })
  })

  it('obligations of an emergency that was stopped go overdue at the rollover', async () => {
    const t = await network()
    await t.ok('vera', { type: 'status.red', amount: 30_000, days: 31 })
    const open = await obligation(t, 'boris', 'vera', 10_000)
    await t.ok('vera', { type: 'status.green' })
    await tick(t, DEC + DAY)
    expect(await t.pledge(open)).toMatchObject({ state: 'open', overdue: true, overdueSince: DEC })
  })
})

describe('several boundaries at once', () => {
  it('a jump over months rolls over each month in order, each at its own instant', async () => {
    const t = await network()
    await given(t, 'boris', 'anna', 10_000)
    const open = await obligation(t, 'vera', 'anna', 2_000)
    const events = await tick(t, FEB + 14 * DAY)
    const decRenewal = renewalId('boris', 'anna', '2026-12')
    expect(events.map((e) => [e.kind, e.at, e.pledge ?? e.data?.cycle])).toEqual([
      ['obligation.overdue', DEC, open],
      ['intention.renewed', DEC, decRenewal],
      ['cycle.started', DEC, '2026-12'],
      ['intention.lapsed', JAN, decRenewal],
      ['cycle.started', JAN, '2027-01'],
      ['cycle.started', FEB, '2027-02'],
    ])
    expect(await t.meta()).toMatchObject({ cycle: '2027-02', now: FEB + 14 * DAY })
    expect(await t.pledge(decRenewal)).toMatchObject({ state: 'lapsed', closedAt: JAN })
    expect(await t.pledge(renewalId('boris', 'anna', '2027-01'))).toBeNull()
    expect(await t.pledge(open)).toMatchObject({ overdue: true, overdueSince: DEC })
  })

  it('a red deadline between two month starts ends the emergency between them', async () => {
    const t = await network()
    t.now = Date.UTC(2026, 10, 25)
    await t.ok('vera', { type: 'status.red', amount: 30_000, days: 15 }) // until 10 Dec
    const deadline = Date.UTC(2026, 11, 10)
    const owed = await obligation(t, 'boris', 'vera', 5_000)
    const events = await tick(t, JAN + DAY)
    expect(events.map((e) => [e.kind, e.at])).toEqual([
      ['cycle.started', DEC],
      ['obligation.overdue', deadline],
      ['red.ended', deadline],
      ['cycle.started', JAN],
    ])
    expect(await t.pledge(owed)).toMatchObject({ overdue: true, overdueSince: deadline })
  })

  it('a red deadline exactly at the month start ends the emergency first', async () => {
    const t = await network()
    t.now = DEC - 3 * DAY
    await t.ok('vera', { type: 'status.red', amount: 30_000, days: 3 })
    const owed = await obligation(t, 'boris', 'vera', 5_000)
    const events = await tick(t, DEC)
    expect(events.map((e) => [e.kind, e.at])).toEqual([
      ['obligation.overdue', DEC],
      ['red.ended', DEC],
      ['cycle.started', DEC],
    ])
    expect(await t.pledge(owed)).toMatchObject({ overdue: true, overdueSince: DEC })
  })
})

describe('time zones', () => {
  it.each([
    // Local midnight of 1 December: 13 hours ahead in Auckland (summer time), 5 behind in New York.
    ['Pacific/Auckland', Date.UTC(2026, 10, 30, 11)],
    ['America/New_York', Date.UTC(2026, 11, 1, 5)],
    ['UTC', Date.UTC(2026, 11, 1, 0)],
    ['Europe/Moscow', Date.UTC(2026, 10, 30, 21)],
  ])('in %s the month starts at local midnight of the 1st', async (timeZone, boundary) => {
    const t = await new TestLedger(START).network('anna', ['boris'], { timeZone })
    await t.ok('anna', { type: 'status.orange', amount: 100 })
    const love = await intention(t, 'boris', 'anna', 10)
    expect((await t.meta()).cycle).toBe('2026-11')
    expect(await tick(t, boundary - 1, 'boris')).toEqual([])
    expect((await t.pledge(love)).state).toBe('active')
    const events = await tick(t, boundary, 'boris')
    expect(events.map((e) => [e.kind, e.at])).toEqual([
      ['intention.lapsed', boundary],
      ['cycle.started', boundary],
    ])
    expect((await t.meta()).cycle).toBe('2026-12')
  })

  it('follows daylight saving time: New York starts November at 04:00 UTC, December at 05:00', async () => {
    const t = await new TestLedger(Date.UTC(2026, 9, 20)).network('anna', ['boris'], {
      timeZone: 'America/New_York',
    })
    expect((await t.meta()).cycle).toBe('2026-10')
    expect(await tick(t, Date.UTC(2026, 10, 1, 3, 59), 'boris')).toEqual([])
    expect((await tick(t, Date.UTC(2026, 10, 1, 4), 'boris')).map((e) => e.data)).toEqual([
      { cycle: '2026-11', past: '2026-10' },
    ])
    expect(await tick(t, Date.UTC(2026, 11, 1, 4, 59), 'boris')).toEqual([])
    expect((await tick(t, Date.UTC(2026, 11, 1, 5), 'boris')).map((e) => e.data)).toEqual([
      { cycle: '2026-12', past: '2026-11' },
    ])
  })

  it('a network created in Auckland on 31 October UTC is already in November', async () => {
    const t = await new TestLedger(Date.UTC(2026, 9, 31, 12)).network('anna', [], {
      timeZone: 'Pacific/Auckland',
    })
    expect((await t.meta()).cycle).toBe('2026-11')
  })

  it('the year turns over in the network time zone', async () => {
    const t = await new TestLedger(Date.UTC(2026, 11, 20)).network('anna', ['boris'], {
      timeZone: 'Pacific/Auckland',
    })
    const events = await tick(t, Date.UTC(2026, 11, 31, 11), 'boris')
    expect(events.map((e) => e.data)).toEqual([{ cycle: '2027-01', past: '2026-12' }])
  })
})

describe('time never runs backwards', () => {
  it('an op with an older time is applied at the ledger time and undoes nothing', async () => {
    const t = await network()
    const love = await intention(t, 'boris', 'anna', 10_000)
    const now = DEC + 5 * DAY
    await tick(t, now)
    const earlier = Date.UTC(2026, 10, 20)
    const r = await t.ok(
      'vera',
      { type: 'intention.create', to: keyOf('anna'), amount: 3_000 },
      earlier,
    )
    expect(await t.pledge(r.pledge)).toMatchObject({ createdAt: now, cycle: '2026-12' })
    expect(await t.meta()).toMatchObject({ now, cycle: '2026-12' })
    expect((await t.pledge(love)).state).toBe('lapsed')
    const red = await t.ok('gleb', { type: 'status.red', amount: 1_000, days: 2 }, earlier)
    expect((await t.member('gleb')).red).toMatchObject({
      id: pledgeIdOf(keyOf('gleb'), red.id),
      startedAt: now,
      deadline: now + 2 * DAY,
    })
    // An old cycle op is accepted and changes nothing.
    const events = await eventsOf(t, () => t.ok('dasha', { type: 'cycle' }, START))
    expect(events).toEqual([])
    expect(await t.meta()).toMatchObject({ now, cycle: '2026-12' })
  })

  it('a red deadline is not reached by an op whose own time is earlier than the ledger time', async () => {
    const t = await network()
    await t.ok('vera', { type: 'status.red', amount: 1_000, days: 2 })
    t.now = START + DAY
    await t.ok('boris', { type: 'cycle' })
    // Boris's clock is behind: his op is placed at the ledger's time, before the deadline.
    await t.ok('boris', { type: 'cycle' }, START)
    expect((await t.member('vera')).status).toBe('red')
    expect((await t.meta()).now).toBe(START + DAY)
  })
})
