import { describe, expect, it } from 'vitest'
import { pledgeIdOf } from '../../core/ledger/model.ts'
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

async function obligation(t: TestLedger, from: string, to: string, amount: number) {
  return (await t.ok(from, { type: 'obligation.create', to: keyOf(to), amount })).pledge
}

describe('obligation.create', () => {
  it('records an open obligation in the monthly collection and tells X and the circle', async () => {
    const t = await network()
    await t.ok('vera', { type: 'intention.create', to: keyOf('anna'), amount: 1_000 })
    t.now += DAY
    let pledge = ''
    const events = await toldBy(t, async () => {
      const r = await t.ok('boris', {
        type: 'obligation.create',
        to: keyOf('anna'),
        amount: 20_000,
        note: 'fixing the roof',
      })
      pledge = r.pledge
      expect(pledge).toBe(pledgeIdOf(keyOf('boris'), r.id))
    })
    expect(await t.pledge(pledge)).toEqual({
      id: pledge,
      kind: 'obligation',
      state: 'open',
      from: keyOf('boris'),
      to: keyOf('anna'),
      amount: 20_000,
      note: 'fixing the roof',
      collection: 'monthly',
      cycle: '2026-11',
      createdAt: START + DAY,
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
        amount: 20_000,
        to: ['anna', 'boris', 'vera'],
      },
    ])
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 1_000,
      committed: 20_000,
      confirmed: 0,
      missing: 30_000,
      supporters: 2,
    })
  })

  it('towards a red member it belongs to the emergency', async () => {
    const t = await network()
    const red = await t.ok('vera', { type: 'status.red', amount: 10_000, days: 4 })
    const pledge = await obligation(t, 'boris', 'vera', 4_000)
    expect(await t.pledge(pledge)).toMatchObject({
      state: 'open',
      collection: pledgeIdOf(keyOf('vera'), red.id),
    })
    expect((await progress(t, 'vera')).missing).toBe(6_000)
  })

  it('several obligations to the same member are allowed; what is missing never goes below 0', async () => {
    const t = await network()
    await obligation(t, 'boris', 'anna', 30_000)
    await obligation(t, 'boris', 'anna', 30_000)
    expect(await progress(t, 'anna')).toMatchObject({ committed: 60_000, missing: 0 })
  })

  it('rejects an obligation towards a green member', async () => {
    const t = await network()
    await rejects(
      t,
      'boris',
      { type: 'obligation.create', to: keyOf('vera'), amount: 100 },
      'vera is not asking for help',
    )
  })

  it('rejects an obligation towards yourself', async () => {
    const t = await network()
    await rejects(
      t,
      'anna',
      { type: 'obligation.create', to: keyOf('anna'), amount: 100 },
      'you cannot promise help to yourself',
    )
  })

  it('rejects an obligation towards a member who left', async () => {
    const t = await network()
    await rejects(
      t,
      'boris',
      { type: 'obligation.create', to: keyOf('lev'), amount: 100 },
      'recipient lev has left this network',
    )
  })

  it('rejects an obligation towards someone who is not a member', async () => {
    const t = await network()
    await rejects(
      t,
      'boris',
      { type: 'obligation.create', to: keyOf('wanda'), amount: 100 },
      `recipient ${keyOf('wanda').slice(0, 8)} is not a member of this network`,
    )
  })

  it('rejects reusing an op id for a second pledge', async () => {
    const t = await network()
    const op = { v: OP_VERSION, id: 'same-id', ts: START, to: keyOf('anna'), amount: 100 }
    expect((await t.raw('boris', { ...op, type: 'intention.create' })).accepted).toBe(true)
    const again = await t.raw('boris', { ...op, type: 'obligation.create', amount: 5 })
    expect(again.reason).toBe('duplicate op id same-id')
    expect(await t.pledge(pledgeIdOf(keyOf('boris'), 'same-id'))).toMatchObject({
      kind: 'intention',
      amount: 100,
    })
  })

  it.each([
    [{ amount: 0 }, 'malformed obligation.create: amount must be greater than 0'],
    [{ amount: -1 }, 'malformed obligation.create: amount must be greater than 0'],
    [{ amount: 0.01 }, 'malformed obligation.create: amount must be a whole number of minor units'],
    [{ amount: 1e12 + 1 }, 'malformed obligation.create: amount must be at most 1000000000000'],
  ])('rejects %o', async (fields, reason) => {
    const t = await network()
    await rejects(t, 'boris', { type: 'obligation.create', to: keyOf('anna'), ...fields }, reason)
  })
})

