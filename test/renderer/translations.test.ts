/**
 * Every string is translated: each namespace has the same keys in English, Russian and
 * Ukrainian (plural forms aside, which differ by language), and no value is empty.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERRORS, REASONS } from '../../core/errors.ts'

const LOCALES = join(import.meta.dirname, '..', '..', 'renderer', 'src', 'locales')
const PLURAL = /_(zero|one|two|few|many|other)$/

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v !== null && typeof v === 'object') for (const [kk, vv] of flatten(v, key)) out.set(kk, vv)
    else out.set(key, String(v))
  }
  return out
}

function load(lng: string, ns: string) {
  return flatten(JSON.parse(readFileSync(join(LOCALES, lng, ns), 'utf8')))
}

const namespaces = readdirSync(join(LOCALES, 'en')).filter((f) => f.endsWith('.json'))

describe.each(namespaces)('%s', (ns) => {
  const en = load('en', ns)
  it.each(['ru', 'uk'])('is translated into %s', (lng) => {
    const other = load(lng, ns)
    const base = (keys: Iterable<string>) =>
      [...new Set([...keys].map((k) => k.replace(PLURAL, '')))].sort()
    expect(base(other.keys())).toEqual(base(en.keys()))
    expect([...other].filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([])
    // Plural keys carry the forms the language needs.
    for (const key of en.keys()) {
      if (!key.endsWith('_other')) continue
      const stem = key.slice(0, -'_other'.length)
      for (const form of ['one', 'few', 'many'])
        expect(other.has(`${stem}_${form}`), `${stem}_${form}`).toBe(true)
    }
  })
})

describe('rejection reasons', () => {
  it('has a sentence for every reason the ledger rules give', () => {
    const en = load('en', 'rejections.json')
    expect(Object.keys(REASONS).filter((code) => !en.has(code))).toEqual([])
  })
})

describe('errors', () => {
  it('has a sentence for every error of the catalogue and each of its wordings', () => {
    const en = load('en', 'common.json')
    const wanted = Object.entries(ERRORS).flatMap(([code, def]) => [
      `errors.${code}`,
      ...Object.keys('variants' in def ? def.variants : {}).map((v) => `errors.${code}_${v}`),
    ])
    expect(wanted.filter((key) => !en.has(key))).toEqual([])
  })
})
