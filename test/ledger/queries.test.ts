import { describe, expect, it } from 'vitest'
import { formatAmount, parseAmount } from '../../core/ledger/format.ts'
import {
  allCards,
  home,
  latestEvents,
  listMembers,
  memberRecord,
  type MemberSource,
  memberCard,
  needsHelp,
  organizer,
  othersInNeed,
  relations,
  type MemberCard,
} from '../../core/ledger/queries.ts'
import { DAY, TestLedger, keyOf } from '../support/ledger.ts'

const [anna, boris, vera, gleb, dana] = ['anna', 'boris', 'vera', 'gleb', 'dana'].map(keyOf) as [
  string,
  string,
  string,
  string,
  string,
]

/**
 * boris ❤️100→anna, vera 🤝75→anna, anna ❤️30→gleb, vera ❤️20→gleb, dana 🤝50→gleb,
 * dana ❤️10→boris. anna orange 500, gleb orange 200, boris orange 40.
 */
async function circles() {
  const t = await new TestLedger().network('anna', ['boris', 'vera', 'gleb', 'dana'])
  await t.ok('anna', { type: 'status.orange', amount: 50_000 })
  await t.ok('gleb', { type: 'status.orange', amount: 20_000 })
  await t.ok('boris', { type: 'status.orange', amount: 4_000 })
  const b = await t.ok('boris', { type: 'intention.create', to: anna, amount: 10_000 })
  const v = await t.ok('vera', { type: 'obligation.create', to: anna, amount: 7_500 })
  await t.ok('anna', { type: 'intention.create', to: gleb, amount: 3_000 })
  await t.ok('vera', { type: 'intention.create', to: gleb, amount: 2_000 })
  await t.ok('dana', { type: 'obligation.create', to: gleb, amount: 5_000 })
  await t.ok('dana', { type: 'intention.create', to: boris, amount: 1_000 })
  return { t, borisToAnna: b.pledge, veraToAnna: v.pledge }
}

describe('display formats', () => {
  it('formats minor units in whole units, decimals only when needed', () => {
    expect(formatAmount(7_500, 2)).toBe('75')
    expect(formatAmount(7_550, 2)).toBe('75.50')
    expect(formatAmount(7_505, 2)).toBe('75.05')
    expect(formatAmount(-5, 2)).toBe('-0.05')
    expect(formatAmount(12, 0)).toBe('12')
  })

  it('parses amounts typed by people', () => {
    expect(parseAmount('75', 2)).toBe(7_500)
    expect(parseAmount(' 75,5 ', 2)).toBe(7_550)
    expect(parseAmount('75.05', 2)).toBe(7_505)
    expect(parseAmount('1.234', 2)).toBeNull()
    expect(parseAmount('-3', 2)).toBeNull()
    expect(parseAmount('abc', 2)).toBeNull()
    expect(parseAmount('3', 0)).toBe(3)
  })
})

describe('member card', () => {
  it('shows the conventions of domain.md §4', async () => {
    const { t, veraToAnna } = await circles()
    const card = (await memberCard(t.kv, anna))!
    // 2 supporters (boris ❤️100, vera 🤝75); missing = 500 - 75 = 425
    expect(card.lines.incoming).toBe('2 👥→👤 (100 ❤️ / 425 🙏)')
    expect(card.lines.outgoing).toBe('👤→1 👥 (30 ❤️ / 0 🤝 / 0 👍)')
    expect(card.lines.emergency).toBeNull()
    expect(card.supporters).toEqual([boris, vera].sort())
    expect(card.payment).toEqual([])

    await t.ok('vera', { type: 'obligation.fulfil', pledge: veraToAnna })
    await t.ok('anna', { type: 'obligation.confirm', pledge: veraToAnna })
    const vCard = (await memberCard(t.kv, vera))!
    expect(vCard.lines.outgoing).toBe('👤→2 👥 (20 ❤️ / 0 🤝 / 75 👍)')
    // confirmed obligations still lower 🙏
    expect((await memberCard(t.kv, anna))!.lines.incoming).toBe('2 👥→👤 (100 ❤️ / 425 🙏)')
  })

  it('shows emergencies with days left, and hides payment details of green members', async () => {
    const { t } = await circles()
    await t.ok('gleb', {
      type: 'member.payment',
      details: [{ label: 'IBAN', value: 'DE00 1234', isDefault: true }],
    })
    await t.ok('gleb', { type: 'status.red', amount: 30_000, days: 10 })
    t.now += 1.5 * DAY
    await t.ok('dana', { type: 'obligation.create', to: gleb, amount: 10_000 })
    const card = (await memberCard(t.kv, gleb))!
    // the monthly obligation of 50 does not count towards the emergency: 300 - 100 = 200
    expect(card.lines.emergency).toBe('gleb 🆘 (200 🙏 / 9 days)')
    expect(card.defaultPayment).toEqual({ label: 'IBAN', value: 'DE00 1234', isDefault: true })
    expect((await memberCard(t.kv, dana))!.payment).toBeNull()
    expect(await memberCard(t.kv, keyOf('nobody'))).toBeNull()
  })
})

describe('relations', () => {
  it('computes the six relations of domain.md §2 and my network', async () => {
    const { t } = await circles()
    const r = await relations(t.kv, anna)
    expect(r.supporters).toEqual([boris, vera].sort())
    expect(r.supporting).toEqual([gleb])
    expect(r.coSupporters).toEqual([dana, vera].sort()) // others supporting gleb
    expect(r.supportersOfSupporters).toEqual([dana]) // dana supports boris
    expect(r.alsoSupportedBySupporters).toEqual([gleb]) // vera also supports gleb
    expect(r.supportedBySupported).toEqual([]) // gleb supports nobody
    expect(r.network).toEqual([boris, dana, gleb, vera].sort())
  })
})