describe('obligation.fulfil', () => {
  it('marks it fulfilled, awaiting confirmation, and tells X', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    t.now += DAY
    const events = await toldBy(t, () => t.ok('boris', { type: 'obligation.fulfil', pledge }))
    expect(await t.pledge(pledge)).toMatchObject({ state: 'fulfilled', fulfilledAt: START + DAY })
    expect(await currentIds(t)).toContain(pledge)
    expect(events).toEqual([
      {
        kind: 'obligation.fulfilled',
        actor: 'boris',
        subject: 'anna',
        pledge,
        amount: 20_000,
        to: ['anna', 'boris'],
      },
    ])
    expect(await progress(t, 'anna')).toMatchObject({ committed: 20_000, missing: 30_000 })
  })

  it.each([['anna'], ['vera']])('rejects fulfilment by %s, who is not its author', async (who) => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    await rejects(
      t,
      who,
      { type: 'obligation.fulfil', pledge },
      `only the author of obligation ${pledge} may do this`,
    )
  })

  it('rejects marking it fulfilled twice', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    await t.ok('boris', { type: 'obligation.fulfil', pledge })
    await rejects(
      t,
      'boris',
      { type: 'obligation.fulfil', pledge },
      'this obligation is already marked fulfilled',
    )
  })

  it.each([
    ['confirmed', 'obligation.confirm'],
    ['forgiven', 'obligation.forgive'],
  ] as const)('rejects fulfilling an obligation already %s', async (state, by) => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    await t.ok('anna', { type: by, pledge })
    await rejects(t, 'boris', { type: 'obligation.fulfil', pledge }, `this obligation is ${state}`)
  })

  it('rejects fulfilling an obligation cancelled by a funded emergency', async () => {
    const t = await network()
    await t.ok('vera', { type: 'status.red', amount: 10_000, days: 4 })
    const pledge = await obligation(t, 'boris', 'vera', 4_000)
    const big = await obligation(t, 'gleb', 'vera', 10_000)
    await t.ok('vera', { type: 'obligation.confirm', pledge: big })
    await rejects(t, 'boris', { type: 'obligation.fulfil', pledge }, 'this obligation is cancelled')
  })

  it('rejects obligation.fulfil on an intention', async () => {
    const t = await network()
    const { pledge } = await t.ok('boris', {
      type: 'intention.create',
      to: keyOf('anna'),
      amount: 100,
    })
    await rejects(
      t,
      'boris',
      { type: 'obligation.fulfil', pledge },
      `${pledge} is an intention, not an obligation`,
    )
  })

  it('an overdue obligation can still be fulfilled; it stays overdue until confirmed', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    t.now = Date.UTC(2026, 11, 5)
    await t.ok('boris', { type: 'obligation.fulfil', pledge })
    expect(await t.pledge(pledge)).toMatchObject({ state: 'fulfilled', overdue: true })
  })
})

