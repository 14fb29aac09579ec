import { describe, expect, it } from 'vitest'
import { keys, pledgeIdOf } from '../../core/ledger/model.ts'
import { OP_VERSION } from '../../core/ledger/ops.ts'
import { DAY, TestLedger, keyOf } from '../support/ledger.ts'
import { currentIds, progress, rejects, supportersOf, toldBy } from '../support/events.ts'

const START = Date.UTC(2026, 10, 3, 12)

/** anna is orange (50 000 a month); boris, vera, gleb are green; lev joined and left. */
async function network() {
  const t = await new TestLedger(START).network('anna', ['boris', 'vera', 'gleb', 'lev'])
  await t.ok('anna', { type: 'status.orange', amount: 50_000 })
  await t.ok('lev', { type: 'member.leave' })
  return t
}

async function intention(t: TestLedger, from: string, to: string, amount: number) {
  return (await t.ok(from, { type: 'intention.create', to: keyOf(to), amount })).pledge
}

describe('intention.create', () => {
  it('records an active intention in the monthly collection and tells X and the circle', async () => {
    const t = await network()
    await t.ok('vera', { type: 'status.orange', amount: 30_000 })
    await intention(t, 'gleb', 'anna', 5_000) // gleb already supports anna
    await t.ok('anna', { type: 'obligation.create', to: keyOf('vera'), amount: 1_000 }) // anna supports vera
    t.now += DAY
    let pledge = ''
    const events = await toldBy(t, async () => {
      const r = await t.ok('boris', {
        type: 'intention.create',
        to: keyOf('anna'),
        amount: 10_000,
        note: 'groceries',
      })
      pledge = r.pledge
      expect(pledge).toBe(pledgeIdOf(keyOf('boris'), r.id))
    })
    expect(await t.pledge(pledge)).toEqual({
      id: pledge,
      kind: 'intention',
      state: 'active',
      from: keyOf('boris'),
      to: keyOf('anna'),
      amount: 10_000,
      note: 'groceries',
      collection: 'monthly',
      cycle: '2026-11',
      createdAt: START + DAY,
      overdue: false,
    })
    expect(await t.kv.get(keys.currentIn(keyOf('anna'), pledge))).toEqual(await t.pledge(pledge))
    expect(await t.kv.get(keys.currentOut(keyOf('boris'), pledge))).toEqual(await t.pledge(pledge))
    expect(await currentIds(t)).toContain(pledge)
    expect(events).toEqual([
      {
        kind: 'intention.created',
        actor: 'boris',
        subject: 'anna',
        pledge,
        amount: 10_000,
        to: ['anna', 'boris', 'gleb', 'vera'],
      },
    ])
    expect(await supportersOf(t, 'anna')).toEqual(['boris', 'gleb'])
    // Intentions are compared with what is missing; they do not lower it.
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 15_000,
      committed: 0,
      confirmed: 0,
      missing: 50_000,
      supporters: 2,
    })
  })

  it('a new intention is possible once the previous one was cancelled', async () => {
    const t = await network()
    const first = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('boris', { type: 'intention.cancel', pledge: first })
    const second = await intention(t, 'boris', 'anna', 12_000)
    expect(second).not.toBe(first)
    expect((await t.pledge(second)).state).toBe('active')
  })

  it('rejects an intention towards yourself', async () => {
    const t = await network()
    await rejects(
      t,
      'anna',
      { type: 'intention.create', to: keyOf('anna'), amount: 100 },
      'you cannot promise help to yourself',
    )
  })

  it('rejects an intention towards a green member', async () => {
    const t = await network()
    await rejects(
      t,
      'boris',
      { type: 'intention.create', to: keyOf('vera'), amount: 100 },
      'vera is not asking for monthly support',
    )
  })

  it('rejects an intention towards a red member: only obligations', async () => {
    const t = await network()
    await t.ok('vera', { type: 'status.red', amount: 10_000, days: 5 })
    await rejects(
      t,
      'boris',
      { type: 'intention.create', to: keyOf('vera'), amount: 100 },
      'vera needs emergency help: only obligations are accepted',
    )
  })

  it('rejects an intention towards someone who is not a member', async () => {
    const t = await network()
    await rejects(
      t,
      'boris',
      { type: 'intention.create', to: keyOf('egor'), amount: 100 },
      `recipient ${keyOf('egor').slice(0, 8)} is not a member of this network`,
    )
  })

  it('rejects an intention towards a member who left', async () => {
    const t = await network()
    await rejects(
      t,
      'boris',
      { type: 'intention.create', to: keyOf('lev'), amount: 100 },
      'recipient lev has left this network',
    )
  })

  it('rejects a second intention towards the same member', async () => {
    const t = await network()
    const first = await intention(t, 'boris', 'anna', 10_000)
    await rejects(
      t,
      'boris',
      { type: 'intention.create', to: keyOf('anna'), amount: 5_000 },
      `you already have an intention towards anna (${first}): change it instead`,
    )
  })

  it('rejects reusing an op id for a second pledge', async () => {
    const t = await network()
    const op = { v: OP_VERSION, id: 'same-id', ts: START, to: keyOf('anna'), amount: 100 }
    expect((await t.raw('boris', { ...op, type: 'intention.create' })).accepted).toBe(true)
    await t.ok('boris', { type: 'intention.cancel', pledge: pledgeIdOf(keyOf('boris'), 'same-id') })
    const again = await t.raw('boris', { ...op, type: 'intention.create', amount: 999 })
    expect(again.accepted).toBe(false)
    expect(again.reason).toBe('duplicate op id same-id')
    expect((await t.pledge(pledgeIdOf(keyOf('boris'), 'same-id'))).amount).toBe(100)
  })

  it.each([
    [{ amount: 0 }, 'malformed intention.create: amount must be greater than 0'],
    [{ amount: 99.5 }, 'malformed intention.create: amount must be a whole number of minor units'],
    [
      { amount: 100, note: 'x'.repeat(141) },
      'malformed intention.create: note must be at most 140 characters',
    ],
  ])('rejects %o', async (fields, reason) => {
    const t = await network()
    await rejects(t, 'boris', { type: 'intention.create', to: keyOf('anna'), ...fields }, reason)
  })
})