describe('lists', () => {
  it('puts emergencies first, then the largest shortfall', async () => {
    const { t } = await circles()
    await t.ok('gleb', { type: 'status.red', amount: 30_000, days: 10 })
    expect((await needsHelp(t.kv)).map((c) => c.name)).toEqual(['gleb', 'anna', 'boris'])
  })

  it('sorts pledges into the organizer lists', async () => {
    const { t, veraToAnna, borisToAnna } = await circles()
    await t.ok('vera', { type: 'obligation.fulfil', pledge: veraToAnna })
    let org = await organizer(t.kv, anna)
    expect(org.toConfirm.map((p) => p.id)).toEqual([veraToAnna])
    expect(org.promisesToMe.map((p) => p.id).sort()).toEqual([borisToAnna, veraToAnna].sort())
    expect((await organizer(t.kv, vera)).awaitingTheirConfirmation.map((p) => p.id)).toEqual([
      veraToAnna,
    ])
    await t.ok('anna', { type: 'obligation.confirm', pledge: veraToAnna })
    org = await organizer(t.kv, anna)
    expect(org.fulfilled.map((p) => p.id)).toEqual([veraToAnna])
    expect(org.toConfirm).toEqual([])

    t.now = Date.UTC(2026, 11, 1, 0, 0, 1) // next month: dana's 🤝50 to gleb is overdue
    await t.ok('anna', { type: 'cycle' })
    expect((await organizer(t.kv, dana)).overdue.map((p) => p.amount)).toEqual([5_000])
    expect((await memberCard(t.kv, dana))!.overdue).toBe(1)
    const h = await home(t.kv, dana)
    expect(h.me?.name).toBe('dana')
    expect(h.network.cycle).toBe('2026-12')
    expect(h.recent[0]?.kind).toBe('cycle.started')
  })
})

describe('latest events', () => {
  it('reads the current and previous block of a thousand events, oldest first', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const { pledge } = await t.ok('boris', { type: 'intention.create', to: anna, amount: 1 })
    for (let i = 2; i < 2_100; i++) {
      await t.ok('boris', { type: 'intention.change', pledge, amount: i })
    }
    const total = (await t.meta()).seq.event
    expect(total).toBeGreaterThan(2_000)
    const events = await latestEvents(t.kv)
    expect(events[0]?.seq).toBe(1_000)
    expect(events.at(-1)?.seq).toBe(total)
    expect(events.length).toBe(total - 999)
  })
})

describe('own payment details', () => {
  it('are hidden from others while green but shown to their owner', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    const details = [{ label: 'IBAN', value: 'DE00 1', isDefault: true }]
    await t.ok('anna', { type: 'member.payment', details })
    expect((await memberCard(t.kv, anna, boris))!.payment).toBeNull()
    expect((await memberCard(t.kv, anna, anna))!.payment).toEqual(details)
  })
})

describe("Home's list of who needs help", () => {
  it('lists the first others in needsHelp order and counts them all', () => {
    const cards = Array.from({ length: 25 }, (_, i) => ({ id: `m${i}` }) as MemberCard)
    const { shown, total } = othersInNeed(cards, 'm3', 20)
    expect(total).toBe(24)
    expect(shown.map((c) => c.id)).toEqual(
      cards
        .map((c) => c.id)
        .filter((id) => id !== 'm3')
        .slice(0, 20),
    )
    expect(othersInNeed(cards.slice(0, 2), 'nobody')).toEqual({
      shown: cards.slice(0, 2),
      total: 2,
    })
  })
})

describe('cards of records kept between updates', () => {
  /** A MemberSource that hands out the records it read once, as the node's index does. */
  async function kept(t: TestLedger): Promise<MemberSource> {
    const members = await listMembers(t.kv)
    const records = new Map(
      await Promise.all(
        members.map(async (m) => [m.id, (await memberRecord(t.kv, m.id))!] as const),
      ),
    )
    return { members: async () => members, record: async (id) => records.get(id) ?? null }
  }

  it('are made once per record, and again when what else they show changes', async () => {
    const { t } = await circles()
    await t.ok('gleb', { type: 'status.red', amount: 30_000, days: 10 })
    const source = await kept(t)
    const fresh = () => allCards(t.kv, anna, t.now)
    const first = await allCards(t.kv, anna, t.now, source)
    expect(first).toEqual(await fresh())
    // The same records, viewer and day: the same cards.
    const again = await allCards(t.kv, anna, t.now, source)
    again.forEach((card, i) => expect(card).toBe(first[i]))
    // Another day counts days left down, and changes nothing else.
    const later = await allCards(t.kv, anna, t.now + 2 * DAY, source)
    expect(later.find((c) => c.id === gleb)!.red!.daysLeft).toBe(
      first.find((c) => c.id === gleb)!.red!.daysLeft - 2,
    )
    expect(later.find((c) => c.id === dana)).toBe(first.find((c) => c.id === dana))
    // Another viewer sees others' details differently (a node has one viewer: one card kept).
    const forBoris = await allCards(t.kv, boris, t.now, source)
    expect(forBoris).toEqual(await allCards(t.kv, boris, t.now))
    expect(forBoris.find((c) => c.id === anna)).not.toBe(first.find((c) => c.id === anna))
    // A new record (the index read the member again): a new card.
    await t.ok('boris', { type: 'status.orange', amount: 9_000 })
    const changed = await allCards(t.kv, anna, t.now, await kept(t))
    expect(changed.find((c) => c.id === boris)!.monthly).toBe(9_000)
    expect(changed).toEqual(await fresh())
  })
})
