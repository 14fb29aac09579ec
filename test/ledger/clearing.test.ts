/**
 * The clearing of mutual obligations through the ledger (domain.md §6, issue 13): consent from
 * the 25th to the month's end (the last one counts), the clearing at the month start that closes
 * the window, before the rollover, and what it leaves: obligations settled by clearing, the rest
 * still owed, a record of the run, and events.
 */
import { describe, expect, it } from 'vitest'
import { solveClearing } from '../../core/clearing/solve.ts'
import { chainsOfRun } from '../../core/ledger/clearing.ts'
import { clearingPreview, clearingResults, solveCurrent } from '../../core/ledger/clearing-view.ts'
import { collectionProgress } from '../../core/ledger/collection.ts'
import { exportNetwork, exportText } from '../../core/ledger/export.ts'
import { incomingOf } from '../../core/ledger/ledger.ts'
import {
  keys,
  type ClearedRow,
  type ClearingRun,
  type MemberClearing,
  type Pledge,
} from '../../core/ledger/model.ts'
import { CLEARING_CHOSEN_MAX, MAX_OP_BYTES } from '../../core/ledger/limits.ts'
import { decodeOp, encodeOp, OP_VERSION, type Op, type OpInput } from '../../core/ledger/ops.ts'
import { notificationsFor } from '../../core/ledger/notifications.ts'
import { memberCard } from '../../core/ledger/queries.ts'
import { clearedPartId } from '../../core/ledger/rules/clearing.ts'
import { DAY, TestLedger, keyOf } from '../support/ledger.ts'
import { eventsOf, nameOf, rejects, told } from '../support/events.ts'

const START = Date.UTC(2026, 10, 3, 12) // 3 Nov 2026
const OPEN = Date.UTC(2026, 10, 26, 12) // the 26th: clearing is open
const DEC = Date.UTC(2026, 11, 1) // the month start that closes November's window
const DEC_OPEN = Date.UTC(2026, 11, 27, 12)
const JAN = Date.UTC(2027, 0, 1)

type Consent = OpInput<'clearing.consent'>['obligations']

/** Everyone orange (so that anyone may owe anyone), at START. */
async function network(names = ['anna', 'boris', 'vera', 'gleb', 'dasha']) {
  const t = await new TestLedger(START).network(names[0]!, names.slice(1))
  for (const name of names) await t.ok(name, { type: 'status.orange', amount: 100_000 })
  return t
}

async function owes(t: TestLedger, from: string, to: string, amount: number) {
  return (await t.ok(from, { type: 'obligation.create', to: keyOf(to), amount })).pledge
}

async function consent(t: TestLedger, who: string, obligations: Consent = 'all', cap?: number) {
  await t.ok(who, { type: 'clearing.consent', obligations, ...(cap ? { cap } : {}) })
}

/** The month start passes (every member's app sees it): the clearing runs, then the rollover. */
async function monthStart(t: TestLedger, at = DEC + DAY) {
  t.now = at
  return eventsOf(t, () => t.ok('anna', { type: 'cycle' }))
}

/** Anna → Boris 30, Boris → Vera 20, Vera → Anna 50, made on the 26th, all three consenting. */
async function triangle() {
  const t = await network()
  t.now = OPEN
  const ab = await owes(t, 'anna', 'boris', 3_000)
  const bv = await owes(t, 'boris', 'vera', 2_000)
  const va = await owes(t, 'vera', 'anna', 5_000)
  return { t, ab, bv, va }
}

/** What is owed between each pair, as `from>to: amount` (open or fulfilled), sorted. */
async function owed(t: TestLedger): Promise<string[]> {
  const all = (await t.kv.list<Pledge>(keys.pledges)).map((e) => e.value)
  return all
    .filter((p) => p.kind === 'obligation' && (p.state === 'open' || p.state === 'fulfilled'))
    .map((p) => `${nameOf(p.from)}>${nameOf(p.to)}: ${p.amount}`)
    .sort()
}

