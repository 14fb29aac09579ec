import { describe, expect, it } from 'vitest'
import { pledgeIdOf } from '../../core/ledger/model.ts'
import { DAY, TestLedger, keyOf } from '../support/ledger.ts'
import { progress, rejects, toldBy } from '../support/events.ts'

const START = Date.UTC(2026, 10, 3, 12) // 3 Nov 2026, the TestLedger default

/** anna (the member whose status changes), boris, vera, gleb. */
async function network() {
  return new TestLedger(START).network('anna', ['boris', 'vera', 'gleb'])
}

async function intention(t: TestLedger, from: string, to: string, amount: number) {
  return (await t.ok(from, { type: 'intention.create', to: keyOf(to), amount })).pledge
}

async function obligation(t: TestLedger, from: string, to: string, amount: number) {
  return (await t.ok(from, { type: 'obligation.create', to: keyOf(to), amount })).pledge
}

describe('status.orange', () => {
  it('green → orange sets the monthly amount and tells the whole network', async () => {
    const t = await network()
    const events = await toldBy(t, () => t.ok('anna', { type: 'status.orange', amount: 50_000 }))
    const anna = await t.member('anna')
    expect(anna.status).toBe('orange')
    expect(anna.monthly).toBe(50_000)
    expect(anna.red).toBeNull()
    expect(events).toEqual([
      {
        kind: 'status.changed',
        actor: 'anna',
        subject: 'anna',
        amount: 50_000,
        data: { status: 'orange', from: 'green' },
        to: ['*'],
      },
    ])
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 0,
      committed: 0,
      confirmed: 0,
      missing: 50_000,
      supporters: 0,
    })
  })

  it('editing the monthly amount while orange tells the circle only', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    await t.ok('vera', { type: 'status.orange', amount: 20_000 })
    await intention(t, 'boris', 'anna', 10_000)
    await obligation(t, 'anna', 'vera', 5_000) // anna supports vera: vera is in anna's circle
    const events = await toldBy(t, () => t.ok('anna', { type: 'status.orange', amount: 60_000 }))
    const anna = await t.member('anna')
    expect(anna.status).toBe('orange')
    expect(anna.monthly).toBe(60_000)
    expect(events).toEqual([
      {
        kind: 'status.changed',
        actor: 'anna',
        subject: 'anna',
        amount: 60_000,
        data: { status: 'orange', from: 'orange', edited: true },
        to: ['anna', 'boris', 'vera'],
      },
    ])
    expect((await progress(t, 'anna')).missing).toBe(60_000)
  })

  it('rejects setting the same monthly amount again', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    await rejects(
      t,
      'anna',
      { type: 'status.orange', amount: 50_000 },
      'your monthly amount is already 50000',
    )
  })

  it.each([
    [0, 'malformed status.orange: amount must be greater than 0'],
    [-100, 'malformed status.orange: amount must be greater than 0'],
    [10.5, 'malformed status.orange: amount must be a whole number of minor units'],
    [1_000_000_000_001, 'malformed status.orange: amount must be at most 1000000000000'],
  ])('rejects the monthly amount %d', async (amount, reason) => {
    const t = await network()
    await rejects(t, 'anna', { type: 'status.orange', amount }, reason)
    expect((await t.member('anna')).status).toBe('green')
  })

  it('red → orange stops the emergency, keeps its obligations and revives frozen intentions', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const love = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('anna', { type: 'status.red', amount: 80_000, days: 10 })
    const owed = await obligation(t, 'vera', 'anna', 30_000)
    t.now += DAY
    const events = await toldBy(t, () => t.ok('anna', { type: 'status.orange', amount: 40_000 }))
    const anna = await t.member('anna')
    expect(anna.status).toBe('orange')
    expect(anna.monthly).toBe(40_000)
    expect(anna.red).toBeNull()
    expect((await t.meta()).reds).toEqual({})
    expect((await t.pledge(love)).state).toBe('active')
    expect(await t.pledge(owed)).toMatchObject({
      kind: 'obligation',
      state: 'open',
      overdue: false,
    })
    expect(events).toEqual([
      {
        kind: 'red.ended',
        subject: 'anna',
        amount: 80_000,
        data: { outcome: 'stopped', confirmed: 0, status: 'orange' },
        to: ['anna', 'boris', 'vera'],
      },
      {
        kind: 'intention.revived',
        subject: 'anna',
        pledge: love,
        amount: 10_000,
        to: ['anna', 'boris'],
      },
      {
        kind: 'status.changed',
        actor: 'anna',
        subject: 'anna',
        amount: 40_000,
        data: { status: 'orange', from: 'red' },
        to: ['*'],
      },
    ])
    // The revived intention counts again; the emergency's obligation is not monthly help.
    expect(await progress(t, 'anna')).toMatchObject({
      goal: 40_000,
      intended: 10_000,
      missing: 40_000,
    })
  })
})

