/**
 * A whole ledger view as one comparable value: every key/value pair in key order and their
 * sha256, plus a short description of how two views differ, for convergence tests.
 */
import { createHash } from 'node:crypto'
import type { LedgerBase } from '../../core/network/ledger-base.ts'

export interface ViewEntry {
  key: string
  value: unknown
}

export interface ViewDump {
  entries: ViewEntry[]
  /** sha256 (hex) of every entry in key order. */
  hash: string
}

/** Reads every entry of the base's view (list('') covers all keys) from one snapshot. */
export async function dumpView(base: LedgerBase): Promise<ViewDump> {
  const snap = base.snapshot()
  try {
    const entries = await snap.list<unknown>('')
    return { entries, hash: hashEntries(entries) }
  } finally {
    await snap.close()
  }
}

export function hashEntries(entries: ViewEntry[]): string {
  const hash = createHash('sha256')
  // One JSON line per entry: keys and values cannot run into each other.
  for (const { key, value } of entries) hash.update(JSON.stringify([key, value]) + '\n')
  return hash.digest('hex')
}

/** Entries counted by the first segment of their key (`member`, `pledge`, `event`...). */
export function countByPrefix(entries: ViewEntry[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const { key } of entries) {
    const prefix = key.split('/')[0] ?? key
    counts[prefix] = (counts[prefix] ?? 0) + 1
  }
  return counts
}

export function countUnder(entries: ViewEntry[], prefix: string): number {
  return entries.filter((e) => e.key.startsWith(prefix)).length
}

export function valueOf<T>(entries: ViewEntry[], key: string): T | undefined {
  return entries.find((e) => e.key === key)?.value as T | undefined
}

function short(value: unknown, max = 300): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > max ? text.slice(0, max) + '…' : text
}

/**
 * What differs between two views: entry counts by prefix, then the first few keys that are
 * missing on one side or hold different values.
 */
export function describeDifference(a: ViewDump, b: ViewDump, names = ['a', 'b'], max = 5): string {
  const [na, nb] = names
  const lines = [
    `${na}: ${a.entries.length} entries ${a.hash.slice(0, 16)} ${short(countByPrefix(a.entries))}`,
    `${nb}: ${b.entries.length} entries ${b.hash.slice(0, 16)} ${short(countByPrefix(b.entries))}`,
  ]
  const left = new Map(a.entries.map((e) => [e.key, JSON.stringify(e.value)]))
  const right = new Map(b.entries.map((e) => [e.key, JSON.stringify(e.value)]))
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort()
  let shown = 0
  let differing = 0
  for (const key of keys) {
    const x = left.get(key)
    const y = right.get(key)
    if (x === y) continue
    differing++
    if (shown >= max) continue
    shown++
    if (x === undefined) lines.push(`  only in ${nb}: ${key} = ${short(y && JSON.parse(y))}`)
    else if (y === undefined) lines.push(`  only in ${na}: ${key} = ${short(JSON.parse(x))}`)
    else
      lines.push(`  ${key}\n    ${na}: ${short(JSON.parse(x))}\n    ${nb}: ${short(JSON.parse(y))}`)
  }
  lines.push(`  ${differing} differing keys in all`)
  return lines.join('\n')
}