describe('intention.change', () => {
  it('changes the amount and tells X and the circle', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await intention(t, 'vera', 'anna', 3_000)
    const events = await toldBy(t, () =>
      t.ok('boris', { type: 'intention.change', pledge, amount: 12_500 }),
    )
    expect(await t.pledge(pledge)).toMatchObject({ state: 'active', amount: 12_500 })
    expect(await t.kv.get(keys.currentIn(keyOf('anna'), pledge))).toMatchObject({ amount: 12_500 })
    expect(events).toEqual([
      {
        kind: 'intention.changed',
        actor: 'boris',
        subject: 'anna',
        pledge,
        amount: 12_500,
        data: { was: 10_000 },
        to: ['anna', 'boris', 'vera'],
      },
    ])
    expect((await progress(t, 'anna')).intended).toBe(15_500)
  })

  it.each([['anna'], ['vera']])('rejects a change by %s, who is not its author', async (who) => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await rejects(
      t,
      who,
      { type: 'intention.change', pledge, amount: 1 },
      `only the author of intention ${pledge} may do this`,
    )
  })

  it('rejects changing an intention to the amount it already has', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await rejects(
      t,
      'boris',
      { type: 'intention.change', pledge, amount: 10_000 },
      'the intention is already 10000',
    )
  })

  it('rejects changing a frozen intention', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('anna', { type: 'status.red', amount: 1_000, days: 3 })
    await rejects(
      t,
      'boris',
      { type: 'intention.change', pledge, amount: 2_000 },
      'this intention is frozen while the recipient runs an emergency',
    )
  })

  it('rejects changing a cancelled intention', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('boris', { type: 'intention.cancel', pledge })
    await rejects(
      t,
      'boris',
      { type: 'intention.change', pledge, amount: 2_000 },
      'this intention is cancelled',
    )
  })

  it('rejects changing a lapsed intention', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    t.now = Date.UTC(2026, 11, 1)
    await t.ok('boris', { type: 'cycle' })
    await rejects(
      t,
      'boris',
      { type: 'intention.change', pledge, amount: 2_000 },
      'this intention is lapsed',
    )
  })

  it('rejects changing an obligation as if it were an intention', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('boris', { type: 'intention.commit', pledge })
    await rejects(
      t,
      'boris',
      { type: 'intention.change', pledge, amount: 2_000 },
      `${pledge} is an obligation, not an intention`,
    )
  })

  it('rejects a pledge that does not exist', async () => {
    const t = await network()
    const pledge = pledgeIdOf(keyOf('boris'), 'nothing')
    await rejects(
      t,
      'boris',
      { type: 'intention.change', pledge, amount: 1 },
      `no pledge ${pledge}`,
    )
  })

  it('rejects an amount of 0', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await rejects(
      t,
      'boris',
      { type: 'intention.change', pledge, amount: 0 },
      'malformed intention.change: amount must be greater than 0',
    )
  })
})

