/**
 * Seeded obligation graphs for the clearing's tests and bench, and an independent oracle for
 * the optimum: the maximum circulation written as a linear program and solved by HiGHS (a
 * dev-only dependency; the network matrix makes its vertex optimum integral).
 */
import { createRequire } from 'node:module'
import type { Highs } from 'highs'
import type { ClearingObligation } from '../../core/clearing/types.ts'

/** A small deterministic PRNG (mulberry32): the same seed gives the same graphs everywhere. */
export class Random {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items]
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i)
      ;[out[i], out[j]] = [out[j]!, out[i]!]
    }
    return out
  }
}

export interface GraphShape {
  members: number
  obligations: number
  /** Amounts are drawn from 1..maxAmount. */
  maxAmount: number
  /** Share of obligations given a cap (drawn from 0..amount). */
  capped?: number
  /**
   * Share of obligations between near neighbours on a ring of members (up to 3 places away,
   * either way); the rest link two members at random. 0 (the default): all at random.
   */
  local?: number
  /** Share of obligations given an `order` equal to another's, so that ids break the tie. */
  tied?: number
}

/** A seeded random graph of obligations between members m0, m1, ... */
export function randomObligations(seed: number, shape: GraphShape): ClearingObligation[] {
  const rnd = new Random(seed)
  const { members: n, maxAmount } = shape
  const out: ClearingObligation[] = []
  for (let i = 0; i < shape.obligations; i++) {
    const from = rnd.int(0, n - 1)
    let to: number
    if (rnd.next() < (shape.local ?? 0)) {
      const step = rnd.int(1, Math.min(3, n - 1)) * (rnd.next() < 0.5 ? 1 : -1)
      to = (((from + step) % n) + n) % n
    } else {
      to = rnd.int(0, n - 2)
      if (to >= from) to++
    }
    const amount = rnd.int(1, maxAmount)
    const o: ClearingObligation = {
      id: `o${i}`,
      from: `m${from}`,
      to: `m${to}`,
      amount,
      order: rnd.next() < (shape.tied ?? 0) ? 0 : i,
    }
    if (rnd.next() < (shape.capped ?? 0)) o.cap = rnd.int(0, amount)
    out.push(o)
  }
  return out
}

/** The bench's shape: members = obligations / 4, mostly local links, amounts up to 100,000. */
export function benchObligations(seed: number, obligations: number): ClearingObligation[] {
  return randomObligations(seed, {
    members: Math.max(2, Math.floor(obligations / 4)),
    obligations,
    maxAmount: 100_000,
    capped: 0.1,
    local: 0.9,
  })
}

// Its types are CommonJS (TypeScript reads their default export as the whole module), so it is
// loaded as CommonJS, where the loader is both the module and its default.
const loadHighs = createRequire(import.meta.url)('highs') as () => Promise<Highs>
let highs: Promise<Highs> | undefined

/**
 * The largest clearing as HiGHS finds it: maximise the sum of x_e subject to, per member,
 * cleared in = cleared out, and 0 <= x_e <= min(amount, cap). Keep amounts well below 2^53 /
 * obligations so that its floating point stays exact after rounding.
 */
export async function lpOptimum(input: readonly ClearingObligation[]): Promise<number> {
  if (input.length === 0) return 0
  const solver = await (highs ??= loadHighs())
  const rows = new Map<string, string[]>()
  const row = (m: string) => rows.get(m) ?? rows.set(m, []).get(m)!
  const bounds: string[] = []
  input.forEach((o, e) => {
    row(o.from).push(`- x${e}`)
    row(o.to).push(`+ x${e}`)
    bounds.push(` 0 <= x${e} <= ${Math.min(o.amount, o.cap ?? o.amount)}`)
  })
  const lines = (terms: string[]) => {
    const out: string[] = []
    for (let i = 0; i < terms.length; i += 10) out.push('  ' + terms.slice(i, i + 10).join(' '))
    return out
  }
  const text = [
    'Maximize',
    ' obj:',
    ...lines(input.map((_, e) => `+ x${e}`)),
    'Subject To',
    ...[...rows.values()].flatMap((terms, i) => [` r${i}:`, ...lines(terms), '  = 0']),
    'Bounds',
    ...bounds,
    'End',
  ].join('\n')
  const solution = solver.solve(text, { output_flag: false })
  if (solution.Status !== 'Optimal') throw new Error(`HiGHS: ${solution.Status}`)
  return Math.round(solution.ObjectiveValue)
}
