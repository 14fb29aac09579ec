import { describe, expect, it } from 'vitest'
import { pledgeIdOf, type Pledge } from '../../core/ledger/model.ts'
import { TestLedger, keyOf } from '../support/ledger.ts'
import { rejects, toldBy } from '../support/events.ts'

const START = Date.UTC(2026, 10, 3, 12)

/** anna is orange; boris holds an intention and an obligation towards her; vera is a third member. */
async function network() {
  const t = await new TestLedger(START).network('anna', ['boris', 'vera'])
  await t.ok('anna', { type: 'status.orange', amount: 50_000 })
  const love = (await t.ok('boris', { type: 'intention.create', to: keyOf('anna'), amount: 7_000 }))
    .pledge
  const owed = (
    await t.ok('boris', { type: 'obligation.create', to: keyOf('anna'), amount: 3_000 })
  ).pledge
  return { t, love, owed }
}

/** Requests only notify: the pledge must be exactly as before. */
async function unchanged(t: TestLedger, id: string, fn: () => Promise<unknown>) {
  const before: Pledge = await t.pledge(id)
  const events = await toldBy(t, fn)
  expect(await t.pledge(id)).toEqual(before)
  return events
}

describe('request.commit (X asks to turn an intention into an obligation)', () => {
  it('tells the author only', async () => {
    const { t, love } = await network()
    const events = await unchanged(t, love, () =>
      t.ok('anna', { type: 'request.commit', pledge: love }),
    )
    expect(events).toEqual([
      {
        kind: 'request.commit',
        actor: 'anna',
        subject: 'anna',
        pledge: love,
        amount: 7_000,
        to: ['boris'],
      },
    ])
  })

  it('may be asked for a frozen intention (towards the emergency)', async () => {
    const { t, love } = await network()
    await t.ok('anna', { type: 'status.red', amount: 10_000, days: 3 })
    const events = await unchanged(t, love, () =>
      t.ok('anna', { type: 'request.commit', pledge: love }),
    )
    expect(events.map((e) => [e.kind, e.to])).toEqual([['request.commit', ['boris']]])
  })

  it.each([['boris'], ['vera']])('rejects the request from %s, who is not X', async (who) => {
    const { t, love } = await network()
    await rejects(
      t,
      who,
      { type: 'request.commit', pledge: love },
      'only the recipient may ask to turn an intention into an obligation',
    )
  })

  it('rejects asking about an obligation', async () => {
    const { t, owed } = await network()
    await rejects(
      t,
      'anna',
      { type: 'request.commit', pledge: owed },
      'this is already an obligation',
    )
  })

  it('rejects asking about a cancelled intention', async () => {
    const { t, love } = await network()
    await t.ok('boris', { type: 'intention.cancel', pledge: love })
    await rejects(
      t,
      'anna',
      { type: 'request.commit', pledge: love },
      'this intention is cancelled',
    )
  })

  it('rejects a pledge that does not exist', async () => {
    const { t } = await network()
    const pledge = pledgeIdOf(keyOf('boris'), 'unknown')
    await rejects(t, 'anna', { type: 'request.commit', pledge }, `no pledge ${pledge}`)
  })
})

describe('request.fulfil (X asks for fulfilment now)', () => {
  it('tells the author only', async () => {
    const { t, owed } = await network()
    const events = await unchanged(t, owed, () =>
      t.ok('anna', { type: 'request.fulfil', pledge: owed }),
    )
    expect(events).toEqual([
      {
        kind: 'request.fulfil',
        actor: 'anna',
        subject: 'anna',
        pledge: owed,
        amount: 3_000,
        to: ['boris'],
      },
    ])
  })

  it('may be asked for an overdue obligation', async () => {
    const { t, owed } = await network()
    t.now = Date.UTC(2026, 11, 3)
    await t.ok('boris', { type: 'cycle' })
    expect((await t.pledge(owed)).overdue).toBe(true)
    const events = await unchanged(t, owed, () =>
      t.ok('anna', { type: 'request.fulfil', pledge: owed }),
    )
    expect(events.map((e) => [e.kind, e.to])).toEqual([['request.fulfil', ['boris']]])
  })

  it.each([['boris'], ['vera']])('rejects the request from %s, who is not X', async (who) => {
    const { t, owed } = await network()
    await rejects(
      t,
      who,
      { type: 'request.fulfil', pledge: owed },
      'only the recipient may ask for fulfilment',
    )
  })

  it('rejects asking to fulfil an intention', async () => {
    const { t, love } = await network()
    await rejects(
      t,
      'anna',
      { type: 'request.fulfil', pledge: love },
      'this is an intention, not an obligation',
    )
  })

  it('rejects asking when it is already marked fulfilled', async () => {
    const { t, owed } = await network()
    await t.ok('boris', { type: 'obligation.fulfil', pledge: owed })
    await rejects(
      t,
      'anna',
      { type: 'request.fulfil', pledge: owed },
      'this obligation is already marked fulfilled: confirm it instead',
    )
  })

  it.each([
    ['confirmed', 'obligation.confirm'],
    ['forgiven', 'obligation.forgive'],
  ] as const)('rejects asking about an obligation already %s', async (state, by) => {
    const { t, owed } = await network()
    await t.ok('anna', { type: by, pledge: owed })
    await rejects(
      t,
      'anna',
      { type: 'request.fulfil', pledge: owed },
      `this obligation is ${state}`,
    )
  })
})

describe('request.confirm (the author reminds X to confirm)', () => {
  it('tells X only', async () => {
    const { t, owed } = await network()
    await t.ok('boris', { type: 'obligation.fulfil', pledge: owed })
    const events = await unchanged(t, owed, () =>
      t.ok('boris', { type: 'request.confirm', pledge: owed }),
    )
    expect(events).toEqual([
      {
        kind: 'request.confirm',
        actor: 'boris',
        subject: 'anna',
        pledge: owed,
        amount: 3_000,
        to: ['anna'],
      },
    ])
  })

  it.each([['anna'], ['vera']])(
    'rejects the reminder from %s, who is not the author',
    async (who) => {
      const { t, owed } = await network()
      await t.ok('boris', { type: 'obligation.fulfil', pledge: owed })
      await rejects(
        t,
        who,
        { type: 'request.confirm', pledge: owed },
        'only the author may remind the recipient to confirm',
      )
    },
  )

  it('rejects a reminder about an intention', async () => {
    const { t, love } = await network()
    await rejects(
      t,
      'boris',
      { type: 'request.confirm', pledge: love },
      'this is an intention, not an obligation',
    )
  })

  it('rejects a reminder before the obligation is marked fulfilled', async () => {
    const { t, owed } = await network()
    await rejects(
      t,
      'boris',
      { type: 'request.confirm', pledge: owed },
      'this obligation is open: mark it fulfilled first',
    )
  })

  it('rejects a reminder about a confirmed obligation', async () => {
    const { t, owed } = await network()
    await t.ok('boris', { type: 'obligation.fulfil', pledge: owed })
    await t.ok('anna', { type: 'obligation.confirm', pledge: owed })
    await rejects(
      t,
      'boris',
      { type: 'request.confirm', pledge: owed },
      'this obligation is confirmed: mark it fulfilled first',
    )
  })
})