/** What clearing settled between each pair, as `from>to: amount`, sorted. */
async function settled(t: TestLedger): Promise<string[]> {
  const all = (await t.kv.list<Pledge>(keys.pledges)).map((e) => e.value)
  return all
    .filter((p) => p.clearedIn !== undefined)
    .map((p) => `${nameOf(p.from)}>${nameOf(p.to)}: ${p.amount}`)
    .sort()
}

function run(t: TestLedger, cycle = '2026-11') {
  return t.kv.get<ClearingRun>(keys.clearingRun(cycle))
}

describe('clearing at the month start', () => {
  it('clears a consented 3-cycle by its smallest obligation, before the rollover', async () => {
    const { t, ab, bv, va } = await triangle()
    for (const who of ['anna', 'boris', 'vera']) await consent(t, who)
    const events = await monthStart(t)

    // Boris → Vera is settled in full: fulfilled and confirmed by clearing, in November.
    expect(await t.pledge(bv)).toMatchObject({
      state: 'confirmed',
      amount: 2_000,
      fulfilledAt: DEC,
      confirmedAt: DEC,
      confirmedCycle: '2026-11',
      clearedIn: '2026-11',
      overdue: false,
    })
    // The other two go on owing the rest under their own ids; the part cleared is its own
    // obligation, confirmed by clearing, made when and for what the original was.
    const abPart = clearedPartId(ab, '2026-11')
    expect(abPart).toBe(`${ab}.c202611`)
    expect(await t.pledge(ab)).toMatchObject({ state: 'open', amount: 1_000, cleared: 2_000 })
    expect(await t.pledge(abPart)).toEqual({
      id: abPart,
      kind: 'obligation',
      state: 'confirmed',
      from: keyOf('anna'),
      to: keyOf('boris'),
      amount: 2_000,
      note: '',
      collection: 'monthly',
      cycle: '2026-11',
      createdAt: OPEN,
      committedAt: OPEN,
      fulfilledAt: DEC,
      confirmedAt: DEC,
      confirmedCycle: '2026-11',
      overdue: false,
      clearedIn: '2026-11',
      splitFrom: ab,
    })
    expect(await t.pledge(va)).toMatchObject({ state: 'open', amount: 3_000, cleared: 2_000 })
    // Then the rollover: what is still owed of November's obligations is overdue; what clearing
    // settled of monthly support counts as confirmed in November, so it is renewed as intentions
    // for December, as confirmed help is.
    const renewed = (await t.kv.list<Pledge>(keys.pledges))
      .map((e) => e.value)
      .filter((p) => p.renewedFrom !== undefined)
      .map((p) => `${nameOf(p.from)}>${nameOf(p.to)}: ${p.amount} ${p.kind} ${p.cycle}`)
      .sort()
    expect(renewed).toEqual([
      'anna>boris: 2000 intention 2026-12',
      'boris>vera: 2000 intention 2026-12',
      'vera>anna: 2000 intention 2026-12',
    ])
    expect((await t.pledge(ab)).overdue).toBe(true)
    expect((await t.pledge(va)).overdue).toBe(true)

    expect(await run(t)).toEqual({
      cycle: '2026-11',
      at: DEC,
      totals: { debt: 10_000, consented: 10_000, cleared: 6_000 },
      percentBp: 6_000,
      members: 3,
      obligations: 3,
      reduced: 3,
      chains: 1,
      verified: true,
    })
    expect(await t.kv.get<MemberClearing>(keys.memberClearing(keyOf('boris'), '2026-11'))).toEqual({
      cycle: '2026-11',
      cleared: 2_000,
      pledges: [
        { id: ab, cleared: 2_000, remaining: 1_000, piece: abPart },
        { id: bv, cleared: 2_000, remaining: 0 },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    })
    // The clearing comes first, at the boundary: each member told their part, everyone the totals.
    const told3 = events.map(told).slice(0, 4)
    expect(told3).toEqual([
      ...['anna', 'boris', 'vera']
        .sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1))
        .map((name) => ({
          kind: 'clearing.cleared',
          subject: name,
          amount: 2_000,
          data: { cycle: '2026-11', obligations: 2 },
          to: [name],
        })),
      {
        kind: 'clearing.finished',
        amount: 6_000,
        data: {
          cycle: '2026-11',
          debt: 10_000,
          consented: 10_000,
          percentBp: 6_000,
          members: 3,
        },
        to: ['*'],
      },
    ])
    expect(events.slice(0, 4).every((e) => e.at === DEC)).toBe(true)
    // Said to Boris (in English for the command line; the apps say it from the same fields).
    const meta = await t.meta()
    const forBoris = notificationsFor(events.slice(0, 4), await t.member('boris'), meta, nameOf)
    expect(forBoris.map((n) => n.text)).toEqual([
      'Clearing settled 20 EUR of your obligations, and as much of what others owe you',
      'Clearing of 2026-11: 60 EUR of 100 EUR in consented obligations settled (60%)',
    ])
    expect(events.map((e) => e.kind)).toContain('cycle.started')
    expect(events.map((e) => e.kind).indexOf('obligation.overdue')).toBeGreaterThan(3)
  })

  it('clears the same on every order of the obligations and the consents', async () => {
    const specs: Array<[string, string, number]> = [
      ['anna', 'boris', 3_000],
      ['boris', 'vera', 2_000],
      ['vera', 'anna', 5_000],
      ['boris', 'anna', 1_000],
    ]
    const orders = [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [1, 3, 0, 2],
      [2, 0, 3, 1],
    ]
    const outcomes = new Set<string>()
    for (const order of orders) {
      const t = await network()
      t.now = OPEN
      for (const i of order) await owes(t, ...specs[i]!)
      for (const i of order.filter((i) => i < 3)) await consent(t, ['anna', 'boris', 'vera'][i]!)
      await monthStart(t)
      const r = await run(t)
      outcomes.add(JSON.stringify([await owed(t), await settled(t), r?.totals, r?.chains]))
    }
    expect(outcomes.size).toBe(1)
    // Anna's 30 to Boris goes in full: 10 against Boris's 10 to her, 20 round the triangle.
    expect(JSON.parse([...outcomes][0]!)).toEqual([
      ['vera>anna: 3000'],
      ['anna>boris: 3000', 'boris>anna: 1000', 'boris>vera: 2000', 'vera>anna: 2000'],
      { debt: 11_000, consented: 11_000, cleared: 8_000 },
      2,
    ])
  })

  it('leaves out a member who withdraws consent before the window closes', async () => {
    const t = await network()
    t.now = OPEN
    await owes(t, 'anna', 'boris', 3_000)
    await owes(t, 'boris', 'anna', 1_000)
    const bv = await owes(t, 'boris', 'vera', 2_000)
    const va = await owes(t, 'vera', 'anna', 2_000)
    for (const who of ['anna', 'boris', 'vera']) await consent(t, who)
    t.now = OPEN + 2 * DAY
    await consent(t, 'vera', 'none') // the last one counts
    await monthStart(t)
    // Only the 2-cycle between Anna and Boris is cleared; Vera's obligations are untouched.
    expect(await settled(t)).toEqual(['anna>boris: 1000', 'boris>anna: 1000'])
    expect(await t.pledge(bv)).toMatchObject({ state: 'open', amount: 2_000 })
    expect((await t.pledge(bv)).cleared).toBeUndefined()
    expect(await t.pledge(va)).toMatchObject({ state: 'open', amount: 2_000 })
    expect(await run(t)).toMatchObject({ members: 2, obligations: 2, reduced: 2 })
    expect(await t.kv.get(keys.memberClearing(keyOf('vera'), '2026-11'))).toBeNull()
  })

  it('clears nothing that one side did not consent to', async () => {
    // Vera never consents: the cycle is not cleared.
    const a = await triangle()
    await consent(a.t, 'anna')
    await consent(a.t, 'boris')
    const events = await monthStart(a.t)
    expect(await settled(a.t)).toEqual([])
    // Anna → Boris takes part (both consented) but is on no cycle of consented obligations.
    expect(await run(a.t)).toMatchObject({ members: 2, obligations: 1, reduced: 0 })
    expect(events.filter((e) => e.kind === 'clearing.finished').map(told)).toEqual([
      {
        kind: 'clearing.finished',
        amount: 0,
        data: { cycle: '2026-11', debt: 3_000, consented: 3_000, percentBp: 0, members: 2 },
        to: ['*'],
      },
    ])

    // Anna chooses only what she owes Boris: Vera's obligation to her stays out, so no cycle.
    const b = await triangle()
    await consent(b.t, 'anna', [b.ab])
    await consent(b.t, 'boris')
    await consent(b.t, 'vera')
    await monthStart(b.t)
    expect(await settled(b.t)).toEqual([])
    expect(await run(b.t)).toMatchObject({ members: 3, obligations: 2, reduced: 0 })

    // Anna chooses both of hers: now it is cleared.
    const c = await triangle()
    await consent(c.t, 'anna', [c.va, c.ab])
    await consent(c.t, 'boris')
    await consent(c.t, 'vera')
    await monthStart(c.t)
    expect((await run(c.t))?.totals.cleared).toBe(6_000)

    // Nobody consented: no run at all.
    const d = await triangle()
    await monthStart(d.t)
    expect(await run(d.t)).toBeNull()
  })

  it('takes off each obligation at most the smaller of both sides’ caps', async () => {
    const a = await triangle()
    await consent(a.t, 'anna', 'all', 1_500)
    await consent(a.t, 'boris')
    await consent(a.t, 'vera')
    await monthStart(a.t)
    expect(await settled(a.t)).toEqual(['anna>boris: 1500', 'boris>vera: 1500', 'vera>anna: 1500'])
    expect(await run(a.t)).toMatchObject({
      totals: { debt: 10_000, consented: 2_000 + 1_500 + 1_500, cleared: 4_500 },
      percentBp: 4_500,
    })
    // Boris → Vera is now partly owed (500), with 1,500 cleared.
    expect(await a.t.pledge(a.bv)).toMatchObject({ state: 'open', amount: 500, cleared: 1_500 })

    const b = await triangle()
    await consent(b.t, 'anna', 'all', 1_500)
    await consent(b.t, 'boris', 'all', 1_200)
    await consent(b.t, 'vera')
    await monthStart(b.t)
    // Anna → Boris and Boris → Vera: 1,200 (Boris's); Vera → Anna: 1,500 (Anna's).
    expect((await run(b.t))?.totals).toEqual({ debt: 10_000, consented: 3_900, cleared: 3_600 })
  })

  it('counts consent from the 25th to the month’s end, in the network’s time zone', async () => {
    // Tokyo is nine hours ahead of UTC: its 25th starts at 15:00 UTC on the 24th.
    const t = await new TestLedger(START).network('anna', ['boris'], { timeZone: 'Asia/Tokyo' })
    await t.ok('anna', { type: 'status.orange', amount: 100_000 })
    const pledge = await owes(t, 'boris', 'anna', 1_000)
    const closed = 'clearing opens on the 25th: consent to it from then to the end of the month'
    t.now = Date.UTC(2026, 10, 24, 14, 59)
    await t.ok('anna', { type: 'cycle' })
    await rejects(t, 'boris', { type: 'clearing.consent', obligations: 'all' }, closed)
    t.now = Date.UTC(2026, 10, 24, 15)
    await consent(t, 'boris')
    expect(await t.kv.get(keys.consent('2026-11', keyOf('boris')))).toEqual({
      member: keyOf('boris'),
      obligations: 'all',
      at: Date.UTC(2026, 10, 24, 15),
    })
    // Changeable until the window closes; a cap with "none" means nothing and is not kept.
    await t.ok('boris', { type: 'clearing.consent', obligations: 'none', cap: 500 })
    expect(await t.kv.get(keys.consent('2026-11', keyOf('boris')))).toMatchObject({
      obligations: 'none',
    })
    expect(
      (await t.kv.get<{ cap?: number }>(keys.consent('2026-11', keyOf('boris'))))!.cap,
    ).toBeUndefined()
    // The window closed with the month: the 1st to the 24th of December are outside it.
    t.now = Date.UTC(2026, 10, 30, 15, 30) // 1 Dec, 00:30 in Tokyo
    await t.ok('anna', { type: 'cycle' })
    expect((await t.meta()).cycle).toBe('2026-12')
    await rejects(t, 'boris', { type: 'clearing.consent', obligations: [pledge] }, closed)
  })

  it('refuses to choose what is not one of the member’s open obligations', async () => {
    const t = await network()
    t.now = OPEN
    const ab = await owes(t, 'anna', 'boris', 3_000)
    const given = await owes(t, 'boris', 'vera', 2_000)
    await t.ok('boris', { type: 'obligation.fulfil', pledge: given })
    const love = (await t.ok('gleb', { type: 'intention.create', to: keyOf('anna'), amount: 500 }))
      .pledge
    const consentTo = (obligations: Consent): OpInput => ({
      type: 'clearing.consent',
      obligations,
    })
    await rejects(
      t,
      'vera',
      consentTo([ab]),
      `obligation ${ab} is neither owed by you nor owed to you`,
    )
    await rejects(
      t,
      'vera',
      consentTo([given]),
      `obligation ${given} is fulfilled: only open obligations take part in clearing`,
    )
    await rejects(t, 'anna', consentTo([love]), `${love} is an intention, not an obligation`)
    await rejects(
      t,
      'anna',
      consentTo([`${keyOf('anna').slice(0, 12)}-nothing`]),
      `no pledge ${keyOf('anna').slice(0, 12)}-nothing`,
    )
    const twice = await t.op('anna', consentTo([ab, ab]))
    expect(twice.reason).toBe(
      'malformed clearing.consent: obligations must not name an obligation twice',
    )
  })

  it('takes the largest consent an app writes in one op', () => {
    const longest = (i: number) => `${'a'.repeat(12)}-${i.toString().padStart(32, 'x')}`
    const op = {
      v: OP_VERSION,
      id: 'x'.repeat(32),
      ts: OPEN,
      type: 'clearing.consent',
      obligations: Array.from({ length: CLEARING_CHOSEN_MAX }, (_, i) => longest(i)),
      cap: 1_000_000_000_000,
    } as Op
    expect(encodeOp(op).byteLength).toBeLessThan(MAX_OP_BYTES)
    expect(decodeOp(encodeOp(op)).ok).toBe(true)
    const more = { ...op, obligations: [...(op as { obligations: string[] }).obligations, 'b'] }
    expect(decodeOp(more).ok).toBe(false)
  })

  it('leaves out obligations marked given and not yet confirmed, and members who left', async () => {
    const a = await triangle()
    for (const who of ['anna', 'boris', 'vera']) await consent(a.t, who)
    await a.t.ok('vera', { type: 'obligation.fulfil', pledge: a.va })
    await monthStart(a.t)
    expect(await settled(a.t)).toEqual([])
    expect(await a.t.pledge(a.va)).toMatchObject({ state: 'fulfilled', amount: 5_000 })

    const b = await triangle()
    for (const who of ['anna', 'boris', 'vera']) await consent(b.t, who)
    await b.t.ok('vera', { type: 'member.leave' })
    await monthStart(b.t)
    expect(await settled(b.t)).toEqual([])
    expect(await run(b.t)).toMatchObject({ members: 2, obligations: 1, reduced: 0 })
  })

  it('starts the next month with the remainders, and clears them then', async () => {
    const { t, ab, va } = await triangle()
    for (const who of ['anna', 'boris', 'vera']) await consent(t, who)
    await monthStart(t)
    expect(await owed(t)).toEqual(['anna>boris: 1000', 'vera>anna: 3000'])
    // Overdue now: what Anna and Vera still owe counts against them.
    const card = async (name: string) => (await memberCard(t.kv, keyOf(name)))!
    expect((await card('anna')).overdue).toBe(1)
    expect((await card('vera')).overdue).toBe(1)

    // December: Boris owes Vera 10 more; all three consent again.
    t.now = DEC_OPEN
    await owes(t, 'boris', 'vera', 1_000)
    for (const who of ['anna', 'boris', 'vera']) await consent(t, who)
    const events = await monthStart(t, JAN + DAY)
    expect(events.filter((e) => e.kind === 'clearing.finished').map(told)).toEqual([
      {
        kind: 'clearing.finished',
        amount: 3_000,
        data: { cycle: '2026-12', debt: 5_000, consented: 5_000, percentBp: 6_000, members: 3 },
        to: ['*'],
      },
    ])
    // Anna's remainder is settled now (overdue no more); Vera's is 20 less again.
    expect(await t.pledge(ab)).toMatchObject({
      state: 'confirmed',
      amount: 1_000,
      cleared: 2_000,
      clearedIn: '2026-12',
      confirmedCycle: '2026-12',
      overdue: false,
    })
    expect(await t.pledge(va)).toMatchObject({ state: 'open', amount: 2_000, cleared: 3_000 })
    expect(await t.pledge(clearedPartId(va, '2026-12'))).toMatchObject({
      amount: 1_000,
      clearedIn: '2026-12',
      cycle: '2026-11',
    })
    expect((await card('anna')).overdue).toBe(0)
    expect((await card('vera')).overdue).toBe(1)
    expect(await owed(t)).toEqual(['vera>anna: 2000'])
    // Both runs are kept, newest first.
    const results = await clearingResults(t.kv, keyOf('vera'))
    expect(results.runs.map((r) => r.cycle)).toEqual(['2026-12', '2026-11'])
    expect(results.mine?.cleared).toBe(1_000)
  })
})