describe('status.red', () => {
  it('green → red starts an emergency collection with a deadline and tells everyone', async () => {
    const t = await network()
    let opId = ''
    const events = await toldBy(t, async () => {
      opId = (await t.ok('anna', { type: 'status.red', amount: 80_000, days: 10 })).id
    })
    const deadline = START + 10 * DAY
    const anna = await t.member('anna')
    expect(anna.status).toBe('red')
    expect(anna.monthly).toBe(0)
    expect(anna.red).toEqual({
      id: pledgeIdOf(keyOf('anna'), opId),
      amount: 80_000,
      startedAt: START,
      deadline,
      previous: 'green',
    })
    expect((await t.meta()).reds).toEqual({ [keyOf('anna')]: deadline })
    expect(events).toEqual([
      {
        kind: 'status.changed',
        actor: 'anna',
        subject: 'anna',
        amount: 80_000,
        data: { status: 'red', from: 'green', deadline },
        to: ['*'],
      },
    ])
    expect(await progress(t, 'anna')).toEqual({
      goal: 80_000,
      intended: 0,
      committed: 0,
      confirmed: 0,
      missing: 80_000,
      supporters: 0,
    })
  })

  it('orange → red remembers orange, keeps the monthly amount and freezes intentions', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const fromBoris = await intention(t, 'boris', 'anna', 10_000)
    const fromVera = await intention(t, 'vera', 'anna', 7_000)
    const cancelled = await intention(t, 'gleb', 'anna', 3_000)
    await t.ok('gleb', { type: 'intention.cancel', pledge: cancelled })
    const monthly = await obligation(t, 'gleb', 'anna', 4_000)
    const events = await toldBy(t, () =>
      t.ok('anna', { type: 'status.red', amount: 90_000, days: 31 }),
    )
    const anna = await t.member('anna')
    expect(anna.status).toBe('red')
    expect(anna.monthly).toBe(50_000)
    expect(anna.red).toMatchObject({
      amount: 90_000,
      previous: 'orange',
      deadline: START + 31 * DAY,
    })
    expect(await t.pledge(fromBoris)).toMatchObject({
      kind: 'intention',
      state: 'frozen',
      amount: 10_000,
    })
    expect(await t.pledge(fromVera)).toMatchObject({
      kind: 'intention',
      state: 'frozen',
      amount: 7_000,
    })
    expect((await t.pledge(cancelled)).state).toBe('cancelled')
    expect(await t.pledge(monthly)).toMatchObject({ state: 'open', collection: 'monthly' })
    const [first, second] = [fromBoris, fromVera].sort()
    const amountOf = (id: string) => (id === fromBoris ? 10_000 : 7_000)
    const authorOf = (id: string) => (id === fromBoris ? 'boris' : 'vera')
    expect(events).toEqual([
      {
        kind: 'intention.frozen',
        subject: 'anna',
        pledge: first,
        amount: amountOf(first!),
        to: [authorOf(first!)],
      },
      {
        kind: 'intention.frozen',
        subject: 'anna',
        pledge: second,
        amount: amountOf(second!),
        to: [authorOf(second!)],
      },
      {
        kind: 'status.changed',
        actor: 'anna',
        subject: 'anna',
        amount: 90_000,
        data: { status: 'red', from: 'orange', deadline: START + 31 * DAY },
        to: ['*'],
      },
    ])
    // Frozen intentions stop counting; the monthly obligation is not part of the emergency.
    expect(await progress(t, 'anna')).toMatchObject({
      goal: 90_000,
      intended: 0,
      committed: 0,
      missing: 90_000,
    })
  })

  it('an obligation towards a red member belongs to the emergency and lowers what is missing', async () => {
    const t = await network()
    const { id } = await t.ok('anna', { type: 'status.red', amount: 80_000, days: 10 })
    const owed = await obligation(t, 'boris', 'anna', 30_000)
    expect((await t.pledge(owed)).collection).toBe(pledgeIdOf(keyOf('anna'), id))
    expect(await progress(t, 'anna')).toMatchObject({
      committed: 30_000,
      missing: 50_000,
      supporters: 1,
    })
  })

  it('editing a running emergency changes amount and deadline (from now) and tells the circle', async () => {
    const t = await network()
    const { id } = await t.ok('anna', { type: 'status.red', amount: 80_000, days: 10 })
    await obligation(t, 'boris', 'anna', 10_000)
    t.now = START + 2 * DAY
    const events = await toldBy(t, () =>
      t.ok('anna', { type: 'status.red', amount: 60_000, days: 20 }),
    )
    const deadline = START + 22 * DAY
    const anna = await t.member('anna')
    // Still the same collection: one at a time.
    expect(anna.red).toEqual({
      id: pledgeIdOf(keyOf('anna'), id),
      amount: 60_000,
      startedAt: START,
      deadline,
      previous: 'green',
    })
    expect((await t.meta()).reds).toEqual({ [keyOf('anna')]: deadline })
    expect(events).toEqual([
      {
        kind: 'status.changed',
        actor: 'anna',
        subject: 'anna',
        amount: 60_000,
        data: { status: 'red', from: 'red', edited: true, deadline },
        to: ['anna', 'boris'],
      },
    ])
    // The old deadline passing no longer ends it.
    t.now = START + 15 * DAY
    await t.ok('boris', { type: 'cycle' })
    expect((await t.member('anna')).status).toBe('red')
  })

  it('lowering the amount to what is already confirmed ends the emergency with success', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.red', amount: 80_000, days: 10 })
    const given = await obligation(t, 'boris', 'anna', 30_000)
    const open = await obligation(t, 'vera', 'anna', 20_000)
    await t.ok('anna', { type: 'obligation.confirm', pledge: given })
    const events = await toldBy(t, () =>
      t.ok('anna', { type: 'status.red', amount: 30_000, days: 10 }),
    )
    expect(events.map((e) => e.kind)).toEqual([
      'status.changed',
      'obligation.cancelled',
      'red.ended',
    ])
    expect(events[2]).toEqual({
      kind: 'red.ended',
      subject: 'anna',
      amount: 30_000,
      data: { outcome: 'success', confirmed: 30_000, status: 'green' },
      to: ['anna', 'boris', 'vera'],
    })
    expect((await t.pledge(open)).state).toBe('cancelled')
    expect((await t.member('anna')).status).toBe('green')
  })

  it.each([
    [{ amount: 0, days: 5 }, 'malformed status.red: amount must be greater than 0'],
    [
      { amount: 1.25, days: 5 },
      'malformed status.red: amount must be a whole number of minor units',
    ],
    [{ amount: 100, days: 0 }, 'malformed status.red: days Too small: expected number to be >=1'],
    [{ amount: 100, days: 32 }, 'malformed status.red: days Too big: expected number to be <=31'],
    [
      { amount: 100, days: 2.5 },
      'malformed status.red: days Invalid input: expected int, received number',
    ],
  ])('rejects %o', async (fields, reason) => {
    const t = await network()
    await rejects(t, 'anna', { type: 'status.red', ...fields }, reason)
    expect((await t.member('anna')).status).toBe('green')
  })

  it('accepts the limits of the deadline: 1 and 31 days', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.red', amount: 100, days: 1 })
    await t.ok('boris', { type: 'status.red', amount: 100, days: 31 })
    expect((await t.member('anna')).red!.deadline).toBe(START + DAY)
    expect((await t.member('boris')).red!.deadline).toBe(START + 31 * DAY)
  })
})

