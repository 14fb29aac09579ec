/**
 * Network time (domain.md §11): the lower median of the active members' clocks. Here every
 * op is stamped by hand (`everyoneOnline` off): each test says whose clock says what.
 */
import { describe, expect, it } from 'vitest'
import { RECENT } from '../../core/ledger/network-time.ts'
import { OP_VERSION } from '../../core/ledger/ops.ts'
import { toldBy } from '../support/events.ts'
import { DAY, TestLedger, keyOf } from '../support/ledger.ts'

const START = Date.UTC(2026, 10, 3, 12) // 3 Nov 2026
const DEC = Date.UTC(2026, 11, 1)
const JAN = Date.UTC(2027, 0, 1)
const YEAR_2036 = Date.UTC(2036, 0, 15)

async function network(others: string[]) {
  const t = await new TestLedger(START).network('anna', others)
  t.everyoneOnline = false
  return t
}

function cycle(t: TestLedger, who: string, at: number) {
  return t.ok(who, { type: 'cycle' }, at)
}

async function networkTime(t: TestLedger) {
  const meta = await t.meta()
  return { now: meta.now, cycle: meta.cycle }
}

describe('network time', () => {
  it('one clock far ahead moves nothing: not its own op, not a refused one', async () => {
    const t = await network(['boris', 'vera', 'gleb', 'dasha'])
    await t.ok('boris', { type: 'status.orange', amount: 10_000 })
    const before = await networkTime(t)
    const events = await toldBy(t, async () => {
      const made = await t.ok(
        'gleb',
        { type: 'intention.create', to: keyOf('boris'), amount: 500 },
        YEAR_2036,
      )
      // Its record carries network time, in the current cycle, not the stamp.
      expect(await t.pledge(made.pledge)).toMatchObject({ createdAt: before.now, cycle: '2026-11' })
      const refused = await t.op('gleb', { type: 'status.green' }, YEAR_2036 + DAY)
      expect(refused.accepted).toBe(false)
    })
    expect(events.map((e) => e.kind)).toEqual(['intention.created'])
    expect(await networkTime(t)).toEqual(before)
    // Later ops of the others are filed in the current cycle.
    const later = await t.ok(
      'vera',
      { type: 'intention.create', to: keyOf('boris'), amount: 700 },
      START + DAY,
    )
    expect(await t.pledge(later.pledge)).toMatchObject({ createdAt: START + DAY, cycle: '2026-11' })
  })

  it('a month starts once more than half of the active clocks passed it, at its own instant', async () => {
    const t = await network(['boris', 'vera', 'gleb', 'dasha'])
    await t.ok('boris', { type: 'status.orange', amount: 10_000 })
    const love = await t.ok('vera', { type: 'intention.create', to: keyOf('boris'), amount: 700 })
    await cycle(t, 'anna', DEC + DAY)
    await cycle(t, 'boris', DEC + 2 * DAY)
    expect((await t.meta()).cycle).toBe('2026-11')
    expect((await t.pledge(love.pledge)).state).toBe('active')
    const events = await toldBy(t, () => cycle(t, 'gleb', DEC + 3 * DAY))
    expect(events.map((e) => e.kind)).toEqual(['intention.lapsed', 'cycle.started'])
    expect(await t.pledge(love.pledge)).toMatchObject({ state: 'lapsed', closedAt: DEC })
    // The lower median of five clocks: the third highest (anna's, 1 Dec + 1 day).
    expect(await networkTime(t)).toEqual({ now: DEC + DAY, cycle: '2026-12' })
    // The last two agreeing changes nothing more.
    expect(await toldBy(t, () => cycle(t, 'vera', DEC + 4 * DAY))).toEqual([])
  })

  it('with two members, both; with one, that one', async () => {
    const two = await network(['boris'])
    await cycle(two, 'anna', DEC)
    expect((await two.meta()).cycle).toBe('2026-11')
    await cycle(two, 'boris', DEC + DAY)
    expect(await networkTime(two)).toEqual({ now: DEC, cycle: '2026-12' })

    const one = await network([])
    await cycle(one, 'anna', DEC + DAY)
    expect(await networkTime(one)).toEqual({ now: DEC + DAY, cycle: '2026-12' })
  })

  it('between boundaries it follows the median in steps of at most an hour', async () => {
    const t = await network(['boris', 'vera'])
    await cycle(t, 'anna', START + 5 * DAY)
    expect((await t.meta()).now).toBe(START)
    await cycle(t, 'boris', START + 3 * DAY)
    expect((await t.meta()).now).toBe(START + 3 * DAY)
  })

  it('members who stopped writing stop holding time back once two others went on', async () => {
    const t = await network(['boris', 'vera', 'gleb'])
    // vera and gleb are never heard of again (their clocks stay at 3 Nov); anna and boris go on.
    await cycle(t, 'anna', DEC + DAY)
    await cycle(t, 'boris', DEC + DAY)
    expect((await t.meta()).cycle).toBe('2026-11')
    const silent = START + RECENT + DAY
    await cycle(t, 'anna', silent)
    expect((await t.meta()).cycle).toBe('2026-11')
    await cycle(t, 'boris', silent)
    expect(await networkTime(t)).toEqual({ now: silent, cycle: '2026-12' })
    await cycle(t, 'anna', JAN + DAY)
    await cycle(t, 'boris', JAN + DAY)
    expect(await networkTime(t)).toEqual({ now: JAN + DAY, cycle: '2027-01' })
  })

  it('one clock far ahead does not make the others look silent', async () => {
    const t = await network(['boris', 'vera', 'gleb'])
    await cycle(t, 'anna', YEAR_2036)
    await cycle(t, 'boris', START + DAY)
    expect(await networkTime(t)).toEqual({ now: START, cycle: '2026-11' })
    await cycle(t, 'vera', START + DAY)
    // anna (2036), boris and vera: three of four are a day on.
    expect(await networkTime(t)).toEqual({ now: START + DAY, cycle: '2026-11' })
  })

  it('a member who left no longer counts', async () => {
    const t = await network(['boris', 'vera'])
    await cycle(t, 'anna', DEC + DAY)
    await t.ok('vera', { type: 'member.leave' }, START + DAY)
    // anna and boris: boris has not seen December yet.
    expect((await t.meta()).cycle).toBe('2026-11')
    await cycle(t, 'boris', DEC + DAY)
    expect(await networkTime(t)).toEqual({ now: DEC + DAY, cycle: '2026-12' })
  })

  it('a clock behind network time dates nothing in the past', async () => {
    const t = await network(['boris'])
    await cycle(t, 'anna', START + 2 * DAY)
    await cycle(t, 'boris', START + 2 * DAY)
    await t.ok('boris', { type: 'status.orange', amount: 10_000 })
    const made = await t.ok(
      'anna',
      { type: 'intention.create', to: keyOf('boris'), amount: 500 },
      START,
    )
    expect((await t.pledge(made.pledge)).createdAt).toBe(START + 2 * DAY)
  })

  it('a red deadline passes when the network passes it, not one clock', async () => {
    const t = await network(['boris', 'vera'])
    await t.ok('boris', { type: 'status.red', amount: 10_000, days: 5 })
    const deadline = (await t.member('boris')).red!.deadline
    await cycle(t, 'boris', deadline + DAY)
    expect((await t.member('boris')).status).toBe('red')
    const events = await toldBy(t, () => cycle(t, 'vera', deadline + DAY))
    expect(events.map((e) => e.kind)).toContain('red.ended')
    expect((await t.member('boris')).status).toBe('green')
  })

  it('a stamp of the last instant of year 9999 from one member costs nothing', async () => {
    const t = await network(['boris', 'vera'])
    const raw = { v: OP_VERSION, id: 'op900001', ts: Date.UTC(9999, 11, 31, 23, 59), type: 'cycle' }
    expect((await t.raw('boris', raw)).accepted).toBe(true)
    expect(await networkTime(t)).toEqual({ now: START, cycle: '2026-11' })
  })
})
