/**
 * The clearing itself (domain.md §6): the largest total that can be taken off the obligations
 * while every member's net position stays the same, i.e. a maximum circulation x with
 * 0 <= x_e <= min(amount_e, cap_e). Greedy cycle cancelling stops at the first cycle-free
 * remainder, which can be far from the largest; this finds the optimum and proves it.
 *
 * How (docs/clearing.md has the details and figures):
 * 1. Cleared amounts form a circulation, and a circulation lives inside strongly connected
 *    components: an obligation between two components is never cleared. Tarjan's algorithm
 *    splits the graph.
 * 2. Inside the components, the solver computes what stays owed rather than what is cleared
 *    (as Informal Systems' MTCS does): r = c - x is a flow that gives every member the
 *    imbalance b = (capacity out) - (capacity in), and clearing the most means leaving the
 *    least, a minimum-cost flow with cost 1 per unit on every obligation. It is solved by the
 *    primal-dual method: Dijkstra on reduced costs from the members with excess, then a
 *    maximum flow (Dinic) over the arcs of zero reduced cost, until no excess is left. Every
 *    number is an integer: amounts in float64 below 2^53, potentials and distances in int32.
 * 3. The Dijkstra potentials at the end, shifted per component in topological order, are the
 *    certificate (certificate.ts), and the cleared amounts are peeled into chains (cycles.ts).
 *
 * Ties: many clearings can reach the same total. The one returned is the one this procedure
 * reaches on the canonical numbering (graph.ts), arcs tried in a fixed order that leaves newer
 * obligations owed before older ones where it has the choice; the same on every peer.
 */
import { peelCycles } from './cycles.ts'
import { outgoing, prepare } from './graph.ts'
import type { ClearingObligation, ClearingResult } from './types.ts'

/** Clears `input` as far as it can go; throws a RangeError on malformed input (see graph.ts). */
export function solveClearing(input: readonly ClearingObligation[]): ClearingResult {
  const g = prepare(input)
  const n = g.members.length
  const m = g.obligations.length
  const { comp, count } = components(n, g.from, g.to, g.capacity)
  const inner: number[] = []
  for (let e = 0; e < m; e++) {
    if (g.capacity[e]! > 0 && comp[g.from[e]!] === comp[g.to[e]!]) inner.push(e)
  }
  const { remainder, potential } = leastRemainder(n, inner, g.from, g.to, g.capacity)

  const cleared = new Float64Array(m)
  inner.forEach((e, k) => (cleared[e] = g.capacity[e]! - remainder[k]!))
  const heights = certificate(n, comp, count, potential)

  const chains: ClearingResult['chains'] = []
  const through: number[][] = g.members.map(() => [])
  peelCycles(n, g.from, g.to, cleared.slice(), (edges, amount) => {
    // Written from its oldest obligation on, so that a chain reads the same wherever it is met.
    let oldest = 0
    for (let i = 1; i < edges.length; i++) if (edges[i]! < edges[oldest]!) oldest = i
    const ordered = [...edges.slice(oldest), ...edges.slice(0, oldest)]
    for (const e of ordered) through[g.from[e]!]!.push(chains.length)
    chains.push({ amount, obligations: ordered.map((e) => g.obligations[e]!.id) })
  })

  let total = 0
  const obligations = g.obligations.map((o, e) => {
    total += cleared[e]!
    return { id: o.id, cleared: cleared[e]!, remaining: o.amount - cleared[e]! }
  })
  return {
    obligations,
    totals: { debt: g.debt, consented: g.consented, cleared: total },
    chains,
    members: g.members.map((member, u) => ({
      member,
      chains: through[u]!,
      potential: heights[u]!,
    })),
  }
}

/**
 * Strongly connected components of the obligations with capacity (iterative Tarjan). Numbers
 * them in the order they complete, so an edge between two components always goes from a
 * higher number to a lower one.
 */
function components(n: number, from: Int32Array, to: Int32Array, capacity: Float64Array) {
  const { start, adj } = outgoing(n, from, (e) => capacity[e]! > 0)
  const index = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const comp = new Int32Array(n).fill(-1)
  const next = start.slice(0, n)
  const stack = new Int32Array(n)
  const call = new Int32Array(n)
  let sp = 0
  let counter = 0
  let count = 0
  for (let root = 0; root < n; root++) {
    if (index[root]! >= 0) continue
    let depth = 0
    call[0] = root
    index[root] = low[root] = counter++
    stack[sp++] = root
    while (depth >= 0) {
      const u = call[depth]!
      if (next[u]! < start[u + 1]!) {
        const v = to[adj[next[u]!++]!]!
        if (index[v]! < 0) {
          index[v] = low[v] = counter++
          stack[sp++] = v
          call[++depth] = v
        } else if (comp[v]! < 0) {
          low[u] = Math.min(low[u]!, index[v]!)
        }
        continue
      }
      if (low[u] === index[u]) {
        let w: number
        do {
          w = stack[--sp]!
          comp[w] = count
        } while (w !== u)
        count++
      }
      depth--
      if (depth >= 0) low[call[depth]!] = Math.min(low[call[depth]!]!, low[u]!)
    }
  }
  return { comp, count }
}

