/**
 * A three-month story in one network (Europe/Berlin), checked step by step against numbers
 * worked out by hand (domain.md §3-5). Every expected value is a literal; the arithmetic is in
 * the comments. Steps share one ledger and run in order.
 */
import { describe, expect, it } from 'vitest'
import { collectionProgress, type CollectionProgress } from '../../core/ledger/collection.ts'
import { daysLeft } from '../../core/ledger/cycle-time.ts'
import { Ledger, incomingOf, outgoingOf } from '../../core/ledger/ledger.ts'
import { keys, pledgeIdOf, type LedgerEvent, type Pledge } from '../../core/ledger/model.ts'
import { recipientNames } from '../support/events.ts'
import { TestLedger, keyOf } from '../support/ledger.ts'
import { reasonText } from '../../core/errors.ts'

const NAMES = ['anna', 'boris', 'vera', 'gleb'] as const
const nameByKey = new Map<string, string>(NAMES.map((n) => [keyOf(n), n]))
const nameOf = (key: string) => (key === '*' ? '*' : (nameByKey.get(key) ?? key))
const anna = keyOf('anna')
const vera = keyOf('vera')

// Berlin is UTC+1 in November and December (no DST), so local midnight of the 1st is 23:00 UTC
// of the day before.
const NOV_2 = Date.UTC(2026, 10, 2, 9) // Mon 2 Nov 2026, 10:00 CET
const at = (month: number, day: number, hour = 12, min = 0) => Date.UTC(2026, month, day, hour, min)

/** Anna's (or anyone's) collection as the app shows it, with the circle counted by the ledger. */
async function progress(t: TestLedger, name: string): Promise<CollectionProgress> {
  const meta = await t.meta()
  const member = await t.member(name)
  const l = new Ledger(t.kv, meta, 'test', meta.now)
  const supporters = (await l.supporters(member.id)).size
  return collectionProgress(member, await incomingOf(t.kv, member.id), meta.cycle, supporters)
}

/** Overdue obligations each member owes (the network's reputation count, §5.3). */
async function overdueCounts(t: TestLedger): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const n of NAMES) {
    out[n] = (await outgoingOf(t.kv, keyOf(n))).filter((p) => p.overdue).length
  }
  return out
}

interface Seen {
  kind: LedgerEvent['kind']
  to: string[]
  subject?: string
  actor?: string
  pledge?: string
  amount?: number
  at: number
  data?: LedgerEvent['data']
}

/** Events emitted after `seq`, with member keys turned back into names. */
async function eventsAfter(t: TestLedger, seq: number): Promise<Seen[]> {
  return (await t.kv.list<LedgerEvent>(keys.events))
    .map((e) => e.value)
    .filter((e) => e.seq > seq)
    .map((e) => ({
      kind: e.kind,
      to: recipientNames(e),
      at: e.at,
      ...(e.subject ? { subject: nameOf(e.subject) } : {}),
      ...(e.actor ? { actor: nameOf(e.actor) } : {}),
      ...(e.pledge ? { pledge: e.pledge } : {}),
      ...(e.amount !== undefined ? { amount: e.amount } : {}),
      ...(e.data ? { data: e.data } : {}),
    }))
}

async function lastSeq(t: TestLedger): Promise<number> {
  return (await t.meta()).seq.event
}

async function state(t: TestLedger, id: string) {
  const p = await t.pledge(id)
  return {
    kind: p.kind,
    state: p.state,
    overdue: p.overdue,
    collection: p.collection,
    cycle: p.cycle,
  }
}

