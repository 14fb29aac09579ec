/**
 * Checking a clearing without solving it again, in one pass over the obligations and chains.
 * Any member can run it on what the ledger recorded; the UI says "verified optimal" when it
 * passes.
 *
 * The certificate is a potential p per member (an integer). With drop = p[from] - p[to] per
 * obligation and c = min(amount, cap), the clearing x is the largest possible iff
 *   x < c  implies  drop >= 1   (what is left owed runs downhill), and
 *   x > 0  implies  drop <= 1   (what is cleared runs downhill by at most one step).
 * Why: the drops along any cycle add up to 0, so for any clearing y (a circulation),
 * sum y = sum y * (1 - drop) <= sum over drop <= 0 of c * (1 - drop), taking y = c where
 * 1 - drop > 0 and y = 0 where it is < 0. A clearing meeting both conditions has x = c where
 * drop <= 0 and x = 0 where drop >= 2, so it reaches that bound: nothing clears more. These
 * are the complementary slackness conditions of the maximum circulation's linear program;
 * integer potentials meeting them exist for every optimum.
 */
import { prepare, type ClearingGraph } from './graph.ts'
import type { ClearingObligation, ClearingResult } from './types.ts'

export type Verdict = { ok: true } | { ok: false; violation: string }

/**
 * Checks `result` against `input`: the obligations and totals, bounds, every member's net
 * position unchanged, optimality through the potentials, and that the chains are cycles that
 * add up to the cleared amounts and are listed at every member they pass. Returns the first
 * violation found.
 */
export function verifyClearing(
  input: readonly ClearingObligation[],
  result: ClearingResult,
): Verdict {
  let g: ClearingGraph
  try {
    g = prepare(input)
  } catch (err) {
    return fail(`input: ${(err as Error).message}`)
  }
  return (
    checkObligations(g, result) ?? checkMembers(g, result) ?? checkChains(g, result) ?? { ok: true }
  )
}

function checkObligations(g: ClearingGraph, result: ClearingResult): Verdict | undefined {
  const m = g.obligations.length
  if (result.obligations.length !== m)
    return fail(`${result.obligations.length} obligations, not ${m}`)
  let cleared = 0
  for (let e = 0; e < m; e++) {
    const o = g.obligations[e]!
    const x = result.obligations[e]!
    if (x.id !== o.id) return fail(`obligation ${e} is ${x.id}, expected ${o.id}`)
    if (!Number.isSafeInteger(x.cleared) || x.cleared < 0 || x.cleared > g.capacity[e]!) {
      return fail(`obligation ${o.id}: cleared ${x.cleared} outside 0..${g.capacity[e]}`)
    }
    if (x.remaining !== o.amount - x.cleared) {
      return fail(`obligation ${o.id}: remaining ${x.remaining}, not ${o.amount - x.cleared}`)
    }
    cleared += x.cleared
  }
  const t = result.totals
  if (t.debt !== g.debt) return fail(`total debt ${t.debt}, not ${g.debt}`)
  if (t.consented !== g.consented) return fail(`total consented ${t.consented}, not ${g.consented}`)
  if (t.cleared !== cleared) return fail(`total cleared ${t.cleared}, not ${cleared}`)
  return undefined
}

function checkMembers(g: ClearingGraph, result: ClearingResult): Verdict | undefined {
  const n = g.members.length
  if (result.members.length !== n) return fail(`${result.members.length} members, not ${n}`)
  for (let u = 0; u < n; u++) {
    const x = result.members[u]!
    if (x.member !== g.members[u]) {
      return fail(`member ${u} is ${x.member}, expected ${g.members[u]}`)
    }
    if (!Number.isSafeInteger(x.potential)) {
      return fail(`member ${x.member}: potential ${x.potential}`)
    }
  }
  const net = new Float64Array(n)
  for (let e = 0; e < g.obligations.length; e++) {
    net[g.from[e]!]! += result.obligations[e]!.cleared
    net[g.to[e]!]! -= result.obligations[e]!.cleared
  }
  const moved = net.findIndex((d) => d !== 0)
  if (moved >= 0) {
    return fail(`member ${g.members[moved]}: net position changed by ${net[moved]}`)
  }
  for (let e = 0; e < g.obligations.length; e++) {
    const x = result.obligations[e]!.cleared
    const drop = result.members[g.from[e]!]!.potential - result.members[g.to[e]!]!.potential
    if (x < g.capacity[e]! && drop < 1) {
      return fail(`not optimal: obligation ${g.obligations[e]!.id} not fully cleared, drop ${drop}`)
    }
    if (x > 0 && drop > 1) {
      return fail(`not optimal: obligation ${g.obligations[e]!.id} cleared, drop ${drop}`)
    }
  }
  return undefined
}

function checkChains(g: ClearingGraph, result: ClearingResult): Verdict | undefined {
  const index = new Map(g.obligations.map((o, e) => [o.id, e]))
  const sum = new Float64Array(g.obligations.length)
  // Per member: the last chain seen through it, and how many of its listed chains were met.
  const last = new Int32Array(g.members.length).fill(-1)
  const met = new Int32Array(g.members.length)
  for (let c = 0; c < result.chains.length; c++) {
    const { amount, obligations } = result.chains[c]!
    if (!Number.isSafeInteger(amount) || amount <= 0) return fail(`chain ${c}: amount ${amount}`)
    const edges = obligations.map((id) => index.get(id))
    if (edges.length === 0 || edges.some((e) => e === undefined)) {
      return fail(`chain ${c}: unknown obligations`)
    }
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i]!
      const u = g.from[e]!
      if (g.to[e] !== g.from[edges[(i + 1) % edges.length]!]) {
        return fail(`chain ${c} is not a cycle at ${obligations[i]}`)
      }
      if (last[u] === c) return fail(`chain ${c} passes member ${g.members[u]} twice`)
      last[u] = c
      if (result.members[u]!.chains[met[u]!++] !== c) {
        return fail(`member ${g.members[u]}: chain ${c} not listed in order`)
      }
      sum[e]! += amount
    }
  }
  for (let u = 0; u < g.members.length; u++) {
    if (met[u] !== result.members[u]!.chains.length) {
      return fail(`member ${g.members[u]}: lists chains that do not pass it`)
    }
  }
  for (let e = 0; e < g.obligations.length; e++) {
    if (sum[e] !== result.obligations[e]!.cleared) {
      const { id } = g.obligations[e]!
      return fail(
        `obligation ${id}: chains carry ${sum[e]}, cleared ${result.obligations[e]!.cleared}`,
      )
    }
  }
  return undefined
}

function fail(violation: string): Verdict {
  return { ok: false, violation }
}
