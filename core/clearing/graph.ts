/**
 * The input of a clearing, checked and put in one canonical form that both the solver and the
 * verifier work on: obligations sorted by (order, id), members sorted by id, both numbered by
 * that position. Everything after this sees only these numbers, so the input's own order can
 * change nothing.
 */
import type { ClearingObligation } from './types.ts'

export interface ClearingGraph {
  /** The input in processing order: by `order` (oldest first), then by `id`. */
  obligations: ClearingObligation[]
  /** Member ids sorted by UTF-16 code units; a member's number is its position here. */
  members: string[]
  /** Per obligation (in processing order): the numbers of its debtor and creditor. */
  from: Int32Array
  to: Int32Array
  /** Per obligation: min(amount, cap), the most that may be cleared of it. */
  capacity: Float64Array
  debt: number
  consented: number
}

/** Sorts and numbers the input; throws a RangeError on input no clearing can be made of. */
export function prepare(input: readonly ClearingObligation[]): ClearingGraph {
  const ids = new Set<string>()
  const names = new Set<string>()
  let debt = 0
  for (const o of input) {
    if (typeof o.id !== 'string' || ids.has(o.id)) throw invalid(o, 'id missing or not unique')
    ids.add(o.id)
    if (typeof o.from !== 'string' || typeof o.to !== 'string' || o.from === o.to) {
      throw invalid(o, 'from and to must be two different members')
    }
    if (!isCount(o.amount)) throw invalid(o, 'amount must be a safe integer >= 0')
    if (o.cap !== undefined && !isCount(o.cap)) throw invalid(o, 'cap must be a safe integer >= 0')
    if (!Number.isFinite(o.order)) throw invalid(o, 'order must be a finite number')
    names.add(o.from).add(o.to)
    debt += o.amount
    // Every sum the clearing makes is at most the debt: below this, all of them are exact.
    if (debt > Number.MAX_SAFE_INTEGER) throw new RangeError('clearing: total debt is unsafe')
  }
  const obligations = [...input].sort(
    (a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  const members = [...names].sort()
  const number = new Map(members.map((m, i) => [m, i]))
  const m = obligations.length
  const from = new Int32Array(m)
  const to = new Int32Array(m)
  const capacity = new Float64Array(m)
  let consented = 0
  obligations.forEach((o, e) => {
    from[e] = number.get(o.from)!
    to[e] = number.get(o.to)!
    capacity[e] = Math.min(o.amount, o.cap ?? o.amount)
    consented += capacity[e]!
  })
  return { obligations, members, from, to, capacity, debt, consented }
}

/** The obligations of each member in compressed rows: `adj[start[u]..start[u + 1])`, in order. */
export function outgoing(n: number, from: Int32Array, use: (e: number) => boolean) {
  const start = new Int32Array(n + 1)
  for (let e = 0; e < from.length; e++) if (use(e)) start[from[e]! + 1]!++
  for (let u = 0; u < n; u++) start[u + 1]! += start[u]!
  const fill = start.slice(0, n)
  const adj = new Int32Array(start[n]!)
  for (let e = 0; e < from.length; e++) if (use(e)) adj[fill[from[e]!]!++] = e
  return { start, adj }
}

function isCount(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0
}

function invalid(o: ClearingObligation, problem: string): RangeError {
  return new RangeError(`clearing: obligation ${String(o?.id)}: ${problem}`)
}