describe('scenario: Anna, Boris, Vera and Gleb over three months in Berlin', () => {
  const t = new TestLedger(NOV_2)
  // Pledge ids, filled in as the story goes.
  let pB = '' // Boris → Anna, intention 100.00, frozen, then an obligation to the emergency
  let pV = '' // Vera → Anna, intention 75.00, frozen, revived, fulfilled, overdue, confirmed late
  let pG = '' // Gleb → Anna, intention 50.00 → confirmed monthly obligation, renewed
  let pV2 = '' // Vera → Anna's emergency, obligation 200.00
  let pG2 = '' // Gleb → Anna's emergency, obligation 50.00, cancelled on success
  let pB2 = '' // Boris → Anna, monthly obligation 25.00, never fulfilled → overdue
  let pG3 = '' // Gleb → Anna, second intention 30.00 → lapses
  let redAnna = ''
  let pR1 = '' // Gleb → Anna renewed for December
  let pBV = '' // Boris → Vera's emergency 80.00, confirmed
  let pGV = '' // Gleb → Vera's emergency 60.00, open → overdue
  let pAV = '' // Anna → Vera's emergency 40.00, fulfilled, unconfirmed → overdue

  it('November: Anna goes orange for 500.00', async () => {
    await t.network('anna', ['boris', 'vera', 'gleb'], { timeZone: 'Europe/Berlin' })
    const meta = await t.meta()
    expect(meta.cycle).toBe('2026-11')
    expect(meta.timeZone).toBe('Europe/Berlin')
    const seq = await lastSeq(t)
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 0,
      committed: 0,
      confirmed: 0,
      missing: 50_000,
      supporters: 0,
    })
    // Turning orange is news for the whole network.
    expect(await eventsAfter(t, seq)).toEqual([
      {
        kind: 'status.changed',
        to: ['*'],
        actor: 'anna',
        subject: 'anna',
        amount: 50_000,
        at: NOV_2,
        data: { status: 'orange', from: 'green' },
      },
    ])
  })

  it('three supporters record intentions; intentions do not lower 🙏', async () => {
    t.now = at(10, 3)
    pB = (await t.ok('boris', { type: 'intention.create', to: anna, amount: 10_000 })).pledge
    pV = (await t.ok('vera', { type: 'intention.create', to: anna, amount: 7_500 })).pledge
    const seq = await lastSeq(t)
    pG = (await t.ok('gleb', { type: 'intention.create', to: anna, amount: 5_000 })).pledge
    // ❤️ 100 + 75 + 50 = 225.00; 🙏 stays 500.00; 3 people in the circle.
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 22_500,
      committed: 0,
      confirmed: 0,
      missing: 50_000,
      supporters: 3,
    })
    for (const id of [pB, pV, pG]) {
      expect(await state(t, id)).toEqual({
        kind: 'intention',
        state: 'active',
        overdue: false,
        collection: 'monthly',
        cycle: '2026-11',
      })
    }
    // Anna and her whole circle (now including Gleb) hear about Gleb's intention.
    expect(await eventsAfter(t, seq)).toEqual([
      {
        kind: 'intention.created',
        to: ['anna', 'boris', 'gleb', 'vera'],
        actor: 'gleb',
        subject: 'anna',
        pledge: pG,
        amount: 5_000,
        at: at(10, 3),
      },
    ])
  })

  it("Gleb's intention becomes an obligation, is fulfilled and confirmed", async () => {
    t.now = at(10, 5)
    await t.ok('gleb', { type: 'intention.commit', pledge: pG })
    // ❤️ 100 + 75 = 175.00; 🤝 50.00; 🙏 500 - 50 = 450.00
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 17_500,
      committed: 5_000,
      confirmed: 0,
      missing: 45_000,
      supporters: 3,
    })
    expect((await state(t, pG)).state).toBe('open')

    t.now = at(10, 6)
    await t.ok('gleb', { type: 'obligation.fulfil', pledge: pG })
    expect((await state(t, pG)).state).toBe('fulfilled')
    // Fulfilled but unconfirmed still counts as 🤝, not 👍.
    expect((await progress(t, 'anna')).committed).toBe(5_000)
    expect((await progress(t, 'anna')).confirmed).toBe(0)

    t.now = at(10, 7)
    const seq = await lastSeq(t)
    await t.ok('anna', { type: 'obligation.confirm', pledge: pG })
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 17_500,
      committed: 0,
      confirmed: 5_000,
      missing: 45_000,
      supporters: 3,
    })
    expect(await state(t, pG)).toEqual({
      kind: 'obligation',
      state: 'confirmed',
      overdue: false,
      collection: 'monthly',
      cycle: '2026-11',
    })
    expect(await eventsAfter(t, seq)).toEqual([
      {
        kind: 'obligation.confirmed',
        to: ['anna', 'gleb'],
        actor: 'anna',
        subject: 'anna',
        pledge: pG,
        amount: 5_000,
        at: at(10, 7),
        data: { wasOverdue: false },
      },
    ])
  })

  it('mid-month Anna goes red (300.00, 10 days): her intentions freeze', async () => {
    t.now = at(10, 12, 10) // 12 Nov, 11:00 CET
    const seq = await lastSeq(t)
    const red = await t.ok('anna', { type: 'status.red', amount: 30_000, days: 10 })
    redAnna = pledgeIdOf(anna, red.id)
    const deadline = at(10, 22, 10) // 12 Nov 10:00Z + 10 × 24 h
    const member = await t.member('anna')
    expect(member.status).toBe('red')
    expect(member.monthly).toBe(50_000) // kept to return to
    expect(member.red).toEqual({
      id: redAnna,
      amount: 30_000,
      startedAt: at(10, 12, 10),
      deadline,
      previous: 'orange',
    })
    expect((await t.meta()).reds).toEqual({ [anna]: deadline })
    expect((await state(t, pB)).state).toBe('frozen')
    expect((await state(t, pV)).state).toBe('frozen')
    expect((await state(t, pG)).state).toBe('confirmed')
    // Red shows no ❤️ and counts only obligations towards the emergency: none yet.
    // Circle: Boris and Vera (frozen intentions), Gleb (confirmed this month) = 3.
    expect(await progress(t, 'anna')).toEqual({
      goal: 30_000,
      intended: 0,
      committed: 0,
      confirmed: 0,
      missing: 30_000,
      supporters: 3,
    })
    // Each frozen intention's author alone is invited to commit; everybody sees the status.
    const seen = await eventsAfter(t, seq)
    expect(seen.filter((e) => e.kind === 'intention.frozen')).toEqual(
      expect.arrayContaining([
        {
          kind: 'intention.frozen',
          to: ['boris'],
          subject: 'anna',
          pledge: pB,
          amount: 10_000,
          at: at(10, 12, 10),
        },
        {
          kind: 'intention.frozen',
          to: ['vera'],
          subject: 'anna',
          pledge: pV,
          amount: 7_500,
          at: at(10, 12, 10),
        },
      ]),
    )
    expect(seen).toHaveLength(3)
    expect(seen[2]).toEqual({
      kind: 'status.changed',
      to: ['*'],
      actor: 'anna',
      subject: 'anna',
      amount: 30_000,
      at: at(10, 12, 10),
      data: { status: 'red', from: 'orange', deadline },
    })

    // A red member accepts obligations only.
    const refused = await t.op('gleb', { type: 'intention.create', to: anna, amount: 1_000 })
    expect(refused.accepted).toBe(false)
    expect(refused.reason).toBe('anna needs emergency help: only obligations are accepted')
  })

  it('Boris commits his frozen intention to the emergency; Vera and Gleb oblige directly', async () => {
    t.now = at(10, 13)
    await t.ok('boris', { type: 'intention.commit', pledge: pB })
    expect(await state(t, pB)).toEqual({
      kind: 'obligation',
      state: 'open',
      overdue: false,
      collection: redAnna,
      cycle: '2026-11',
    })
    // 🤝 100.00; 🙏 300 - 100 = 200.00
    expect(await progress(t, 'anna')).toEqual({
      goal: 30_000,
      intended: 0,
      committed: 10_000,
      confirmed: 0,
      missing: 20_000,
      supporters: 3,
    })
    pV2 = (await t.ok('vera', { type: 'obligation.create', to: anna, amount: 20_000 })).pledge
    // 🤝 100 + 200 = 300.00; 🙏 300 - 300 = 0
    expect((await progress(t, 'anna')).missing).toBe(0)
    pG2 = (await t.ok('gleb', { type: 'obligation.create', to: anna, amount: 5_000 })).pledge
    // 🤝 100 + 200 + 50 = 350.00; 🙏 300 - 350 < 0 → 0
    expect(await progress(t, 'anna')).toEqual({
      goal: 30_000,
      intended: 0,
      committed: 35_000,
      confirmed: 0,
      missing: 0,
      supporters: 3,
    })
    expect((await state(t, pV2)).collection).toBe(redAnna)
    expect((await state(t, pG2)).collection).toBe(redAnna)
    expect((await state(t, pV)).state).toBe('frozen')
  })

  it('confirmations below the amount keep the emergency running', async () => {
    t.now = at(10, 15)
    await t.ok('boris', { type: 'obligation.fulfil', pledge: pB })
    await t.ok('anna', { type: 'obligation.confirm', pledge: pB })
    // 👍 100.00 < 300.00: still red; 🤝 200 + 50 = 250.00
    expect(await progress(t, 'anna')).toEqual({
      goal: 30_000,
      intended: 0,
      committed: 25_000,
      confirmed: 10_000,
      missing: 0,
      supporters: 3,
    })
    const member = await t.member('anna')
    expect(member.status).toBe('red')
    // deadline 22 Nov 10:00Z - now 15 Nov 12:00Z = 6 d 22 h → 7 days left
    expect(daysLeft(member.red!.deadline, (await t.meta()).now)).toBe(7)
  })

  it('confirmed help reaches 300.00: success, open obligations cancelled, back to orange', async () => {
    t.now = at(10, 16)
    await t.ok('vera', { type: 'obligation.fulfil', pledge: pV2 })
    const seq = await lastSeq(t)
    await t.ok('anna', { type: 'obligation.confirm', pledge: pV2 })
    // 👍 100 + 200 = 300.00 ≥ 300.00
    const member = await t.member('anna')
    expect(member.status).toBe('orange')
    expect(member.red).toBeNull()
    expect(member.monthly).toBe(50_000)
    expect((await t.meta()).reds).toEqual({})
    expect((await state(t, pG2)).state).toBe('cancelled')
    expect((await state(t, pB)).state).toBe('confirmed')
    expect((await state(t, pV2)).state).toBe('confirmed')
    expect(await state(t, pV)).toEqual({
      kind: 'intention',
      state: 'active',
      overdue: false,
      collection: 'monthly',
      cycle: '2026-11',
    })
    const now = at(10, 16)
    expect(await eventsAfter(t, seq)).toEqual([
      {
        kind: 'obligation.confirmed',
        to: ['anna', 'vera'],
        actor: 'anna',
        subject: 'anna',
        pledge: pV2,
        amount: 20_000,
        at: now,
        data: { wasOverdue: false },
      },
      {
        kind: 'obligation.cancelled',
        to: ['anna', 'gleb'],
        subject: 'anna',
        pledge: pG2,
        amount: 5_000,
        at: now,
        data: { reason: 'emergency-funded' },
      },
      {
        kind: 'red.ended',
        to: ['anna', 'boris', 'gleb', 'vera'],
        subject: 'anna',
        amount: 30_000,
        at: now,
        data: { outcome: 'success', confirmed: 30_000, status: 'orange' },
      },
      {
        kind: 'intention.revived',
        to: ['anna', 'vera'],
        subject: 'anna',
        pledge: pV,
        amount: 7_500,
        at: now,
      },
    ])
    // Back to the monthly collection: emergency pledges do not count.
    // ❤️ Vera 75.00; 👍 Gleb 50.00; 🙏 500 - 50 = 450.00.
    // Circle: Boris and Vera (emergency help confirmed this month), Gleb = 3.
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 7_500,
      committed: 0,
      confirmed: 5_000,
      missing: 45_000,
      supporters: 3,
    })
  })

  it('late November: more monthly help, one fulfilled unconfirmed, one never fulfilled', async () => {
    t.now = at(10, 18)
    const seq = await lastSeq(t)
    await t.ok('vera', { type: 'intention.fulfil', pledge: pV })
    expect(await state(t, pV)).toEqual({
      kind: 'obligation',
      state: 'fulfilled',
      overdue: false,
      collection: 'monthly',
      cycle: '2026-11',
    })
    const seen = await eventsAfter(t, seq)
    expect(seen.map((e) => [e.kind, e.to])).toEqual([
      ['obligation.created', ['anna', 'boris', 'gleb', 'vera']],
      ['obligation.fulfilled', ['anna', 'vera']],
    ])
    expect(seen[0]!.data).toEqual({ fromIntention: true })
    // ❤️ 0; 🤝 75.00; 👍 50.00; 🙏 500 - 75 - 50 = 375.00
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 0,
      committed: 7_500,
      confirmed: 5_000,
      missing: 37_500,
      supporters: 3,
    })

    t.now = at(10, 19)
    pB2 = (await t.ok('boris', { type: 'obligation.create', to: anna, amount: 2_500 })).pledge
    t.now = at(10, 20)
    pG3 = (await t.ok('gleb', { type: 'intention.create', to: anna, amount: 3_000 })).pledge
    // ❤️ 30.00; 🤝 75 + 25 = 100.00; 👍 50.00; 🙏 500 - 100 - 50 = 350.00
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 3_000,
      committed: 10_000,
      confirmed: 5_000,
      missing: 35_000,
      supporters: 3,
    })
    expect(await overdueCounts(t)).toEqual({ anna: 0, boris: 0, vera: 0, gleb: 0 })
  })

  it('December starts at Berlin midnight: intentions lapse, renewals, overdue', async () => {
    // 30 Nov 23:59:59.999 CET is still November.
    t.now = Date.UTC(2026, 10, 30, 22, 59, 59, 999)
    await t.ok('gleb', { type: 'cycle' })
    expect((await t.meta()).cycle).toBe('2026-11')
    expect((await state(t, pG3)).state).toBe('active')

    const seq = await lastSeq(t)
    const midnight = Date.UTC(2026, 10, 30, 23) // 1 Dec 2026 00:00 CET
    t.now = midnight
    await t.ok('gleb', { type: 'cycle' })
    const meta = await t.meta()
    expect(meta.cycle).toBe('2026-12')
    expect(meta.now).toBe(midnight)

    pR1 = pledgeIdOf(keyOf('gleb'), `r202612${anna.slice(0, 8)}`)
    expect(await t.pledge(pR1)).toEqual({
      id: pR1,
      kind: 'intention',
      state: 'active',
      from: keyOf('gleb'),
      to: anna,
      amount: 5_000,
      note: '',
      collection: 'monthly',
      cycle: '2026-12',
      createdAt: midnight,
      overdue: false,
      renewedFrom: pG,
    } satisfies Pledge)
    expect((await state(t, pG3)).state).toBe('lapsed')
    expect(await state(t, pV)).toEqual({
      kind: 'obligation',
      state: 'fulfilled',
      overdue: true,
      collection: 'monthly',
      cycle: '2026-11',
    })
    expect(await state(t, pB2)).toEqual({
      kind: 'obligation',
      state: 'open',
      overdue: true,
      collection: 'monthly',
      cycle: '2026-11',
    })
    expect((await t.pledge(pB2)).overdueSince).toBe(midnight)
    // Emergency help and the cancelled emergency obligation are untouched; only the monthly
    // confirmed obligation is renewed, and Boris's and Vera's emergency help is not.
    expect((await state(t, pB)).state).toBe('confirmed')
    expect((await state(t, pG2)).state).toBe('cancelled')
    const renewals = (await incomingOf(t.kv, anna)).filter((p) => p.renewedFrom)
    expect(renewals.map((p) => p.id)).toEqual([pR1])

    expect(await overdueCounts(t)).toEqual({ anna: 0, boris: 1, vera: 1, gleb: 0 })

    const seen = await eventsAfter(t, seq)
    expect(seen).toHaveLength(5)
    expect(seen).toEqual(
      expect.arrayContaining([
        {
          kind: 'intention.lapsed',
          to: ['gleb'],
          subject: 'anna',
          pledge: pG3,
          amount: 3_000,
          at: midnight,
        },
        {
          kind: 'obligation.overdue',
          to: ['anna', 'vera'],
          subject: 'anna',
          pledge: pV,
          amount: 7_500,
          at: midnight,
        },
        {
          kind: 'obligation.overdue',
          to: ['anna', 'boris'],
          subject: 'anna',
          pledge: pB2,
          amount: 2_500,
          at: midnight,
        },
        {
          kind: 'intention.renewed',
          to: ['anna', 'gleb'],
          subject: 'anna',
          pledge: pR1,
          amount: 5_000,
          at: midnight,
        },
      ]),
    )
    expect(seen[4]).toEqual({
      kind: 'cycle.started',
      to: ['*'],
      at: midnight,
      data: { cycle: '2026-12', past: '2026-11' },
    })

    // New month: only Gleb's renewed 50.00 ❤️; overdue obligations neither count nor link.
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 5_000,
      committed: 0,
      confirmed: 0,
      missing: 50_000,
      supporters: 1,
    })
  })

  it('December: Gleb keeps up his monthly support', async () => {
    t.now = at(11, 3)
    await t.ok('gleb', { type: 'intention.commit', pledge: pR1 })
    await t.ok('gleb', { type: 'obligation.fulfil', pledge: pR1 })
    t.now = at(11, 4)
    await t.ok('anna', { type: 'obligation.confirm', pledge: pR1 })
    // 👍 50.00; 🙏 500 - 50 = 450.00
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 0,
      committed: 0,
      confirmed: 5_000,
      missing: 45_000,
      supporters: 1,
    })
  })

  it('Vera goes red from green (200.00, 5 days)', async () => {
    t.now = at(11, 10, 8)
    await t.ok('vera', { type: 'status.red', amount: 20_000, days: 5 })
    expect((await t.member('vera')).red?.previous).toBe('green')
    expect(await progress(t, 'vera')).toEqual({
      goal: 20_000,
      intended: 0,
      committed: 0,
      confirmed: 0,
      missing: 20_000,
      supporters: 0,
    })
    pBV = (await t.ok('boris', { type: 'obligation.create', to: vera, amount: 8_000 })).pledge
    pGV = (await t.ok('gleb', { type: 'obligation.create', to: vera, amount: 6_000 })).pledge
    pAV = (await t.ok('anna', { type: 'obligation.create', to: vera, amount: 4_000 })).pledge
    // 🤝 80 + 60 + 40 = 180.00; 🙏 200 - 180 = 20.00
    expect(await progress(t, 'vera')).toEqual({
      goal: 20_000,
      intended: 0,
      committed: 18_000,
      confirmed: 0,
      missing: 2_000,
      supporters: 3,
    })
    const self = await t.op('vera', { type: 'obligation.create', to: vera, amount: 100 })
    expect(self.reason).toBe('you cannot promise help to yourself')

    t.now = at(11, 11)
    await t.ok('boris', { type: 'obligation.fulfil', pledge: pBV })
    await t.ok('vera', { type: 'obligation.confirm', pledge: pBV })
    t.now = at(11, 12)
    await t.ok('anna', { type: 'obligation.fulfil', pledge: pAV })
    // 👍 80.00 < 200.00; 🤝 60 + 40 = 100.00; 🙏 200 - 100 - 80 = 20.00
    expect(await progress(t, 'vera')).toEqual({
      goal: 20_000,
      intended: 0,
      committed: 10_000,
      confirmed: 8_000,
      missing: 2_000,
      supporters: 3,
    })
    expect((await t.member('vera')).status).toBe('red')
  })

  it("Vera's deadline passes: partial, unfulfilled obligations overdue, back to green", async () => {
    const deadline = at(11, 15, 8) // 10 Dec 08:00Z + 5 × 24 h
    t.now = deadline - 1
    await t.ok('boris', { type: 'cycle' })
    expect((await t.member('vera')).status).toBe('red')

    const seq = await lastSeq(t)
    t.now = at(11, 16, 9)
    await t.ok('boris', { type: 'cycle' })
    const member = await t.member('vera')
    expect(member.status).toBe('green')
    expect(member.red).toBeNull()
    expect((await t.meta()).reds).toEqual({})
    expect((await t.meta()).cycle).toBe('2026-12')
    expect(await state(t, pGV)).toMatchObject({ state: 'open', overdue: true })
    expect(await state(t, pAV)).toMatchObject({ state: 'fulfilled', overdue: true })
    expect(await state(t, pBV)).toMatchObject({ state: 'confirmed', overdue: false })
    expect((await t.pledge(pGV)).overdueSince).toBe(deadline)

    const seen = await eventsAfter(t, seq)
    expect(seen).toHaveLength(3)
    expect(seen.slice(0, 2)).toEqual(
      expect.arrayContaining([
        {
          kind: 'obligation.overdue',
          to: ['gleb', 'vera'],
          subject: 'vera',
          pledge: pGV,
          amount: 6_000,
          at: deadline,
        },
        {
          kind: 'obligation.overdue',
          to: ['anna', 'vera'],
          subject: 'vera',
          pledge: pAV,
          amount: 4_000,
          at: deadline,
        },
      ]),
    )
    // Everyone in Vera's circle learns the result, at the moment of the deadline.
    expect(seen[2]).toEqual({
      kind: 'red.ended',
      to: ['anna', 'boris', 'gleb', 'vera'],
      subject: 'vera',
      amount: 20_000,
      at: deadline,
      data: { outcome: 'partial', confirmed: 8_000, status: 'green' },
    })
    // Green shows nothing to collect; Boris (confirmed this month) still links to Vera.
    expect(await progress(t, 'vera')).toEqual({
      goal: 0,
      intended: 0,
      committed: 0,
      confirmed: 0,
      missing: 0,
      supporters: 1,
    })
    expect(await overdueCounts(t)).toEqual({ anna: 1, boris: 1, vera: 1, gleb: 1 })
  })

  it('January: the second rollover renews only the confirmed monthly help', async () => {
    const seq = await lastSeq(t)
    const midnight = Date.UTC(2026, 11, 31, 23) // 1 Jan 2027 00:00 CET
    t.now = midnight + 60_000
    await t.ok('anna', { type: 'cycle' })
    expect((await t.meta()).cycle).toBe('2027-01')
    const pR2 = pledgeIdOf(keyOf('gleb'), `r202701${anna.slice(0, 8)}`)
    expect(await eventsAfter(t, seq)).toEqual([
      {
        kind: 'intention.renewed',
        to: ['anna', 'gleb'],
        subject: 'anna',
        pledge: pR2,
        amount: 5_000,
        at: midnight,
      },
      {
        kind: 'cycle.started',
        to: ['*'],
        at: midnight,
        data: { cycle: '2027-01', past: '2026-12' },
      },
    ])
    expect(await t.pledge(pR2)).toMatchObject({
      kind: 'intention',
      state: 'active',
      amount: 5_000,
      cycle: '2027-01',
      renewedFrom: pR1,
    })
    // Vera's emergency help from Boris is not renewed, overdue ones stay overdue.
    expect(await overdueCounts(t)).toEqual({ anna: 1, boris: 1, vera: 1, gleb: 1 })
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 5_000,
      committed: 0,
      confirmed: 0,
      missing: 50_000,
      supporters: 1,
    })
  })

  it('overdue obligations confirmed late move to confirmed and restore the link', async () => {
    t.now = at(11, 31, 23) + 5 * 86_400_000 // 5 Jan 2027, 00:00 CET
    const seq = await lastSeq(t)
    await t.ok('anna', { type: 'obligation.confirm', pledge: pV })
    const p = await t.pledge(pV)
    expect(p).toMatchObject({
      kind: 'obligation',
      state: 'confirmed',
      overdue: false,
      confirmedCycle: '2027-01',
      confirmedAt: t.now,
      fulfilledAt: at(10, 18),
      overdueSince: Date.UTC(2026, 10, 30, 23),
    })
    expect(await eventsAfter(t, seq)).toEqual([
      {
        kind: 'obligation.confirmed',
        to: ['anna', 'vera'],
        actor: 'anna',
        subject: 'anna',
        pledge: pV,
        amount: 7_500,
        at: t.now,
        data: { wasOverdue: true },
      },
    ])
    expect(await overdueCounts(t)).toEqual({ anna: 1, boris: 1, vera: 0, gleb: 1 })
    // Vera is back in Anna's circle (Gleb + Vera = 2). The November debt does not count towards
    // January's collection: 🙏 stays 500.00.
    expect(await progress(t, 'anna')).toEqual({
      goal: 50_000,
      intended: 5_000,
      committed: 0,
      confirmed: 0,
      missing: 50_000,
      supporters: 2,
    })

    // Fulfilling late is not enough: Gleb stays overdue until Vera confirms.
    await t.ok('gleb', { type: 'obligation.fulfil', pledge: pGV })
    expect(await state(t, pGV)).toMatchObject({ state: 'fulfilled', overdue: true })
    await t.ok('vera', { type: 'obligation.confirm', pledge: pAV })
    expect(await state(t, pAV)).toMatchObject({ state: 'confirmed', overdue: false })
    expect(await overdueCounts(t)).toEqual({ anna: 0, boris: 1, vera: 0, gleb: 1 })
    // Vera, green, now sees Anna (confirmed in January) in her circle.
    expect((await progress(t, 'vera')).supporters).toBe(1)

    // Nothing along the way was rejected except the two refusals made on purpose.
    expect((await t.rejections()).map((r) => reasonText(r.reason))).toEqual([
      'anna needs emergency help: only obligations are accepted',
      'you cannot promise help to yourself',
    ])
  })
})
