import { describe, expect, it } from 'vitest'
import {
  OptionError,
  describeOffset,
  parseBootstrap,
  parseClockOffset,
  parseDuration,
} from '../../core/daemon/options.ts'

const H = 3_600_000
const D = 24 * H

describe('clock offset', () => {
  it('accepts signed durations with units and bare milliseconds', () => {
    expect(parseClockOffset('+35d')).toBe(35 * D)
    expect(parseClockOffset('-2h')).toBe(-2 * H)
    expect(parseClockOffset('3600000')).toBe(H)
    expect(parseClockOffset('-3600000')).toBe(-H)
    expect(parseClockOffset('1d12h')).toBe(36 * H)
    expect(parseClockOffset('90m')).toBe(90 * 60_000)
    expect(parseClockOffset('1.5h')).toBe(1.5 * H)
    expect(parseClockOffset('2w')).toBe(14 * D)
    expect(parseClockOffset('500ms')).toBe(500)
    expect(parseClockOffset(' +1D ')).toBe(D)
    expect(parseClockOffset(undefined)).toBe(0)
    expect(parseClockOffset('')).toBe(0)
  })

  it('refuses what is not a duration, with an example', () => {
    for (const bad of ['abc', '+d', '3 days', '1y', '--2h', '2h-', '1e3']) {
      expect(() => parseClockOffset(bad)).toThrow(OptionError)
    }
    expect(() => parseClockOffset('soon')).toThrow(/"soon" is not a duration: write e\.g\. \+35d/)
    expect(() => parseClockOffset('+200000d')).toThrow(/more than 100 years/)
  })

  it('reads a bare number in the unit asked for (days for --expires)', () => {
    expect(parseDuration('7', 'd')).toBe(7 * D)
    expect(parseDuration('12h', 'd')).toBe(12 * H)
    expect(() => parseDuration('soon', 'd')).toThrow(/or a number of days/)
  })

  it('describes offsets for the banner and the log', () => {
    expect(describeOffset(35 * D + 2 * H)).toBe('+35d 2h')
    expect(describeOffset(-2 * H)).toBe('-2h')
    expect(describeOffset(0)).toBe('0')
  })
})

describe('bootstrap list', () => {
  it('splits HOST:PORT lists and keeps the default (public DHT) when empty', () => {
    expect(parseBootstrap('127.0.0.1:49737, localhost:1,[::1]:3')).toEqual([
      '127.0.0.1:49737',
      'localhost:1',
      '[::1]:3',
    ])
    expect(parseBootstrap(undefined)).toBeUndefined()
    expect(parseBootstrap(' ')).toBeUndefined()
  })

  it('refuses entries that are not HOST:PORT', () => {
    expect(() => parseBootstrap('127.0.0.1')).toThrow(/"127\.0\.0\.1" is not HOST:PORT/)
    expect(() => parseBootstrap('a:0')).toThrow(OptionError)
    expect(() => parseBootstrap('a:70000')).toThrow(OptionError)
  })
})