describe('what clearing leaves in the sums', () => {
  it('keeps a collection’s promised total: cleared help counts as confirmed, the rest as owed', async () => {
    // Vera runs an emergency of 40 until after the month start; Boris owes her 20 towards it.
    const t = await network()
    t.now = OPEN
    await t.ok('vera', { type: 'status.red', amount: 4_000, days: 20 })
    const bv = await owes(t, 'boris', 'vera', 2_000)
    const va = await owes(t, 'vera', 'anna', 5_000)
    const ab = await owes(t, 'anna', 'boris', 3_000)
    const before = (await memberCard(t.kv, keyOf('vera')))!.progress
    expect(before).toMatchObject({ goal: 4_000, committed: 2_000, confirmed: 0, missing: 2_000 })
    const annaBefore = monthly(t, 'anna')
    expect(await annaBefore).toMatchObject({ committed: 5_000, confirmed: 0 })
    for (const who of ['anna', 'boris', 'vera']) await consent(t, who)
    await monthStart(t)

    // Vera's emergency: Boris's 20 is confirmed by clearing; still 20 missing, still running.
    const after = (await memberCard(t.kv, keyOf('vera')))!
    expect(after.status).toBe('red')
    expect(after.progress).toMatchObject({
      goal: 4_000,
      committed: 0,
      confirmed: 2_000,
      missing: 2_000,
    })
    expect(await t.pledge(bv)).toMatchObject({ state: 'confirmed', clearedIn: '2026-11' })
    // Anna's November collection: 50 promised as before, 20 of it confirmed, 30 owed.
    expect(await monthly(t, 'anna')).toMatchObject({ committed: 3_000, confirmed: 2_000 })
    expect(await t.pledge(va)).toMatchObject({ amount: 3_000, cleared: 2_000 })
    expect(await t.pledge(ab)).toMatchObject({ amount: 1_000, cleared: 2_000 })
    // Boris's November collection: 30 promised, 20 confirmed, 10 owed (the remainder).
    expect(await monthly(t, 'boris')).toMatchObject({ committed: 1_000, confirmed: 2_000 })
  })

  it('marks in the export what clearing settled, took off and split', async () => {
    const { t, ab, bv, va } = await triangle()
    for (const who of ['anna', 'boris', 'vera']) await consent(t, who)
    await monthStart(t)
    const data = (await exportNetwork(t.kv, { networkId: 'n', now: t.now }))!
    const row = (id: string) => data.pledges.find((r) => r.id === id)
    const abPart = clearedPartId(ab, '2026-11')
    expect(row(bv)).toMatchObject({ state: 'confirmed', clearedIn: '2026-11', cleared: '' })
    expect(row(ab)).toMatchObject({ state: 'open', amount: '10.00', cleared: '20.00' })
    expect(row(abPart)).toMatchObject({ amount: '20.00', clearedIn: '2026-11', splitFrom: ab })
    expect(row(va)).toMatchObject({ amount: '30.00', cleared: '20.00', clearedIn: '' })
    const csv = exportText(data, 'csv').split('\n')
    expect(csv[0]!.endsWith(',clearedIn,cleared,splitFrom')).toBe(true)
    expect(csv.find((l) => l.startsWith(abPart))!.endsWith(`,2026-11,,${ab}`)).toBe(true)
  })

  it('ends an emergency that clearing funds', async () => {
    const t = await network()
    t.now = OPEN
    await t.ok('vera', { type: 'status.red', amount: 2_000, days: 20 })
    await owes(t, 'boris', 'vera', 2_000)
    await owes(t, 'vera', 'anna', 2_000)
    await owes(t, 'anna', 'boris', 2_000)
    for (const who of ['anna', 'boris', 'vera']) await consent(t, who)
    const events = await monthStart(t)
    const ended = events.find((e) => e.kind === 'red.ended')
    expect(ended?.data).toMatchObject({ outcome: 'success', confirmed: 2_000, status: 'orange' })
    expect((await t.member('vera')).status).toBe('orange')
  })
})

