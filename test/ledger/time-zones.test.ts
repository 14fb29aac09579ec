/**
 * Month boundaries come from the zone data the app ships with, never from the runtime's Intl
 * (Electron's, Node's and systems' zone data differ): two runtimes must compute the same.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  TZ_DATA_VERSION,
  cycleOf,
  cycleStart,
  dayOfMonth,
  knownZone,
  wallClock,
} from '../../core/ledger/cycle-time.ts'
import { decodeOp, OP_VERSION } from '../../core/ledger/ops.ts'

afterEach(() => {
  vi.unstubAllGlobals()
})

/** Boundaries of a few zones, across DST changes and odd offsets. */
function boundaries() {
  return {
    berlinMarch: cycleStart('2027-03', 'Europe/Berlin'),
    berlinNovember: cycleStart('2026-11', 'Europe/Berlin'),
    kyiv: cycleStart('2026-12', 'Europe/Kyiv'),
    kathmandu: cycleStart('2027-01', 'Asia/Kathmandu'),
    chatham: cycleStart('2027-04', 'Pacific/Chatham'),
    newYork: cycleStart('2027-11', 'America/New_York'),
    utc: cycleStart('2026-12', 'UTC'),
    cycleNearMidnight: cycleOf(Date.UTC(2026, 10, 30, 23, 30), 'Europe/Berlin'),
    day: dayOfMonth(Date.UTC(2027, 1, 28, 23, 30), 'Asia/Tokyo'),
  }
}

describe('time zones', () => {
  it('give the instants of the shipped data', () => {
    expect(boundaries()).toEqual({
      berlinMarch: Date.UTC(2027, 1, 28, 23), // CET, before the March change
      berlinNovember: Date.UTC(2026, 9, 31, 23), // CET again after October
      kyiv: Date.UTC(2026, 10, 30, 22),
      kathmandu: Date.UTC(2026, 11, 31, 18, 15), // +05:45
      chatham: Date.UTC(2027, 2, 31, 10, 15), // +13:45 (daylight time ends in April)
      newYork: Date.UTC(2027, 10, 1, 4), // EDT until 7 Nov
      utc: Date.UTC(2026, 11, 1),
      cycleNearMidnight: '2026-12',
      day: { day: 1, daysInMonth: 31 },
    })
    expect(wallClock(Date.UTC(2027, 6, 1, 10), 'Europe/Berlin')).toMatchObject({ hour: 12 })
    expect(TZ_DATA_VERSION).toMatch(/^\d{4}[a-z]$/)
  })

  it('are the same whatever zone data the runtime has', () => {
    const expected = boundaries()
    // A runtime whose Intl knows no zone at all, or gets every one wrong.
    class NoZones extends Intl.DateTimeFormat {
      constructor(locale?: string | string[], options?: Intl.DateTimeFormatOptions) {
        if (options?.timeZone && options.timeZone !== 'UTC') throw new RangeError('no zone data')
        super(locale, options)
      }
    }
    vi.stubGlobal('Intl', { ...Intl, DateTimeFormat: NoZones })
    expect(boundaries()).toEqual(expected)
  })

  it('decide which zone a network may be created with', () => {
    expect(knownZone('Europe/Berlin')).toBe(true)
    expect(knownZone('Mars/Olympus')).toBe(false)
    const create = (timeZone: string) =>
      decodeOp({
        v: OP_VERSION,
        id: 'op000001',
        ts: 0,
        type: 'network.create',
        name: 'Friends',
        currency: 'EUR',
        decimals: 2,
        timeZone,
      })
    expect(create('Asia/Kathmandu').ok).toBe(true)
    expect(create('Mars/Olympus')).toMatchObject({
      ok: false,
      refusal: { code: 'malformed-field', params: { field: 'timeZone' } },
    })
  })
})
