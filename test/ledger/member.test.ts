import { describe, expect, it } from 'vitest'
import { keys, type NetworkMeta } from '../../core/ledger/model.ts'
import { DAY, TestLedger, keyOf } from '../support/ledger.ts'
import { eventsOf, rejects, supportersOf, toldBy } from '../support/events.ts'

const START = Date.UTC(2026, 10, 3, 12)

function invite(t: TestLedger, by: string, forName: string) {
  return t.invite(by, `test invite for ${forName}`, { expires: t.now + DAY })
}

describe('network.create', () => {
  it('creates the network in its time zone; the creator is a writer, not yet a member', async () => {
    // 31 Oct 12:00 UTC is already 1 Nov in Auckland.
    const at = Date.UTC(2026, 9, 31, 12)
    const t = new TestLedger(at)
    const events = await toldBy(t, () =>
      t.ok('anna', {
        type: 'network.create',
        name: 'Friends',
        currency: 'NZD',
        decimals: 2,
        timeZone: 'Pacific/Auckland',
      }),
    )
    expect(await t.kv.get<NetworkMeta>(keys.meta)).toEqual({
      name: 'Friends',
      currency: 'NZD',
      decimals: 2,
      timeZone: 'Pacific/Auckland',
      creator: keyOf('anna'),
      createdAt: at,
      now: at,
      clocks: {
        active: 0,
        passed: 0,
        ahead: 0,
        boundary: 0,
        top: [],
        oldest: Number.MAX_SAFE_INTEGER,
      },
      cycle: '2026-11',
      reds: {},
      indexers: [keyOf('anna')],
      indexerSeen: { [keyOf('anna')]: at },
      newer: {},
      seq: { event: 1, member: 0, clearing: 0 },
    })
    expect(await t.kv.get(keys.writer(keyOf('anna')))).toEqual({ addedBy: keyOf('anna'), at })
    expect(await t.member('anna')).toBeNull()
    expect(events).toEqual([
      { kind: 'network.created', actor: 'anna', data: { name: 'Friends' }, to: ['anna'] },
    ])
    // The creator joins like everyone; already an indexer, so nothing more to do on the host.
    t.networkId = keyOf('anna')
    const joined = await t.ok('anna', t.joinOp('anna'))
    expect(joined.effects).toEqual([])
  })

  it('rejects any other op before the network exists', async () => {
    const t = new TestLedger(START)
    const r = await t.op('anna', t.joinOp('anna'))
    expect(r.accepted).toBe(false)
    expect(r.reason).toBe('the network has not been created yet')
    expect(await t.kv.get(keys.meta)).toBeNull()
  })

  it('rejects creating the network a second time', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    for (const who of ['anna', 'boris']) {
      await rejects(
        t,
        who,
        { type: 'network.create', name: 'Other', currency: 'USD', decimals: 0, timeZone: 'UTC' },
        'the network already exists',
      )
    }
    expect((await t.meta()).name).toBe('Friends')
  })
})

describe('writer.add', () => {
  it('admits a writer through an invite and asks the host to add it (not as indexer)', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    const inv = await invite(t, 'boris', 'vera')
    t.now += 1000
    const r = await t.ok('boris', t.admitOp(inv, 'vera'))
    expect(r.effects).toEqual([{ type: 'addWriter', key: keyOf('vera'), indexer: false }])
    expect(await t.kv.get(keys.writer(keyOf('vera')))).toEqual({
      addedBy: keyOf('boris'),
      at: START + 1000,
      invite: inv.id,
    })
    expect(await t.member('vera')).toBeNull()
  })

  it('rejects admitting a writer who is already in the network', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    const inv = await invite(t, 'anna', 'boris again')
    await rejects(
      t,
      'anna',
      t.admitOp(inv, 'boris'),
      `writer ${keyOf('boris').slice(0, 8)} is already in this network`,
    )
  })
})

