/**
 * Helpers for the rule tests: the events an op emitted, written with member names instead of
 * keys, and a check that a rejected op left the state exactly as it was.
 */
import { expect } from 'vitest'
import { collectionProgress, type CollectionProgress } from '../../core/ledger/collection.ts'
import { incomingOf, links } from '../../core/ledger/ledger.ts'
import {
  EVERYONE,
  keys,
  memberTag,
  type LedgerEvent,
  type NetworkMeta,
} from '../../core/ledger/model.ts'
import type { OpInput } from '../../core/ledger/ops.ts'
import { keyOf, type TestLedger } from './ledger.ts'
import { reasonText } from '../../core/errors.ts'

/** Every name the rule tests use for members and writers. */
export const NAMES = [
  'anna',
  'boris',
  'vera',
  'gleb',
  'dasha',
  'egor',
  'lev',
  'wanda',
  'newcomer',
] as const

const byKey = new Map<string, string>(NAMES.map((n) => [keyOf(n), n]))

export function nameOf(key: string): string {
  if (key === '*') return '*'
  const name = byKey.get(key)
  if (!name) throw new Error(`unknown key ${key}`)
  return name
}

const byTag = new Map<string, string>(NAMES.map((n) => [memberTag(keyOf(n)), n]))

/** The names of the members event `e` tells (see LedgerEvent.to), sorted; `*` is everyone. */
export function recipientNames(e: LedgerEvent): string[] {
  return e.to
    .map((tag) => {
      if (tag === EVERYONE) return tag
      const name = byTag.get(tag)
      if (!name) throw new Error(`unknown member tag ${tag}`)
      return name
    })
    .sort()
}

/** An event as a test states it: names for keys, no id, seq or time. */
export interface Told {
  kind: LedgerEvent['kind']
  actor?: string
  subject?: string
  pledge?: string
  amount?: number
  data?: LedgerEvent['data']
  /** Names of the members told, sorted; `*` is everyone. */
  to: string[]
}

export function told(e: LedgerEvent): Told {
  return {
    kind: e.kind,
    ...(e.actor !== undefined ? { actor: nameOf(e.actor) } : {}),
    ...(e.subject !== undefined ? { subject: nameOf(e.subject) } : {}),
    ...(e.pledge !== undefined ? { pledge: e.pledge } : {}),
    ...(e.amount !== undefined ? { amount: e.amount } : {}),
    ...(e.data !== undefined ? { data: e.data } : {}),
    to: recipientNames(e),
  }
}

export async function allEvents(t: TestLedger): Promise<LedgerEvent[]> {
  return (await t.kv.list<LedgerEvent>(keys.events)).map((e) => e.value)
}

/** Runs `fn` and returns the events it caused, in order, as full records. */
export async function eventsOf(t: TestLedger, fn: () => Promise<unknown>): Promise<LedgerEvent[]> {
  const before = (await t.kv.get<NetworkMeta>(keys.meta))?.seq.event ?? 0
  await fn()
  return (await allEvents(t)).filter((e) => e.seq > before)
}

/** Runs `fn` and returns the events it caused, in order, as a test states them. */
export async function toldBy(t: TestLedger, fn: () => Promise<unknown>): Promise<Told[]> {
  return (await eventsOf(t, fn)).map(told)
}

function snapshot(t: TestLedger): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of t.kv.map) {
    // Where rejections are recorded (by seq, and by op ref for the app to look up).
    if (key.startsWith(keys.rejections) || key === keys.rejectedSeq) continue
    if (key.startsWith('refusal/')) continue
    out.set(key, JSON.stringify(value))
  }
  return out
}

/**
 * Appends an op that must be rejected with exactly `reason`, and checks that it changed
 * nothing but the list of rejections (run it at the ledger's current time).
 */
export async function rejects(
  t: TestLedger,
  author: string,
  input: OpInput,
  reason: string,
): Promise<void> {
  const before = snapshot(t)
  const rejectionsBefore = (await t.rejections()).length
  const result = await t.op(author, input)
  expect(result.reason).toBe(reason)
  expect(result.accepted).toBe(false)
  expect(result.effects).toEqual([])
  const rejections = await t.rejections()
  expect(rejections.length).toBe(rejectionsBefore + 1)
  expect(rejections.at(-1)!.reason).toEqual(result.refusal)
  expect(reasonText(rejections.at(-1)!.reason)).toBe(reason)
  expect(rejections.at(-1)!.author).toBe(keyOf(author))
  expect(snapshot(t)).toEqual(before)
}

/** The collection of `name` as the network sees it now. */
export async function progress(t: TestLedger, name: string): Promise<CollectionProgress> {
  const meta = await t.kv.get<NetworkMeta>(keys.meta)
  const incoming = await incomingOf(t.kv, keyOf(name))
  const supporters = new Set(incoming.filter((p) => links(p, meta!.cycle)).map((p) => p.from))
  return collectionProgress(await t.member(name), incoming, meta!.cycle, supporters.size)
}

/** Names of the members who support `name` in the current cycle, sorted. */
export async function supportersOf(t: TestLedger, name: string): Promise<string[]> {
  const meta = await t.meta()
  const incoming = await incomingOf(t.kv, keyOf(name))
  return [
    ...new Set(incoming.filter((p) => links(p, meta.cycle)).map((p) => nameOf(p.from))),
  ].sort()
}

/** Ids of the pledges in the current picture (what the rules and the next rollover read). */
export async function currentIds(t: TestLedger): Promise<string[]> {
  return (await t.kv.list(keys.currentIns)).map((e) => e.key.slice(e.key.lastIndexOf('/') + 1))
}