describe('intention.cancel', () => {
  it('cancels an active intention: the author leaves the circle and the circle is told', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await intention(t, 'vera', 'anna', 3_000)
    t.now += DAY
    const events = await toldBy(t, () => t.ok('boris', { type: 'intention.cancel', pledge }))
    expect(await t.pledge(pledge)).toMatchObject({ state: 'cancelled', closedAt: START + DAY })
    expect(await currentIds(t)).not.toContain(pledge)
    expect(events).toEqual([
      {
        kind: 'intention.cancelled',
        actor: 'boris',
        subject: 'anna',
        pledge,
        amount: 10_000,
        to: ['anna', 'boris', 'vera'],
      },
    ])
    expect(await supportersOf(t, 'anna')).toEqual(['vera'])
    expect((await progress(t, 'anna')).intended).toBe(3_000)
  })

  it('stays in the circle when linked otherwise (an obligation as well)', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('boris', { type: 'obligation.create', to: keyOf('anna'), amount: 2_000 })
    await t.ok('boris', { type: 'intention.cancel', pledge })
    expect(await supportersOf(t, 'anna')).toEqual(['boris'])
  })

  it('a frozen intention can be cancelled too', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('anna', { type: 'status.red', amount: 1_000, days: 3 })
    await t.ok('boris', { type: 'intention.cancel', pledge })
    expect((await t.pledge(pledge)).state).toBe('cancelled')
    // And does not come back when the emergency ends.
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    expect((await t.pledge(pledge)).state).toBe('cancelled')
  })

  it.each([['anna'], ['vera']])('rejects a cancel by %s, who is not its author', async (who) => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await rejects(
      t,
      who,
      { type: 'intention.cancel', pledge },
      `only the author of intention ${pledge} may do this`,
    )
  })

  it('rejects cancelling twice', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('boris', { type: 'intention.cancel', pledge })
    await rejects(t, 'boris', { type: 'intention.cancel', pledge }, 'this intention is cancelled')
  })

  it('rejects cancelling an obligation: an obligation can never be cancelled by its author', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('boris', { type: 'intention.commit', pledge })
    await rejects(
      t,
      'boris',
      { type: 'intention.cancel', pledge },
      `${pledge} is an obligation, not an intention`,
    )
  })
})