describe('member.join', () => {
  it('an admitted writer joins green; the network is told', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    await t.ok('anna', t.admitOp(await invite(t, 'anna', 'vera'), 'vera'))
    t.now += DAY
    let effects: unknown
    const events = await toldBy(t, async () => {
      effects = (await t.ok('vera', { ...t.joinOp('vera'), name: 'Vera', about: 'hi' })).effects
    })
    expect(await t.member('vera')).toMatchObject({
      id: keyOf('vera'),
      index: 3,
      name: 'Vera',
      about: 'hi',
      payment: [],
      status: 'green',
      monthly: 0,
      red: null,
      joinedAt: START + DAY,
      left: false,
    })
    // Third to join: an indexer.
    expect(effects).toEqual([{ type: 'addWriter', key: keyOf('vera'), indexer: true }])
    expect((await t.meta()).indexers).toEqual([keyOf('anna'), keyOf('boris'), keyOf('vera')])
    expect(events).toEqual([{ kind: 'member.joined', actor: 'vera', subject: 'vera', to: ['*'] }])
  })

  it('only the first three members are indexers', async () => {
    const t = await new TestLedger(START).network('anna', ['boris', 'vera'])
    await t.ok('anna', t.admitOp(await invite(t, 'anna', 'gleb'), 'gleb'))
    const r = await t.ok('gleb', t.joinOp('gleb'))
    expect(r.effects).toEqual([])
    expect((await t.meta()).indexers).toEqual([keyOf('anna'), keyOf('boris'), keyOf('vera')])
    expect((await t.member('gleb')).index).toBe(4)
  })

  it('rejects a writer who was never admitted', async () => {
    const t = await new TestLedger(START).network('anna')
    await rejects(t, 'egor', t.joinOp('egor'), 'this writer was never admitted to the network')
  })

  it('rejects joining twice', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    await rejects(
      t,
      'boris',
      { ...t.joinOp('boris'), name: 'Boris again' },
      'you are already a member of this network',
    )
  })

  it.each([
    [{ name: ' ' }, 'malformed member.join: name must not be empty'],
    [
      { name: 'x', about: 'a'.repeat(181) },
      'malformed member.join: about must be at most 180 characters',
    ],
  ])('rejects %o', async (fields, reason) => {
    const t = await new TestLedger(START).network('anna')
    await t.ok('anna', t.admitOp(await invite(t, 'anna', 'vera'), 'vera'))
    await rejects(t, 'vera', { ...t.joinOp('vera'), ...fields }, reason)
  })

  it('accepts an about text of exactly 180 characters', async () => {
    const t = await new TestLedger(START).network('anna')
    await t.ok('anna', { type: 'member.profile', about: 'a'.repeat(180) })
    expect((await t.member('anna')).about).toHaveLength(180)
  })
})

describe('member.profile and member.payment', () => {
  it('changes name and about, telling no one', async () => {
    const t = await new TestLedger(START).network('anna')
    const events = await toldBy(t, async () => {
      await t.ok('anna', { type: 'member.profile', name: 'Anna K.' })
      await t.ok('anna', { type: 'member.profile', about: 'https://example.org/anna' })
    })
    expect(await t.member('anna')).toMatchObject({
      name: 'Anna K.',
      about: 'https://example.org/anna',
    })
    expect(events).toEqual([])
  })

  it('rejects a profile op that changes nothing', async () => {
    const t = await new TestLedger(START).network('anna')
    await rejects(
      t,
      'anna',
      { type: 'member.profile' },
      'nothing to change: give a name or an about text',
    )
  })

  it('rejects an about text over 180 characters', async () => {
    const t = await new TestLedger(START).network('anna')
    await rejects(
      t,
      'anna',
      { type: 'member.profile', about: 'a'.repeat(181) },
      'malformed member.profile: about must be at most 180 characters',
    )
  })

  it('sets payment details with one default, and clears them', async () => {
    const t = await new TestLedger(START).network('anna')
    const details = [
      { label: 'IBAN', value: 'DE00 1234', isDefault: true },
      { label: 'PayPal', value: 'anna@example.org', isDefault: false },
    ]
    await t.ok('anna', { type: 'member.payment', details })
    expect((await t.member('anna')).payment).toEqual(details)
    await t.ok('anna', { type: 'member.payment', details: [] })
    expect((await t.member('anna')).payment).toEqual([])
  })

  it.each([[[true, true]], [[false]], [[false, false]]])(
    'rejects payment details whose defaults are %o',
    async (defaults) => {
      const t = await new TestLedger(START).network('anna')
      const details = defaults.map((isDefault, i) => ({ label: `l${i}`, value: 'v', isDefault }))
      await rejects(
        t,
        'anna',
        { type: 'member.payment', details },
        'malformed member.payment: details exactly one payment detail must be the default',
      )
    },
  )
})

