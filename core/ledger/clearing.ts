/**
 * The clearing of mutual obligations in the ledger (domain.md §6): which obligations take part
 * (both sides consented), in what order and up to what cap, stated once for the rule that runs
 * it at the month start (rules/clearing.ts) and for the queries that show it (preview, results).
 * core/clearing computes the clearing itself.
 *
 * Who takes part: an obligation still owed and not marked given (`open`, overdue ones too: they
 * are still owed), between two members who have not left, each of whom consented to it this
 * cycle (all their obligations or this one). One marked fulfilled and not yet confirmed does not:
 * its author says it was given, so clearing it as well would settle it twice. Each may lose at
 * most the smaller of both sides' caps. Oldest first: by when it was made, then by id.
 */
import { verifyClearing } from '../clearing/certificate.ts'
import { peelCycles } from '../clearing/cycles.ts'
import { solveClearing } from '../clearing/solve.ts'
import type { ClearingChain, ClearingObligation, ClearingResult } from '../clearing/types.ts'
import type { ReadKV } from './kv.ts'
import { currentOutgoing } from './ledger.ts'
import { keys, type ClearedRow, type ClearingConsent, type Member, type Pledge } from './model.ts'

/** An obligation that clearing may reduce, if both sides consent: still owed, not marked given. */
export function clearable(p: Pledge): boolean {
  return p.kind === 'obligation' && p.state === 'open'
}

/** Whether `consent` lets clearing reduce obligation `id`. */
export function covers(consent: ClearingConsent | null | undefined, id: string): boolean {
  if (!consent || consent.obligations === 'none') return false
  return consent.obligations === 'all' || consent.obligations.includes(id)
}

/** The smaller of two caps, either possibly absent. */
export function smallerCap(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return Math.min(a, b)
}

/** The consents given for `cycle`, by member. */
export async function consentsOf(kv: ReadKV, cycle: string): Promise<Map<string, ClearingConsent>> {
  const out = new Map<string, ClearingConsent>()
  for (const { value } of await kv.list<ClearingConsent>(keys.consentsOf(cycle)))
    out.set(value.member, value)
  return out
}

/** What a clearing of `cycle` would take, as it stands in `kv`. */
export interface ClearingInput {
  /** The obligations that take part, oldest first (core/clearing's input). */
  input: ClearingObligation[]
  /** Those obligations as the ledger holds them, by id. */
  pledges: Map<string, Pledge>
  consents: Map<string, ClearingConsent>
  /** Members who consented to some of their obligations and have not left. */
  members: number
}

/**
 * The obligations both sides let into the clearing of `cycle`. Reads the consents and the
 * current obligations of each member who consented: it costs what they owe, not the network.
 * The total owed stays below 2^53 (core/clearing refuses more): past it, the newest are left out.
 */
export async function clearingInput(kv: ReadKV, cycle: string): Promise<ClearingInput> {
  const consents = await consentsOf(kv, cycle)
  const present = new Set<string>()
  for (const [id, consent] of consents) {
    if (consent.obligations === 'none') continue
    const member = await kv.get<Member>(keys.member(id))
    if (member && !member.left) present.add(id)
  }
  const pledges = new Map<string, Pledge>()
  const taking: Pledge[] = []
  for (const id of [...present].sort()) {
    for (const p of await currentOutgoing(kv, id)) {
      if (!clearable(p) || !present.has(p.to)) continue
      if (!covers(consents.get(p.from), p.id) || !covers(consents.get(p.to), p.id)) continue
      taking.push(p)
    }
  }
  taking.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const input: ClearingObligation[] = []
  let debt = 0
  for (const p of taking) {
    if (debt + p.amount > Number.MAX_SAFE_INTEGER) break
    debt += p.amount
    const cap = smallerCap(consents.get(p.from)?.cap, consents.get(p.to)?.cap)
    input.push({
      id: p.id,
      from: p.from,
      to: p.to,
      amount: p.amount,
      order: p.createdAt,
      ...(cap !== undefined ? { cap } : {}),
    })
    pledges.set(p.id, p)
  }
  return { input, pledges, consents, members: present.size }
}

/** cleared / debt in hundredths of a percent, rounded down, in integers (exact at any size). */
export function percentBp(cleared: number, debt: number): number {
  return debt === 0 ? 0 : Number((BigInt(cleared) * 10_000n) / BigInt(debt))
}

/** A clearing and its check, never throwing: null result with the reason when it cannot run. */
export function clearingOf(input: ClearingObligation[]): {
  result: ClearingResult | null
  verified: boolean
  failed?: string
} {
  try {
    const result = solveClearing(input)
    const verdict = verifyClearing(input, result)
    return verdict.ok
      ? { result, verified: true }
      : { result, verified: false, failed: verdict.violation }
  } catch (err) {
    return { result: null, verified: false, failed: String(err) }
  }
}

/**
 * The chains of a past run, computed again from what it cleared (ClearedRow): core/clearing's
 * peelCycles over the cleared amounts in the run's order gives the chains the run found, so a
 * run stores no chain (at 100,000 obligations they make some 69 MB).
 */
export function chainsOfRun(rows: ReadonlyArray<{ id: string } & ClearedRow>): ClearingChain[] {
  const sorted = [...rows].sort(
    (a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  const members = [...new Set(sorted.flatMap((r) => [r.from, r.to]))].sort()
  const number = new Map(members.map((m, i) => [m, i]))
  const from = Int32Array.from(sorted, (r) => number.get(r.from)!)
  const to = Int32Array.from(sorted, (r) => number.get(r.to)!)
  const amounts = Float64Array.from(sorted, (r) => r.cleared)
  const chains: ClearingChain[] = []
  peelCycles(members.length, from, to, amounts, (edges, amount) => {
    let oldest = 0
    for (let i = 1; i < edges.length; i++) if (edges[i]! < edges[oldest]!) oldest = i
    const ordered = [...edges.slice(oldest), ...edges.slice(0, oldest)]
    chains.push({ amount, obligations: ordered.map((e) => sorted[e]!.id) })
  })
  return chains
}
