/**
 * Taking cycles out of a graph of amounts, one at a time: walk along edges that still carry
 * something until the walk meets itself, take the smallest amount on that cycle off all of
 * its edges, go on from where the walk still stands. On a circulation (the cleared amounts)
 * this is a flow decomposition into chains; on the capacities it is greedy cycle cancelling,
 * the baseline the optimum is compared with.
 */
import { outgoing } from './graph.ts'

/**
 * Removes cycles from `amounts` (mutated) until no cycle of positive amounts is left, calling
 * `onCycle` with each one's edges (in walk order) and the amount taken off them. The walk
 * starts at the debtor of the first edge, in index order, that still has an amount, and leaves
 * each member by its lowest-numbered such edge, so the cycles depend only on the numbering.
 * Linear in the edges plus the total length of the cycles found: a member whose every edge is
 * spent or leads to such a member can lie on no cycle any more and is never entered again.
 */
export function peelCycles(
  n: number,
  from: Int32Array,
  to: Int32Array,
  amounts: Float64Array,
  onCycle: (edges: number[], amount: number) => void,
): void {
  const { start, adj } = outgoing(n, from, (e) => amounts[e]! > 0)
  const next = start.slice(0, n)
  const dead = new Uint8Array(n)
  const pos = new Int32Array(n).fill(-1) // where a member stands on the walk, -1 if not on it
  const pathNode = new Int32Array(n)
  const pathEdge = new Int32Array(n) // pathEdge[i] leads from pathNode[i] to pathNode[i + 1]
  for (let first = 0; first < from.length; first++) {
    const s = from[first]!
    if (amounts[first] === 0 || dead[s]) continue
    let top = 0
    pathNode[0] = s
    pos[s] = 0
    while (top >= 0) {
      const u = pathNode[top]!
      let k = next[u]!
      while (k < start[u + 1]! && (amounts[adj[k]!] === 0 || dead[to[adj[k]!]!])) k++
      next[u] = k
      if (k === start[u + 1]) {
        dead[u] = 1
        pos[u] = -1
        top--
        continue
      }
      const e = adj[k]!
      const v = to[e]!
      pathEdge[top] = e
      if (pos[v]! < 0) {
        pathNode[++top] = v
        pos[v] = top
        continue
      }
      let amount = Infinity
      for (let i = pos[v]!; i <= top; i++) amount = Math.min(amount, amounts[pathEdge[i]!]!)
      const edges: number[] = []
      let cut = -1
      for (let i = pos[v]!; i <= top; i++) {
        const c = pathEdge[i]!
        edges.push(c)
        amounts[c]! -= amount
        if (cut < 0 && amounts[c] === 0) cut = i
      }
      onCycle(edges, amount)
      // Back to the start of the first edge that ran out; the walk up to there still holds.
      while (top > cut) pos[pathNode[top--]!] = -1
    }
  }
}
