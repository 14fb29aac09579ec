/**
 * Greedy cycle cancelling, the baseline the clearing is measured against (tests and bench
 * only): find a cycle, clear its smallest amount, repeat until no cycle is left. It stops at
 * the first cycle-free remainder, which is often not the largest clearing.
 */
import { peelCycles } from '../../core/clearing/cycles.ts'
import { prepare } from '../../core/clearing/graph.ts'
import type { ClearingObligation } from '../../core/clearing/types.ts'

/** The total greedy cycle cancelling clears, walking the obligations in processing order. */
export function greedyClearing(input: readonly ClearingObligation[]): number {
  const g = prepare(input)
  let cleared = 0
  peelCycles(g.members.length, g.from, g.to, g.capacity.slice(), (edges, amount) => {
    cleared += edges.length * amount
  })
  return cleared
}