describe('intention.commit', () => {
  it('turns the intention into an open obligation that lowers what is missing', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    t.now += DAY
    const events = await toldBy(t, () => t.ok('boris', { type: 'intention.commit', pledge }))
    expect(await t.pledge(pledge)).toEqual({
      id: pledge,
      kind: 'obligation',
      state: 'open',
      from: keyOf('boris'),
      to: keyOf('anna'),
      amount: 10_000,
      note: '',
      collection: 'monthly',
      cycle: '2026-11',
      createdAt: START,
      committedAt: START + DAY,
      overdue: false,
    })
    expect(await currentIds(t)).toContain(pledge)
    expect(events).toEqual([
      {
        kind: 'obligation.created',
        actor: 'boris',
        subject: 'anna',
        pledge,
        amount: 10_000,
        data: { fromIntention: true },
        to: ['anna', 'boris'],
      },
    ])
    expect(await progress(t, 'anna')).toMatchObject({
      intended: 0,
      committed: 10_000,
      missing: 40_000,
    })
  })

  it('a frozen intention becomes an obligation towards the emergency', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    const red = await t.ok('anna', { type: 'status.red', amount: 30_000, days: 3 })
    await t.ok('boris', { type: 'intention.commit', pledge })
    expect(await t.pledge(pledge)).toMatchObject({
      kind: 'obligation',
      state: 'open',
      collection: pledgeIdOf(keyOf('anna'), red.id),
    })
    expect((await progress(t, 'anna')).missing).toBe(20_000)
  })

  it.each([['anna'], ['vera']])('rejects a commit by %s, who is not its author', async (who) => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await rejects(
      t,
      who,
      { type: 'intention.commit', pledge },
      `only the author of intention ${pledge} may do this`,
    )
  })

  it('rejects committing twice', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('boris', { type: 'intention.commit', pledge })
    await rejects(
      t,
      'boris',
      { type: 'intention.commit', pledge },
      `${pledge} is an obligation, not an intention`,
    )
  })

  it('rejects committing a cancelled intention', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('boris', { type: 'intention.cancel', pledge })
    await rejects(t, 'boris', { type: 'intention.commit', pledge }, 'this intention is cancelled')
  })

  it('rejects committing an intention cancelled because X went green', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await t.ok('anna', { type: 'status.green' })
    await rejects(t, 'boris', { type: 'intention.commit', pledge }, 'this intention is cancelled')
  })
})

describe('intention.fulfil', () => {
  it('turns the intention into an obligation already fulfilled, awaiting confirmation', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    t.now += DAY
    const events = await toldBy(t, () => t.ok('boris', { type: 'intention.fulfil', pledge }))
    expect(await t.pledge(pledge)).toMatchObject({
      kind: 'obligation',
      state: 'fulfilled',
      collection: 'monthly',
      committedAt: START + DAY,
      fulfilledAt: START + DAY,
      overdue: false,
    })
    expect(events).toEqual([
      {
        kind: 'obligation.created',
        actor: 'boris',
        subject: 'anna',
        pledge,
        amount: 10_000,
        data: { fromIntention: true },
        to: ['anna', 'boris'],
      },
      {
        kind: 'obligation.fulfilled',
        actor: 'boris',
        subject: 'anna',
        pledge,
        amount: 10_000,
        to: ['anna', 'boris'],
      },
    ])
    expect(await progress(t, 'anna')).toMatchObject({ committed: 10_000, missing: 40_000 })
    // X confirms it like any obligation.
    await t.ok('anna', { type: 'obligation.confirm', pledge })
    expect(await progress(t, 'anna')).toMatchObject({ confirmed: 10_000, missing: 40_000 })
  })

  it('a frozen intention can be fulfilled at once towards the emergency', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    const red = await t.ok('anna', { type: 'status.red', amount: 30_000, days: 3 })
    await t.ok('boris', { type: 'intention.fulfil', pledge })
    expect(await t.pledge(pledge)).toMatchObject({
      kind: 'obligation',
      state: 'fulfilled',
      collection: pledgeIdOf(keyOf('anna'), red.id),
    })
  })

  it.each([['anna'], ['vera']])('rejects a fulfil by %s, who is not its author', async (who) => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    await rejects(
      t,
      who,
      { type: 'intention.fulfil', pledge },
      `only the author of intention ${pledge} may do this`,
    )
  })

  it('rejects fulfilling a lapsed intention', async () => {
    const t = await network()
    const pledge = await intention(t, 'boris', 'anna', 10_000)
    t.now = Date.UTC(2026, 11, 1)
    await t.ok('boris', { type: 'cycle' })
    await rejects(t, 'boris', { type: 'intention.fulfil', pledge }, 'this intention is lapsed')
  })

  it('rejects fulfilling an obligation through intention.fulfil', async () => {
    const t = await network()
    const { pledge } = await t.ok('boris', {
      type: 'obligation.create',
      to: keyOf('anna'),
      amount: 100,
    })
    await rejects(
      t,
      'boris',
      { type: 'intention.fulfil', pledge },
      `${pledge} is an obligation, not an intention`,
    )
  })
})
