/**
 * The clearing on small cases worked out by hand (domain.md §6, issue 13): a 3-cycle, the
 * 570 example where greedy cycle cancelling can stop at 500, a 2-cycle sharing an edge with a
 * longer cycle, caps that split a cycle, and the documented tie rule.
 */
import { describe, expect, it } from 'vitest'
import { verifyClearing } from '../../core/clearing/certificate.ts'
import { solveClearing } from '../../core/clearing/solve.ts'
import type { ClearingObligation } from '../../core/clearing/types.ts'
import { Random } from '../support/clearing-graphs.ts'
import { greedyClearing } from '../support/greedy-clearing.ts'

/** Obligations written `from>to amount` (optionally `/cap`), ordered as listed. */
function obligations(...specs: string[]): ClearingObligation[] {
  return specs.map((spec, i) => {
    const [, from, to, amount, cap] = /^(\w+)>(\w+) (\d+)(?:\/(\d+))?$/.exec(spec)!
    const o: ClearingObligation = {
      id: `${from}${to}${i}`,
      from: from!,
      to: to!,
      amount: +amount!,
      order: i,
    }
    if (cap !== undefined) o.cap = +cap
    return o
  })
}

function cleared(input: ClearingObligation[]) {
  const result = solveClearing(input)
  expect(verifyClearing(input, result)).toEqual({ ok: true })
  return { result, by: Object.fromEntries(result.obligations.map((o) => [o.id, o.cleared])) }
}

describe('clearing, golden cases', () => {
  it('clears a 3-cycle by its smallest obligation, in one chain', () => {
    const input = obligations('A>B 30', 'B>C 20', 'C>A 50')
    const { result, by } = cleared(input)
    expect(by).toEqual({ AB0: 20, BC1: 20, CA2: 20 })
    expect(result.totals).toEqual({ debt: 100, consented: 100, cleared: 60 })
    expect(result.obligations.map((o) => o.remaining)).toEqual([10, 0, 30])
    expect(result.chains).toEqual([{ amount: 20, obligations: ['AB0', 'BC1', 'CA2'] }])
    expect(result.members.map((m) => m.chains)).toEqual([[0], [0], [0]])
  })

  it('clears 570 in the example, from every input order; greedy can stop at 500', () => {
    // Listed so that greedy meets the long cycle A>B>C>D>E>A first: clearing it by 100
    // leaves B>E and E>C with no cycle. The optimum clears that cycle by 30 only.
    const input = obligations(
      'B>C 100',
      'C>D 100',
      'D>E 100',
      'E>A 100',
      'A>B 100',
      'B>E 70',
      'E>C 70',
    )
    expect(greedyClearing(input)).toBe(500)
    const { result, by } = cleared(input)
    expect(result.totals.cleared).toBe(570)
    expect(by).toEqual({ BC0: 30, CD1: 100, DE2: 100, EA3: 100, AB4: 100, BE5: 70, EC6: 70 })
    const rnd = new Random(570)
    for (let i = 0; i < 20; i++) {
      const order = rnd.shuffle(input.map((o) => o.order))
      const reordered = input.map((o, k) => ({ ...o, order: order[k]! }))
      expect(solveClearing(rnd.shuffle(reordered)).totals.cleared).toBe(570)
    }
  })

  it('takes the longer cycle when a 2-cycle shares its edge', () => {
    // A>B can go round A>B>A (clears 20) or A>B>C>A (clears 30), not both.
    const input = obligations('A>B 10', 'B>A 10', 'B>C 10', 'C>A 10')
    expect(greedyClearing(input)).toBe(20)
    const { result, by } = cleared(input)
    expect(result.totals.cleared).toBe(30)
    expect(by).toEqual({ AB0: 10, BA1: 0, BC2: 10, CA3: 10 })
  })

  it('clears a cycle up to its tightest cap, and nothing past a cap of 0', () => {
    const { by } = cleared(obligations('A>B 100', 'B>C 100/40', 'C>A 100'))
    expect(by).toEqual({ AB0: 40, BC1: 40, CA2: 40 })
    const { result } = cleared(obligations('A>B 100', 'B>C 100/0', 'C>A 100'))
    expect(result.totals).toEqual({ debt: 300, consented: 200, cleared: 0 })
    expect(result.chains).toEqual([])
  })

  it('routes around a cap through a second cycle', () => {
    // The cap on B>C splits what A>B can pass on between C and D.
    const { result, by } = cleared(
      obligations('A>B 100', 'B>C 100/30', 'C>A 100', 'B>D 50', 'D>A 100'),
    )
    expect(by).toEqual({ AB0: 80, BC1: 30, CA2: 30, BD3: 50, DA4: 50 })
    expect(result.totals.cleared).toBe(240)
    expect(result.chains).toEqual([
      { amount: 30, obligations: ['AB0', 'BC1', 'CA2'] },
      { amount: 50, obligations: ['AB0', 'BD3', 'DA4'] },
    ])
  })

  it('clears nothing on a path and leaves obligations between components alone', () => {
    // A<->B and C<->D are cycles; B>C links them one way only.
    const { by } = cleared(obligations('A>B 10', 'B>A 5', 'B>C 7', 'C>D 3', 'D>C 9'))
    expect(by).toEqual({ AB0: 5, BA1: 5, BC2: 0, CD3: 3, DC4: 3 })
    expect(cleared(obligations('A>B 10', 'B>C 10')).result.totals.cleared).toBe(0)
    expect(cleared([]).result).toEqual({
      obligations: [],
      totals: { debt: 0, consented: 0, cleared: 0 },
      chains: [],
      members: [],
    })
  })

  it('of equally good clearings, takes the older obligation where it has the choice', () => {
    // Two obligations A>B, one B>A: either A>B can be cleared against it.
    const input = obligations('A>B 10', 'A>B 10', 'B>A 10')
    expect(cleared(input).by).toEqual({ AB0: 10, AB1: 0, BA2: 10 })
    const swapped = input.map((o, i) => ({ ...o, order: [1, 0, 2][i]! }))
    expect(cleared(swapped).by).toEqual({ AB0: 0, AB1: 10, BA2: 10 })
  })

  it('refuses input it cannot clear exactly', () => {
    const ok = obligations('A>B 10', 'B>A 10')
    const bad: Array<[string, ClearingObligation[]]> = [
      ['not unique', [ok[0]!, { ...ok[1]!, id: ok[0]!.id }]],
      ['two different members', [{ ...ok[0]!, to: 'A' }]],
      ['amount', [{ ...ok[0]!, amount: 1.5 }]],
      ['amount', [{ ...ok[0]!, amount: -1 }]],
      ['cap', [{ ...ok[0]!, cap: -1 }]],
      ['order', [{ ...ok[0]!, order: NaN }]],
      [
        'total debt',
        [
          { ...ok[0]!, amount: 2 ** 52 },
          { ...ok[1]!, amount: 2 ** 52 },
        ],
      ],
    ]
    for (const [problem, input] of bad) {
      expect(() => solveClearing(input)).toThrow(RangeError)
      expect(() => solveClearing(input)).toThrow(problem)
    }
    // Just below the limit every sum stays exact.
    const big = [
      { ...ok[0]!, amount: 2 ** 52 },
      { ...ok[1]!, amount: 2 ** 52 - 1 },
    ]
    const result = solveClearing(big)
    expect(result.totals).toMatchObject({ debt: 2 ** 53 - 1, cleared: 2 ** 53 - 2 })
    expect(verifyClearing(big, result)).toEqual({ ok: true })
  })
})