describe('status.green', () => {
  it('orange → green cancels intentions in her favour but keeps obligations', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const love = await intention(t, 'boris', 'anna', 10_000)
    const owed = await obligation(t, 'vera', 'anna', 20_000)
    const done = await obligation(t, 'gleb', 'anna', 5_000)
    await t.ok('gleb', { type: 'obligation.fulfil', pledge: done })
    t.now += DAY
    const events = await toldBy(t, () => t.ok('anna', { type: 'status.green' }))
    const anna = await t.member('anna')
    expect(anna.status).toBe('green')
    expect(anna.monthly).toBe(0)
    expect(await t.pledge(love)).toMatchObject({ state: 'cancelled', closedAt: START + DAY })
    expect(await t.pledge(owed)).toMatchObject({ kind: 'obligation', state: 'open' })
    expect(await t.pledge(done)).toMatchObject({ kind: 'obligation', state: 'fulfilled' })
    expect(events).toEqual([
      {
        kind: 'intention.cancelled',
        subject: 'anna',
        pledge: love,
        amount: 10_000,
        data: { reason: 'recipient-not-collecting' },
        to: ['anna', 'boris'],
      },
      {
        kind: 'status.changed',
        actor: 'anna',
        subject: 'anna',
        data: { status: 'green', from: 'orange' },
        // The circle as it was before the change: boris was still in it.
        to: ['anna', 'boris', 'gleb', 'vera'],
      },
    ])
    // The obligation can still be fulfilled and confirmed.
    await t.ok('vera', { type: 'obligation.fulfil', pledge: owed })
    await t.ok('anna', { type: 'obligation.confirm', pledge: owed })
    expect((await t.pledge(owed)).state).toBe('confirmed')
  })

  it('red → green stops the emergency, cancels frozen intentions, keeps its obligations', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const love = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('anna', { type: 'status.red', amount: 80_000, days: 10 })
    const owed = await obligation(t, 'vera', 'anna', 30_000)
    const events = await toldBy(t, () => t.ok('anna', { type: 'status.green' }))
    const anna = await t.member('anna')
    expect(anna).toMatchObject({ status: 'green', monthly: 0, red: null })
    expect((await t.meta()).reds).toEqual({})
    expect((await t.pledge(love)).state).toBe('cancelled')
    expect(await t.pledge(owed)).toMatchObject({ state: 'open', overdue: false })
    expect(events).toEqual([
      {
        kind: 'red.ended',
        subject: 'anna',
        amount: 80_000,
        data: { outcome: 'stopped', confirmed: 0, status: 'green' },
        to: ['anna', 'boris', 'vera'],
      },
      {
        kind: 'intention.cancelled',
        subject: 'anna',
        pledge: love,
        amount: 10_000,
        data: { reason: 'recipient-not-collecting' },
        to: ['anna', 'boris'],
      },
      {
        kind: 'status.changed',
        actor: 'anna',
        subject: 'anna',
        data: { status: 'green', from: 'red' },
        to: ['anna', 'boris', 'vera'],
      },
    ])
    // The old deadline passing does nothing more.
    t.now = START + 11 * DAY
    const later = await toldBy(t, () => t.ok('boris', { type: 'cycle' }))
    expect(later).toEqual([])
    expect((await t.pledge(owed)).overdue).toBe(false)
  })

  it('rejects going green when already green', async () => {
    const t = await network()
    await rejects(t, 'anna', { type: 'status.green' }, 'you are already green')
  })
})