/**
 * The least that must stay owed: a flow r on the `inner` obligations (0 <= r <= capacity)
 * giving each member the imbalance (capacity out) - (capacity in), of least total, by the
 * primal-dual method. Arc 2k is obligation inner[k] forwards (r grows, cost +1), arc 2k + 1
 * backwards (r shrinks, cost -1). Returns r per inner obligation and the final potentials:
 * every arc with room left has reduced cost cost + potential[tail] - potential[head] >= 0.
 */
function leastRemainder(
  n: number,
  inner: number[],
  from: Int32Array,
  to: Int32Array,
  capacity: Float64Array,
) {
  const k2 = inner.length * 2
  const cap = new Float64Array(inner.length)
  const r = new Float64Array(inner.length)
  const head = new Int32Array(k2)
  const excess = new Float64Array(n)
  const degree = new Int32Array(n + 1)
  inner.forEach((e, k) => {
    const u = from[e]!
    const v = to[e]!
    cap[k] = capacity[e]!
    head[2 * k] = v
    head[2 * k + 1] = u
    excess[u]! += cap[k]!
    excess[v]! -= cap[k]!
    degree[u + 1]!++
    degree[v + 1]!++
  })
  // Each member's arcs: its obligations forwards, newest first, then towards it backwards,
  // oldest first. Tried in this order, newer obligations carry what stays owed first.
  for (let u = 0; u < n; u++) degree[u + 1]! += degree[u]!
  const start = degree
  const arcs = new Int32Array(k2)
  const fill = start.slice(0, n)
  for (let k = inner.length - 1; k >= 0; k--) arcs[fill[head[2 * k + 1]!]!++] = 2 * k
  for (let k = 0; k < inner.length; k++) arcs[fill[head[2 * k]!]!++] = 2 * k + 1

  const room = (a: number) => (a & 1 ? r[a >> 1]! : cap[a >> 1]! - r[a >> 1]!)
  const potential = new Int32Array(n)
  const reduced = (u: number, a: number) => (a & 1 ? -1 : 1) + potential[u]! - potential[head[a]!]!

  const dist = new Int32Array(n)
  const done = new Uint8Array(n)
  const heap = new MinHeap(k2 + n)
  const level = new Int32Array(n)
  const queue = new Int32Array(n)
  const current = new Int32Array(n)
  const pathNode = new Int32Array(n)
  const pathArc = new Int32Array(n)

  /** Dijkstra from every member with excess; the distance to the nearest deficit, or -1. */
  const shortest = (): number => {
    dist.fill(INFINITE)
    done.fill(0)
    heap.clear()
    for (let u = 0; u < n; u++) {
      if (excess[u]! > 0) {
        dist[u] = 0
        heap.push(0, u)
      }
    }
    while (heap.size > 0) {
      const d = heap.topKey()
      const u = heap.pop()
      if (done[u] || d > dist[u]!) continue
      done[u] = 1
      if (excess[u]! < 0) return d
      for (let i = start[u]!; i < start[u + 1]!; i++) {
        const a = arcs[i]!
        const v = head[a]!
        if (done[v] || room(a) === 0) continue
        const nd = d + reduced(u, a)
        if (nd < dist[v]!) {
          dist[v] = nd
          heap.push(nd, v)
        }
      }
    }
    return -1
  }

  // The arcs of zero reduced cost, the only ones a phase's maximum flow may use: potentials
  // stay put during a phase, so they are listed once per phase, in the same order.
  const tightStart = new Int32Array(n + 1)
  const tight = new Int32Array(k2)
  const listTight = () => {
    let t = 0
    for (let u = 0; u < n; u++) {
      tightStart[u] = t
      for (let i = start[u]!; i < start[u + 1]!; i++) {
        if (reduced(u, arcs[i]!) === 0) tight[t++] = arcs[i]!
      }
    }
    tightStart[n] = t
  }

  /**
   * Dinic's levels (breadth-first from every excess) over the tight arcs with room; whether a
   * deficit was reached. All of them are labelled, not only the nearest: paths end at the first
   * deficit they meet, and one round then serves deficits at every depth (a third fewer rounds
   * on the bench's graphs).
   */
  const levels = (): boolean => {
    level.fill(-1)
    let qh = 0
    let qt = 0
    for (let u = 0; u < n; u++) {
      if (excess[u]! > 0) {
        level[u] = 0
        queue[qt++] = u
      }
    }
    let reached = false
    while (qh < qt) {
      const u = queue[qh++]!
      for (let i = tightStart[u]!; i < tightStart[u + 1]!; i++) {
        const a = tight[i]!
        const v = head[a]!
        if (level[v]! >= 0 || room(a) === 0) continue
        level[v] = level[u]! + 1
        if (excess[v]! < 0) reached = true
        queue[qt++] = v
      }
    }
    return reached
  }

  /** Pushes from `s` along level-increasing tight arcs until it has no excess or no path. */
  const pushFrom = (s: number) => {
    let top = 0
    pathNode[0] = s
    while (excess[s]! > 0) {
      const u = pathNode[top]!
      if (top > 0 && excess[u]! < 0) {
        let amount = Math.min(excess[s]!, -excess[u]!)
        for (let i = 0; i < top; i++) amount = Math.min(amount, room(pathArc[i]!))
        for (let i = 0; i < top; i++) {
          const a = pathArc[i]!
          r[a >> 1]! += a & 1 ? -amount : amount
        }
        excess[s]! -= amount
        excess[u]! += amount
        top = 0
        continue
      }
      let i = current[u]!
      for (; i < tightStart[u + 1]!; i++) {
        const a = tight[i]!
        if (level[head[a]!] === level[u]! + 1 && room(a) > 0) break
      }
      current[u] = i
      if (i === tightStart[u + 1]) {
        level[u] = -1
        if (top === 0) return
        top--
        continue
      }
      pathArc[top] = tight[i]!
      pathNode[++top] = head[tight[i]!]!
    }
  }

  // The cheapest way to a deficit gets dearer with every phase, and costs at most n: a bound
  // that only a bug could reach.
  for (let phase = 0; ; phase++) {
    if (phase > n + 1) throw new Error('clearing: primal-dual did not converge')
    const reach = shortest()
    if (reach < 0) {
      if (excess.some((x) => x > 0)) throw new Error('clearing: excess with no way out')
      break
    }
    for (let u = 0; u < n; u++) potential[u]! += Math.min(dist[u]!, reach)
    listTight()
    while (levels()) {
      current.set(tightStart.subarray(0, n))
      for (let u = 0; u < n; u++) if (level[u] === 0 && excess[u]! > 0) pushFrom(u)
    }
  }
  return { remainder: r, potential }
}