/** A member's monthly collection of November, from their whole history. */
async function monthly(t: TestLedger, name: string) {
  const incoming = await incomingOf(t.kv, keyOf(name))
  return collectionProgress(await t.member(name), incoming, '2026-11', 0)
}

describe('the golden case through the ledger', () => {
  /** A>B 100, B>E 70, E>A 100, C>D 100, D>E 100, E>C 70, B>C 100 (issue 13). */
  const GOLDEN: Array<[string, string, number]> = [
    ['anna', 'boris', 100],
    ['boris', 'dasha', 70],
    ['dasha', 'anna', 100],
    ['vera', 'gleb', 100],
    ['gleb', 'dasha', 100],
    ['dasha', 'vera', 70],
    ['boris', 'vera', 100],
  ]

  it('clears 570, the optimum, on every order; the stored rows give the chains again', async () => {
    const outcomes = new Set<string>()
    for (const order of [
      [0, 1, 2, 3, 4, 5, 6],
      [6, 5, 4, 3, 2, 1, 0],
      [3, 6, 0, 4, 1, 5, 2],
    ]) {
      const t = await network()
      t.now = OPEN
      for (const i of order) await owes(t, ...GOLDEN[i]!)
      for (const who of ['dasha', 'anna', 'gleb', 'boris', 'vera']) await consent(t, who)
      const preview = await clearingPreview(t.kv, await t.meta(), keyOf('anna'))
      expect(preview).toMatchObject({
        totals: { debt: 640, consented: 640, cleared: 570 },
        verified: true,
        taking: 7,
        members: 5,
      })
      await monthStart(t)
      expect(await run(t)).toMatchObject({
        totals: { debt: 640, consented: 640, cleared: 570 },
        percentBp: 8906,
        reduced: 7,
        verified: true,
      })
      // Every chain of the run, computed again from what it cleared, as the solver found them.
      const prefix = keys.clearedRowsOf('2026-11')
      const rows = (await t.kv.list<ClearedRow>(prefix)).map((e) => ({
        id: e.key.slice(prefix.length),
        ...e.value,
      }))
      const solved = solveClearing(rows.map((r) => ({ ...r, amount: r.amount })))
      expect(chainsOfRun(rows)).toEqual(solved.chains)
      expect((await run(t))?.chains).toBe(solved.chains.length)
      outcomes.add(JSON.stringify([await owed(t), await settled(t)]))
    }
    expect(outcomes.size).toBe(1)
    // Only B>C keeps 70: the long cycle is cleared by 30, both triangles by 70.
    expect(JSON.parse([...outcomes][0]!)[0]).toEqual(['boris>vera: 70'])
  })
})

