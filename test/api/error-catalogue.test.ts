/**
 * The error catalogue is the only place errors are worded: the code raises them by code and
 * values, and the server's statuses come from it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERRORS, errorText, fail, refused, statusOf } from '../../core/errors.ts'

const ROOT = path.join(import.meta.dirname, '..', '..')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return sources(full)
    return /\.tsx?$/.test(name) ? [full] : []
  })
}

describe('the error catalogue', () => {
  it('is where every error of the node, its hosts and transports is worded', () => {
    const inline: string[] = []
    for (const file of [
      ...sources(path.join(ROOT, 'core')),
      ...sources(path.join(ROOT, 'electron')),
    ]) {
      const rel = path.relative(ROOT, file)
      if (rel === path.join('core', 'errors.ts')) continue
      const text = readFileSync(file, 'utf8')
      // An error value or ApiError made on the spot, with its own English.
      for (const m of text.matchAll(
        /code: '[a-z-]+',\s*message:|new ApiError\(\s*'[^']*',\s*['`"]/g,
      ))
        inline.push(`${rel}: ${m[0]}`)
    }
    expect(inline).toEqual([])
  })

  it('gives every code an HTTP error status and every wording its values', () => {
    for (const [code, def] of Object.entries(ERRORS)) {
      expect(def.status, code).toBeGreaterThanOrEqual(400)
      expect(def.status, code).toBeLessThan(600)
    }
    expect(fail('unknown-member', { ref: 'Vera' }).toValue()).toEqual({
      code: 'unknown-member',
      message: 'No member "Vera" in this network',
      params: { ref: 'Vera' },
    })
    expect(fail('invite-expired', { days: 1 }, 'one').message).toBe(
      'This invite has expired (1 day ago). Ask a member for a new one.',
    )
    expect(errorText('invite-refused', {}, 'used')).toMatch(/already been used/)
    expect(refused({ code: 'not-asking', params: { name: 'Anna' } }).toValue()).toEqual({
      code: 'rejected',
      message: 'Anna is not asking for help',
      params: { reason: 'Anna is not asking for help' },
      reason: { code: 'not-asking', params: { name: 'Anna' } },
    })
  })

  it('says the status of each code, and 422 for one it does not know', () => {
    expect(statusOf('unknown-network')).toBe(404)
    expect(statusOf('invalid-params')).toBe(400)
    expect(statusOf('not-synced')).toBe(503)
    expect(statusOf('rejected')).toBe(422)
    expect(statusOf('a-newer-nodes-code')).toBe(422)
  })
})