describe('member.leave', () => {
  /** anna, boris, vera are indexers; gleb and lev are not. */
  async function network() {
    return new TestLedger(START).network('anna', ['boris', 'vera', 'gleb', 'lev'])
  }

  it('cancels intentions both ways, removes profile and payment, keeps obligations', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    await t.ok('lev', { type: 'status.orange', amount: 30_000 })
    await t.ok('lev', { type: 'member.profile', about: 'my story' })
    await t.ok('lev', {
      type: 'member.payment',
      details: [{ label: 'IBAN', value: 'X', isDefault: true }],
    })
    const toLev = (
      await t.ok('boris', { type: 'intention.create', to: keyOf('lev'), amount: 1_000 })
    ).pledge
    const fromLev = (
      await t.ok('lev', { type: 'intention.create', to: keyOf('anna'), amount: 2_000 })
    ).pledge
    const owedByLev = (
      await t.ok('lev', { type: 'obligation.create', to: keyOf('anna'), amount: 3_000 })
    ).pledge
    const owedToLev = (
      await t.ok('vera', { type: 'obligation.create', to: keyOf('lev'), amount: 4_000 })
    ).pledge
    t.now += DAY
    let effects: unknown
    const events = await toldBy(t, async () => {
      effects = (await t.ok('lev', { type: 'member.leave' })).effects
    })
    expect(await t.member('lev')).toMatchObject({
      name: 'lev',
      about: '',
      payment: [],
      status: 'green',
      monthly: 0,
      red: null,
      left: true,
      leftAt: START + DAY,
    })
    expect(await t.pledge(toLev)).toMatchObject({ state: 'cancelled', closedAt: START + DAY })
    expect(await t.pledge(fromLev)).toMatchObject({ state: 'cancelled', closedAt: START + DAY })
    expect(await t.pledge(owedByLev)).toMatchObject({ kind: 'obligation', state: 'open' })
    // nobody could receive it any more
    expect(await t.pledge(owedToLev)).toMatchObject({ kind: 'obligation', state: 'cancelled' })
    expect(effects).toEqual([{ type: 'removeWriter', key: keyOf('lev') }])
    expect((await t.meta()).indexers).toEqual([keyOf('anna'), keyOf('boris'), keyOf('vera')])
    expect(events).toEqual([
      {
        kind: 'intention.cancelled',
        subject: 'lev',
        pledge: toLev,
        amount: 1_000,
        data: { reason: 'recipient-not-collecting' },
        to: ['boris', 'lev'],
      },
      {
        kind: 'obligation.cancelled',
        actor: 'lev',
        subject: 'lev',
        pledge: owedToLev,
        amount: 4_000,
        data: { reason: 'recipient-left' },
        to: ['vera'],
      },
      {
        kind: 'intention.cancelled',
        actor: 'lev',
        subject: 'anna',
        pledge: fromLev,
        amount: 2_000,
        data: { reason: 'author-left' },
        to: ['anna', 'lev'],
      },
      { kind: 'member.left', actor: 'lev', subject: 'lev', to: ['*'] },
    ])
    // The obligation lev gave is still owed and anna can still confirm it.
    expect(await supportersOf(t, 'anna')).toEqual(['lev'])
    await t.ok('anna', { type: 'obligation.confirm', pledge: owedByLev })
    expect((await t.pledge(owedByLev)).state).toBe('confirmed')
  })

  it('leaving while red stops the emergency; its open obligations are cancelled', async () => {
    const t = await network()
    await t.ok('lev', { type: 'status.red', amount: 10_000, days: 5 })
    const owed = (await t.ok('boris', { type: 'obligation.create', to: keyOf('lev'), amount: 500 }))
      .pledge
    const events = await eventsOf(t, () => t.ok('lev', { type: 'member.leave' }))
    expect(events.map((e) => e.kind)).toEqual(['red.ended', 'obligation.cancelled', 'member.left'])
    expect(events[0]!.data).toEqual({ outcome: 'stopped', confirmed: 0, status: 'green' })
    expect((await t.meta()).reds).toEqual({})
    expect(await t.member('lev')).toMatchObject({ status: 'green', red: null, left: true })
    expect((await t.pledge(owed)).state).toBe('cancelled')
  })

  it.each([
    ['anna', ['boris', 'vera', 'gleb']],
    ['boris', ['anna', 'vera', 'gleb']],
    ['vera', ['anna', 'boris', 'gleb']],
  ])(
    'when indexer %s leaves, the longest-standing non-indexer replaces them',
    async (who, after) => {
      const t = await network()
      const r = await t.ok(who, { type: 'member.leave' })
      expect(r.effects).toEqual([
        { type: 'removeWriter', key: keyOf(who) },
        { type: 'addWriter', key: keyOf('gleb'), indexer: true },
      ])
      expect((await t.meta()).indexers).toEqual(after.map(keyOf))
    },
  )

  it('members who left are never chosen as indexers', async () => {
    const t = await network()
    await t.ok('gleb', { type: 'member.leave' })
    const r = await t.ok('anna', { type: 'member.leave' })
    expect(r.effects).toEqual([
      { type: 'removeWriter', key: keyOf('anna') },
      { type: 'addWriter', key: keyOf('lev'), indexer: true },
    ])
    expect((await t.meta()).indexers).toEqual([keyOf('boris'), keyOf('vera'), keyOf('lev')])
  })

  it('with no one to replace them, there are fewer indexers until someone joins', async () => {
    const t = await new TestLedger(START).network('anna', ['boris', 'vera'])
    const r = await t.ok('boris', { type: 'member.leave' })
    expect(r.effects).toEqual([{ type: 'removeWriter', key: keyOf('boris') }])
    expect((await t.meta()).indexers).toEqual([keyOf('anna'), keyOf('vera')])
    await t.ok('anna', t.admitOp(await invite(t, 'anna', 'gleb'), 'gleb'))
    const joined = await t.ok('gleb', t.joinOp('gleb'))
    expect(joined.effects).toEqual([{ type: 'addWriter', key: keyOf('gleb'), indexer: true }])
    expect((await t.meta()).indexers).toEqual([keyOf('anna'), keyOf('vera'), keyOf('gleb')])
  })

  it('after leaving, the member can do nothing and no one can promise them help', async () => {
    const t = await network()
    await t.ok('lev', { type: 'status.orange', amount: 100 })
    await t.ok('lev', { type: 'member.leave' })
    await rejects(t, 'lev', { type: 'status.orange', amount: 100 }, 'you have left this network')
    await rejects(t, 'lev', { type: 'member.leave' }, 'you have left this network')
    await rejects(
      t,
      'boris',
      { type: 'obligation.create', to: keyOf('lev'), amount: 100 },
      'recipient lev has left this network',
    )
  })

  it('a member who left comes back as themselves, with a new device and invite', async () => {
    const t = await network()
    await t.ok('anna', { type: 'status.orange', amount: 1_000 })
    const given = await t.ok('lev', { type: 'obligation.create', to: keyOf('anna'), amount: 100 })
    await t.ok('lev', { type: 'member.leave' })
    const again = await t.op('lev', t.joinOp('lev'))
    expect(again.reason).toBe('you left this network: join again with a new invite')
    await t.ok('anna', t.admitOp(await invite(t, 'anna', 'lev again'), 'lev laptop'))
    await t.ok('lev laptop', { ...t.joinOp('lev laptop', 'lev'), name: 'Lev' })
    expect(await t.member('lev')).toMatchObject({
      name: 'Lev',
      status: 'green',
      left: false,
      devices: [keyOf('lev laptop')],
    })
    expect(await t.member('lev laptop')).toBeNull()
    // What they owe is still theirs, and they act as Lev again.
    await t.ok('lev laptop', { type: 'obligation.fulfil', pledge: given.pledge })
  })
})

describe('obligations towards a member who leaves', () => {
  it('open ones are cancelled, fulfilled ones stay and are never marked overdue', async () => {
    const t = await new TestLedger().network('anna', ['boris', 'vera'])
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const open = await t.ok('boris', {
      type: 'obligation.create',
      to: keyOf('anna'),
      amount: 1_000,
    })
    const given = await t.ok('vera', {
      type: 'obligation.create',
      to: keyOf('anna'),
      amount: 2_000,
    })
    await t.ok('vera', { type: 'obligation.fulfil', pledge: given.pledge })
    await t.ok('anna', { type: 'member.leave' })
    expect((await t.pledge(open.pledge)).state).toBe('cancelled')
    t.now = Date.UTC(2026, 11, 1, 1)
    await t.ok('boris', { type: 'cycle' })
    expect(await t.pledge(given.pledge)).toMatchObject({ state: 'fulfilled', overdue: false })
  })
})