describe('end of a red collection', () => {
  it('succeeds when confirmed obligations reach the amount: unfulfilled ones are cancelled', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const love = await intention(t, 'gleb', 'anna', 10_000)
    await t.ok('anna', { type: 'status.red', amount: 60_000, days: 10 })
    const first = await obligation(t, 'boris', 'anna', 40_000)
    const open = await obligation(t, 'vera', 'anna', 15_000)
    const fulfilled = await obligation(t, 'gleb', 'anna', 5_000)
    const last = await obligation(t, 'boris', 'anna', 20_000)
    await t.ok('gleb', { type: 'obligation.fulfil', pledge: fulfilled })
    await t.ok('anna', { type: 'obligation.confirm', pledge: first })
    expect((await t.member('anna')).status).toBe('red') // 40 000 of 60 000
    t.now += DAY
    const events = await toldBy(t, () => t.ok('anna', { type: 'obligation.confirm', pledge: last }))
    const anna = await t.member('anna')
    expect(anna).toMatchObject({ status: 'orange', monthly: 50_000, red: null })
    expect((await t.meta()).reds).toEqual({})
    expect(await t.pledge(open)).toMatchObject({ state: 'cancelled', closedAt: START + DAY })
    // Fulfilled but not yet confirmed: stays, to be confirmed (and thanked).
    expect((await t.pledge(fulfilled)).state).toBe('fulfilled')
    expect((await t.pledge(love)).state).toBe('active')
    expect(events).toEqual([
      {
        kind: 'obligation.confirmed',
        actor: 'anna',
        subject: 'anna',
        pledge: last,
        amount: 20_000,
        data: { wasOverdue: false },
        to: ['anna', 'boris'],
      },
      {
        kind: 'obligation.cancelled',
        subject: 'anna',
        pledge: open,
        amount: 15_000,
        data: { reason: 'emergency-funded' },
        to: ['anna', 'vera'],
      },
      {
        kind: 'red.ended',
        subject: 'anna',
        amount: 60_000,
        data: { outcome: 'success', confirmed: 60_000, status: 'orange' },
        to: ['anna', 'boris', 'gleb', 'vera'],
      },
      {
        kind: 'intention.revived',
        subject: 'anna',
        pledge: love,
        amount: 10_000,
        to: ['anna', 'gleb'],
      },
    ])
  })

  it('returns to green after success when the emergency started from green', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.red', amount: 10_000, days: 3 })
    const owed = await obligation(t, 'boris', 'anna', 12_000)
    await t.ok('anna', { type: 'obligation.confirm', pledge: owed })
    expect(await t.member('anna')).toMatchObject({ status: 'green', monthly: 0, red: null })
  })

  it('monthly obligations confirmed during the emergency do not count towards it', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const monthly = await obligation(t, 'boris', 'anna', 30_000)
    await t.ok('anna', { type: 'status.red', amount: 20_000, days: 10 })
    await t.ok('anna', { type: 'obligation.confirm', pledge: monthly })
    expect((await t.member('anna')).status).toBe('red')
    expect((await progress(t, 'anna')).missing).toBe(20_000)
  })

  it('a frozen intention turned into an obligation counts once confirmed', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const love = await intention(t, 'boris', 'anna', 25_000)
    await t.ok('anna', { type: 'status.red', amount: 25_000, days: 10 })
    await t.ok('boris', { type: 'intention.fulfil', pledge: love })
    expect((await t.member('anna')).status).toBe('red')
    await t.ok('anna', { type: 'obligation.confirm', pledge: love })
    expect((await t.member('anna')).status).toBe('orange')
  })

  it('partial when the deadline passes: unfulfilled obligations become overdue', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const love = await intention(t, 'gleb', 'anna', 10_000)
    await t.ok('anna', { type: 'status.red', amount: 90_000, days: 5 })
    const deadline = START + 5 * DAY
    const confirmed = await obligation(t, 'boris', 'anna', 30_000)
    const open = await obligation(t, 'vera', 'anna', 20_000)
    const fulfilled = await obligation(t, 'boris', 'anna', 10_000)
    await t.ok('anna', { type: 'obligation.confirm', pledge: confirmed })
    await t.ok('boris', { type: 'obligation.fulfil', pledge: fulfilled })

    // One millisecond before the deadline nothing happens.
    t.now = deadline - 1
    expect(await toldBy(t, () => t.ok('vera', { type: 'cycle' }))).toEqual([])
    expect((await t.member('anna')).status).toBe('red')

    // A later op (here one that is itself rejected) moves time past the deadline.
    t.now = deadline + 3 * DAY
    const events = await toldBy(t, async () => {
      const r = await t.op('vera', { type: 'status.green' })
      expect(r.reason).toBe('you are already green')
    })
    expect(await t.member('anna')).toMatchObject({ status: 'orange', monthly: 50_000, red: null })
    expect((await t.meta()).reds).toEqual({})
    expect(await t.pledge(open)).toMatchObject({
      state: 'open',
      overdue: true,
      overdueSince: deadline,
    })
    expect(await t.pledge(fulfilled)).toMatchObject({
      state: 'fulfilled',
      overdue: true,
      overdueSince: deadline,
    })
    expect(await t.pledge(confirmed)).toMatchObject({ state: 'confirmed', overdue: false })
    expect((await t.pledge(love)).state).toBe('active')
    const overdue = [open, fulfilled].sort()
    const who = (id: string) => (id === open ? ['anna', 'vera'] : ['anna', 'boris'])
    const amount = (id: string) => (id === open ? 20_000 : 10_000)
    expect(events).toEqual([
      ...overdue.map((id) => ({
        kind: 'obligation.overdue',
        subject: 'anna',
        pledge: id,
        amount: amount(id),
        to: who(id),
      })),
      {
        kind: 'red.ended',
        subject: 'anna',
        amount: 90_000,
        data: { outcome: 'partial', confirmed: 30_000, status: 'orange' },
        to: ['anna', 'boris', 'gleb', 'vera'],
      },
      {
        kind: 'intention.revived',
        subject: 'anna',
        pledge: love,
        amount: 10_000,
        to: ['anna', 'gleb'],
      },
    ])
    const ended = (await t.kv.list<{ kind: string; at: number }>('event/')).find(
      (e) => e.value.kind === 'red.ended',
    )
    expect(ended!.value.at).toBe(deadline)
  })

  it('the deadline is reached by an op carrying exactly its time', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.red', amount: 10_000, days: 2 })
    t.now = START + 2 * DAY
    await t.ok('boris', { type: 'cycle' })
    expect(await t.member('anna')).toMatchObject({ status: 'green', red: null })
  })

  it('after a partial end the member can start a new emergency; old obligations stay with the old one', async () => {
    const t = await network()
    const first = await t.ok('anna', { type: 'status.red', amount: 10_000, days: 2 })
    const owed = await obligation(t, 'boris', 'anna', 4_000)
    t.now = START + 3 * DAY
    const second = await t.ok('anna', { type: 'status.red', amount: 20_000, days: 5 })
    const anna = await t.member('anna')
    expect(anna.red!.id).toBe(pledgeIdOf(keyOf('anna'), second.id))
    expect(anna.red!.previous).toBe('green')
    expect((await t.pledge(owed)).collection).toBe(pledgeIdOf(keyOf('anna'), first.id))
    // Confirming the old obligation does not fund the new emergency.
    await t.ok('anna', { type: 'obligation.confirm', pledge: owed })
    expect((await progress(t, 'anna')).missing).toBe(20_000)
  })
})