describe('obligation.confirm', () => {
  it('X confirms a fulfilled obligation: done, the author is told', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    await t.ok('boris', { type: 'obligation.fulfil', pledge })
    t.now += DAY
    const events = await toldBy(t, () => t.ok('anna', { type: 'obligation.confirm', pledge }))
    expect(await t.pledge(pledge)).toMatchObject({
      state: 'confirmed',
      fulfilledAt: START,
      confirmedAt: START + DAY,
      confirmedCycle: '2026-11',
      overdue: false,
    })
    // Kept for the rollover: confirmed monthly help is renewed.
    expect(await currentIds(t)).toContain(pledge)
    expect(events).toEqual([
      {
        kind: 'obligation.confirmed',
        actor: 'anna',
        subject: 'anna',
        pledge,
        amount: 20_000,
        data: { wasOverdue: false },
        to: ['anna', 'boris'],
      },
    ])
    expect(await progress(t, 'anna')).toMatchObject({
      committed: 0,
      confirmed: 20_000,
      missing: 30_000,
      supporters: 1,
    })
  })

  it('X may confirm help received before the author marked it', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    t.now += DAY
    await t.ok('anna', { type: 'obligation.confirm', pledge })
    expect(await t.pledge(pledge)).toMatchObject({
      state: 'confirmed',
      fulfilledAt: START + DAY,
      confirmedAt: START + DAY,
    })
  })

  it('a confirmed obligation towards an emergency stays current while the emergency runs', async () => {
    const t = await network()
    t.now = Date.UTC(2026, 10, 25)
    await t.ok('vera', { type: 'status.red', amount: 10_000, days: 20 }) // until 15 December
    const pledge = await obligation(t, 'boris', 'vera', 4_000)
    await t.ok('vera', { type: 'obligation.confirm', pledge })
    expect(await currentIds(t)).toContain(pledge)
    // across the month's end too: it still counts towards the emergency
    t.now = Date.UTC(2026, 11, 1, 1)
    await t.ok('boris', { type: 'cycle' })
    expect(await currentIds(t)).toContain(pledge)
    expect((await progress(t, 'vera')).confirmed).toBe(4_000)
  })

  it('rejects the author confirming their own obligation', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    await t.ok('boris', { type: 'obligation.fulfil', pledge })
    await rejects(
      t,
      'boris',
      { type: 'obligation.confirm', pledge },
      'you cannot confirm your own obligation',
    )
  })

  it('rejects a third member confirming', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    await rejects(
      t,
      'vera',
      { type: 'obligation.confirm', pledge },
      'only the recipient may confirm this obligation',
    )
  })

  it.each([
    ['confirmed', 'obligation.confirm'],
    ['forgiven', 'obligation.forgive'],
  ] as const)('rejects confirming an obligation already %s', async (state, by) => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    await t.ok('anna', { type: by, pledge })
    await rejects(t, 'anna', { type: 'obligation.confirm', pledge }, `this obligation is ${state}`)
  })

  it('rejects confirming an intention', async () => {
    const t = await network()
    const { pledge } = await t.ok('boris', {
      type: 'intention.create',
      to: keyOf('anna'),
      amount: 100,
    })
    await rejects(
      t,
      'anna',
      { type: 'obligation.confirm', pledge },
      `${pledge} is an intention, not an obligation`,
    )
  })

  it('rejects a pledge that does not exist', async () => {
    const t = await network()
    const pledge = pledgeIdOf(keyOf('boris'), 'missing')
    await rejects(t, 'anna', { type: 'obligation.confirm', pledge }, `no pledge ${pledge}`)
  })
})

describe('obligation.forgive', () => {
  it.each([['open'], ['fulfilled']] as const)(
    'X forgives an %s obligation: the author leaves the circle and is told',
    async (state) => {
      const t = await network()
      const pledge = await obligation(t, 'boris', 'anna', 20_000)
      if (state === 'fulfilled') await t.ok('boris', { type: 'obligation.fulfil', pledge })
      t.now += DAY
      const events = await toldBy(t, () => t.ok('anna', { type: 'obligation.forgive', pledge }))
      expect(await t.pledge(pledge)).toMatchObject({ state: 'forgiven', closedAt: START + DAY })
      expect(await currentIds(t)).not.toContain(pledge)
      expect(events).toEqual([
        {
          kind: 'obligation.forgiven',
          actor: 'anna',
          subject: 'anna',
          pledge,
          amount: 20_000,
          to: ['anna', 'boris'],
        },
      ])
      expect(await supportersOf(t, 'anna')).toEqual([])
      expect(await progress(t, 'anna')).toMatchObject({ committed: 0, missing: 50_000 })
    },
  )

  it('X may forgive an overdue obligation', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    t.now = Date.UTC(2026, 11, 5)
    await t.ok('anna', { type: 'obligation.forgive', pledge })
    expect((await t.pledge(pledge)).state).toBe('forgiven')
  })

  it('rejects the author forgiving their own obligation', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    await rejects(
      t,
      'boris',
      { type: 'obligation.forgive', pledge },
      'you cannot forgive your own obligation',
    )
  })

  it('rejects a third member forgiving', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    await rejects(
      t,
      'vera',
      { type: 'obligation.forgive', pledge },
      'only the recipient may forgive this obligation',
    )
  })

  it('rejects forgiving a confirmed obligation', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    await t.ok('anna', { type: 'obligation.confirm', pledge })
    await rejects(t, 'anna', { type: 'obligation.forgive', pledge }, 'this obligation is confirmed')
  })

  it('rejects forgiving twice', async () => {
    const t = await network()
    const pledge = await obligation(t, 'boris', 'anna', 20_000)
    await t.ok('anna', { type: 'obligation.forgive', pledge })
    await rejects(t, 'anna', { type: 'obligation.forgive', pledge }, 'this obligation is forgiven')
  })

  it('rejects forgiving an intention', async () => {
    const t = await network()
    const { pledge } = await t.ok('boris', {
      type: 'intention.create',
      to: keyOf('anna'),
      amount: 100,
    })
    await rejects(
      t,
      'anna',
      { type: 'obligation.forgive', pledge },
      `${pledge} is an intention, not an obligation`,
    )
  })
})
