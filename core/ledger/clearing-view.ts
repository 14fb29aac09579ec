/**
 * What the screens and the command line show of the clearing (domain.md §6): a preview of what
 * it would do now with the consents given so far, and the runs that happened, for one member
 * and in all. Read-only; the rule that runs it is rules/clearing.ts.
 */
import type { ClearingChain, ClearingObligation, ClearingResult } from '../clearing/types.ts'
import {
  chainsOfRun,
  clearable,
  clearingInput,
  clearingOf,
  covers,
  type ClearingInput,
  percentBp,
  smallerCap,
} from './clearing.ts'
import { clearingOpen, clearingWindow } from './cycle-time.ts'
import type { ReadKV } from './kv.ts'
import { currentIncoming, currentOutgoing } from './ledger.ts'
import {
  keys,
  type ClearedRow,
  type ClearingConsent,
  type ClearingRun,
  type MemberClearing,
  type NetworkMeta,
  type Pledge,
} from './model.ts'
import { recordTime } from './network-time.ts'

/** How many chains a screen lists per obligation, and members per chain. */
export const CHAINS_SHOWN = 5
export const CHAIN_MEMBERS_SHOWN = 8

/** A chain through a member, as a screen shows it. */
export interface ChainView {
  /** What it took off each obligation on it. */
  amount: number
  /** The members on it in order, starting with the one who looks (the first few of them). */
  members: string[]
  /** How many members it passes in all. */
  length: number
}

/** One of my obligations in a clearing: what it takes off, and through which chains. */
export interface ClearingItem {
  pledge: Pledge
  cleared: number
  remaining: number
  /** The first CHAINS_SHOWN chains through it (largest first). */
  chains: ChainView[]
  /** How many chains pass through it in all. */
  chainCount: number
}

type Ends = Pick<ClearingObligation, 'from' | 'to'>

/**
 * The chains through `me` (indexes into `chains`), listed at each of my obligations on them,
 * each written from me: a chain passes a member once, by one obligation owed to them and one
 * they owe.
 */
export function chainsThrough(
  me: string,
  chains: readonly ClearingChain[],
  through: readonly number[],
  ends: (id: string) => Ends,
): Map<string, { views: ChainView[]; count: number }> {
  const out = new Map<string, { views: ChainView[]; count: number }>()
  const ordered = [...through].sort((a, b) => chains[b]!.amount - chains[a]!.amount || a - b)
  for (const index of ordered) {
    const chain = chains[index]!
    const from = chain.obligations.map((id) => ends(id).from)
    const start = from.indexOf(me)
    if (start < 0) continue
    const members = [...from.slice(start), ...from.slice(0, start)]
    const view: ChainView = {
      amount: chain.amount,
      members: members.slice(0, CHAIN_MEMBERS_SHOWN),
      length: members.length,
    }
    const mine = chain.obligations.filter((id) => {
      const e = ends(id)
      return e.from === me || e.to === me
    })
    for (const id of mine) {
      const entry = out.get(id) ?? { views: [], count: 0 }
      entry.count++
      if (entry.views.length < CHAINS_SHOWN) entry.views.push(view)
      out.set(id, entry)
    }
  }
  return out
}

/** The clearing of the current cycle as the consents and obligations stand: the same for all. */
export interface SolvedClearing {
  taken: ClearingInput
  result: ClearingResult | null
  verified: boolean
}

/**
 * Solves the clearing of the current cycle with the consents given so far: the part of a
 * preview that is the same for every member, and costs what everyone consented owes (at
 * 10,000 obligations some 0.1 s). It changes only when meta.seq.clearing moves, so a node
 * keeps it until then (NetworkSession.solvedClearing).
 */
export async function solveCurrent(kv: ReadKV, meta: NetworkMeta): Promise<SolvedClearing> {
  const taken = await clearingInput(kv, meta.cycle)
  const { result, verified } = clearingOf(taken.input)
  return { taken, result, verified }
}

/** What a clearing would do now, for me and in all (domain.md §6: "preview"). */
export interface ClearingPreview {
  cycle: string
  /** The window of this cycle: from the 25th, 00:00, to the next month's start. */
  opens: number
  closes: number
  /** Whether a consent made now counts (as the rules date an op stamped `now`). */
  open: boolean
  myConsent: ClearingConsent | null
  /**
   * My open obligations, owed by me or to me, oldest first: whether my consent and the other
   * side's let it in, the cap that would apply, and what clearing would take off it now.
   */
  obligations: Array<
    ClearingItem & { mine: boolean; theirs: boolean; cap: number | null; taking: boolean }
  >
  /** Over everything consented now. */
  totals: ClearingRun['totals']
  percentBp: number
  /** Members who consented to some obligations. */
  members: number
  /** Obligations that would take part. */
  taking: number
  /** What it would take off my debts (and as much off what is owed to me). */
  mineCleared: number
  /** The result passed verifyClearing: nothing could clear more. */
  verified: boolean
}

/**
 * What the clearing of the current cycle would do with the consents given so far, for `me`, by
 * the clock `now` (the viewer's): `solved` (solveCurrent of the same view) and my obligations.
 */