describe('the preview and the results', () => {
  it('counts every change a preview depends on, and keeps the count on any other', async () => {
    const { t, ab } = await triangle()
    const solved = async () => JSON.stringify(await solveCurrent(t.kv, await t.meta()))
    let count = (await t.meta()).seq.clearing
    let before = await solved()
    /** Applies `op`; the count moves if `moves`, and the solved clearing is unchanged if not. */
    const step = async (who: string, op: OpInput, moves: boolean) => {
      const result = await t.ok(who, op)
      const meta = await t.meta()
      expect(meta.seq.clearing > count, op.type).toBe(moves)
      if (!moves) expect(await solved(), op.type).toBe(before)
      count = meta.seq.clearing
      before = await solved()
      return result
    }
    const intention = (
      await step('gleb', { type: 'intention.create', to: keyOf('dasha'), amount: 500 }, false)
    ).pledge!
    await step('gleb', { type: 'intention.change', pledge: intention, amount: 700 }, false)
    await step('dasha', { type: 'member.profile', name: 'Dasha', about: 'hi' }, false)
    await step('anna', { type: 'clearing.consent', obligations: 'all' }, true)
    await step('boris', { type: 'clearing.consent', obligations: [ab] }, true)
    await step('vera', { type: 'clearing.consent', obligations: 'all', cap: 1_000 }, true)
    await step('gleb', { type: 'intention.commit', pledge: intention }, true)
    const gv = await step(
      'gleb',
      { type: 'obligation.create', to: keyOf('vera'), amount: 900 },
      true,
    )
    await step('gleb', { type: 'obligation.fulfil', pledge: gv.pledge! }, true)
    await step('anna', { type: 'obligation.fulfil', pledge: ab }, true)
    await step('dasha', { type: 'status.green' }, false)
    await step('vera', { type: 'member.leave' }, true)
  })

  it('shows each member what clearing would do now, and what it did, with the chain', async () => {
    const { t, ab, bv, va } = await triangle()
    for (const who of ['anna', 'boris', 'vera']) await consent(t, who)
    await consent(t, 'gleb')
    const preview = await clearingPreview(t.kv, await t.meta(), keyOf('boris'))
    expect(preview).toMatchObject({
      cycle: '2026-11',
      opens: Date.UTC(2026, 10, 25),
      closes: DEC,
      open: true,
      myConsent: { obligations: 'all' },
      totals: { debt: 10_000, consented: 10_000, cleared: 6_000 },
      percentBp: 6_000,
      members: 4,
      taking: 3,
      mineCleared: 2_000,
      verified: true,
    })
    const chain = { amount: 2_000, members: ['boris', 'vera', 'anna'].map(keyOf), length: 3 }
    // Oldest first: both were made at the same instant, so by id.
    expect(preview.obligations.map((o) => [o.pledge.id, o.cleared, o.remaining, o.chains])).toEqual(
      [
        [ab, 2_000, 1_000, [chain]],
        [bv, 2_000, 0, [chain]],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    )
    expect(preview.obligations.every((o) => o.mine && o.theirs && o.taking)).toBe(true)

    await monthStart(t)
    const results = await clearingResults(t.kv, keyOf('vera'))
    expect(results.run?.cycle).toBe('2026-11')
    expect(results.mine?.cleared).toBe(2_000)
    expect(
      results.mine?.obligations.map((o) => [o.pledge.id, o.cleared, o.remaining, o.chains]),
    ).toEqual(
      [
        [
          bv,
          2_000,
          0,
          [{ amount: 2_000, members: ['vera', 'anna', 'boris'].map(keyOf), length: 3 }],
        ],
        [
          va,
          2_000,
          3_000,
          [{ amount: 2_000, members: ['vera', 'anna', 'boris'].map(keyOf), length: 3 }],
        ],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    )
    // Gleb consented but had nothing to clear.
    expect((await clearingResults(t.kv, keyOf('gleb'))).mine).toBeNull()
    // A new month: nothing consented yet, and the window not open.
    const next = await clearingPreview(t.kv, await t.meta(), keyOf('boris'))
    expect(next).toMatchObject({ cycle: '2026-12', open: false, myConsent: null, taking: 0 })
  })
})