/**
 * The certificate's potentials: per member the negated Dijkstra potential (which turns the
 * remainder's optimality into the circulation's), each component shifted above all the
 * components it leads to, so that every obligation between components drops by at least 1.
 */
function certificate(n: number, comp: Int32Array, count: number, potential: Int32Array) {
  const lo = new Float64Array(count).fill(Infinity)
  const hi = new Float64Array(count).fill(-Infinity)
  for (let u = 0; u < n; u++) {
    lo[comp[u]!] = Math.min(lo[comp[u]!]!, -potential[u]!)
    hi[comp[u]!] = Math.max(hi[comp[u]!]!, -potential[u]!)
  }
  const shift = new Float64Array(count)
  let base = 0
  for (let c = 0; c < count; c++) {
    shift[c] = base - lo[c]!
    base += hi[c]! - lo[c]! + 1
  }
  return Array.from({ length: n }, (_, u) => -potential[u]! + shift[comp[u]!]!)
}

const INFINITE = 0x7fffffff

/** A binary min-heap of (key, member) pairs, ties by member; the caller skips stale pairs. */
class MinHeap {
  private readonly keys: Int32Array
  private readonly items: Int32Array
  size = 0

  constructor(capacity: number) {
    this.keys = new Int32Array(capacity)
    this.items = new Int32Array(capacity)
  }

  clear(): void {
    this.size = 0
  }

  topKey(): number {
    return this.keys[0]!
  }

  push(key: number, item: number): void {
    const { keys, items } = this
    let i = this.size++
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(key, item, keys[p]!, items[p]!)) break
      keys[i] = keys[p]!
      items[i] = items[p]!
      i = p
    }
    keys[i] = key
    items[i] = item
  }

  pop(): number {
    const { keys, items } = this
    const top = items[0]!
    const size = --this.size
    const key = keys[size]!
    const item = items[size]!
    let i = 0
    while (true) {
      let c = 2 * i + 1
      if (c >= size) break
      if (c + 1 < size && before(keys[c + 1]!, items[c + 1]!, keys[c]!, items[c]!)) c++
      if (!before(keys[c]!, items[c]!, key, item)) break
      keys[i] = keys[c]!
      items[i] = items[c]!
      i = c
    }
    keys[i] = key
    items[i] = item
    return top
  }
}

function before(key: number, item: number, otherKey: number, otherItem: number): boolean {
  return key < otherKey || (key === otherKey && item < otherItem)
}