export async function clearingPreview(
  kv: ReadKV,
  meta: NetworkMeta,
  me: string,
  now = meta.now,
  solved?: SolvedClearing,
): Promise<ClearingPreview> {
  const cycle = meta.cycle
  const { opens, closes } = clearingWindow(cycle, meta.timeZone)
  const { taken, result, verified } = solved ?? (await solveCurrent(kv, meta))
  const byId = new Map(result?.obligations.map((o) => [o.id, o]))
  const ends = (id: string): Ends => taken.pledges.get(id)!
  const through = result?.members.find((m) => m.member === me)?.chains ?? []
  const chains = result ? chainsThrough(me, result.chains, through, ends) : new Map()
  const myConsent = taken.consents.get(me) ?? null
  const [incoming, outgoing] = await Promise.all([currentIncoming(kv, me), currentOutgoing(kv, me)])
  const obligations = [...outgoing, ...incoming]
    .filter(clearable)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    .map((pledge) => {
      const other = pledge.from === me ? pledge.to : pledge.from
      const theirs = taken.consents.get(other)
      const cap = smallerCap(myConsent?.cap, theirs?.cap)
      const o = byId.get(pledge.id)
      const c = chains.get(pledge.id)
      return {
        pledge,
        mine: covers(myConsent, pledge.id),
        theirs: covers(theirs, pledge.id),
        cap: covers(myConsent, pledge.id) && covers(theirs, pledge.id) ? (cap ?? null) : null,
        taking: o !== undefined,
        cleared: o?.cleared ?? 0,
        remaining: o?.remaining ?? pledge.amount,
        chains: c?.views ?? [],
        chainCount: c?.count ?? 0,
      }
    })
  const totals = result?.totals ?? { debt: 0, consented: 0, cleared: 0 }
  return {
    cycle,
    opens,
    closes,
    open: clearingOpen(recordTime(meta, now), meta.timeZone),
    myConsent,
    obligations,
    totals,
    percentBp: percentBp(totals.cleared, totals.debt),
    members: taken.members,
    taking: taken.input.length,
    mineCleared: obligations.filter((o) => o.pledge.from === me).reduce((n, o) => n + o.cleared, 0),
    verified,
  }
}

/** The clearings that ran, and what one of them did for me. */
export interface ClearingResults {
  /** Every run, newest first. */
  runs: ClearingRun[]
  /** The run shown: the cycle asked for, else the latest; null if there is none. */
  run: ClearingRun | null
  /** What that run did for me: my obligations it reduced, with their chains. */
  mine: { cleared: number; obligations: ClearingItem[] } | null
}

/** What a past run cleared, by obligation, and the chains it found: the same for everyone. */
export interface RunChains {
  byId: Map<string, { id: string } & ClearedRow>
  chains: ClearingChain[]
}

/**
 * The obligations the run of `cycle` reduced and its chains, computed again from them (see
 * chainsOfRun): it costs what the run cleared (10,000 rows at 10,000 obligations), and never
 * changes once the run is in the view, so a node keeps it (NetworkSession.clearingRun).
 */
export async function runChains(kv: ReadKV, cycle: string): Promise<RunChains> {
  const prefix = keys.clearedRowsOf(cycle)
  const rows = (await kv.list<ClearedRow>(prefix)).map((e) => ({
    id: e.key.slice(prefix.length),
    ...e.value,
  }))
  return { byId: new Map(rows.map((r) => [r.id, r])), chains: chainsOfRun(rows) }
}

/**
 * Past clearings, newest first, and what the one of `cycle` (else the latest) did for `me`,
 * with its chains from `chainsOf` (runChains, or what a node kept of it).
 */
export async function clearingResults(
  kv: ReadKV,
  me: string,
  cycle?: string,
  chainsOf: (run: ClearingRun) => Promise<RunChains> = (run) => runChains(kv, run.cycle),
): Promise<ClearingResults> {
  const runs = (await kv.list<ClearingRun>(keys.clearingRuns)).map((e) => e.value).reverse()
  const run = (cycle === undefined ? runs[0] : runs.find((r) => r.cycle === cycle)) ?? null
  if (!run) return { runs, run, mine: null }
  const record = await kv.get<MemberClearing>(keys.memberClearing(me, run.cycle))
  if (!record) return { runs, run, mine: null }
  const { byId, chains } = await chainsOf(run)
  const through = chains.flatMap((c, i) =>
    c.obligations.some((id) => byId.get(id)!.from === me) ? [i] : [],
  )
  const views = chainsThrough(me, chains, through, (id) => byId.get(id)!)
  const obligations: ClearingItem[] = []
  for (const entry of record.pledges) {
    const pledge = await kv.get<Pledge>(keys.pledge(entry.id))
    if (!pledge) continue
    const c = views.get(entry.id)
    obligations.push({
      pledge,
      cleared: entry.cleared,
      remaining: entry.remaining,
      chains: c?.views ?? [],
      chainCount: c?.count ?? 0,
    })
  }
  return { runs, run, mine: { cleared: record.cleared, obligations } }
}
