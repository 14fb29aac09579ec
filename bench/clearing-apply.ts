/**
 * The clearing inside apply (core/ledger/rules/clearing.ts): the month-start op of a network
 * whose members consented to all of their 10,000 open obligations (the bench's graph shape,
 * members = obligations / 4), applied by the real rules, next to the same op without consents
 * (the rest of the rollover: lapses, overdue) and the algorithm alone on the same input.
 *
 * The state is written straight into a sorted in-memory store with the records the rules make
 * (members, writers, clocks, pledges and their indexes, consents), not appended op by op: what
 * is timed is the one op that closes the window. The store lists a prefix by binary search, as
 * the view's Hyperbee does by key order (MemoryKV scans every key, which would time the store).
 */
import { performance } from 'node:perf_hooks'
import { solveClearing } from '../core/clearing/solve.ts'
import { applyOp } from '../core/ledger/apply.ts'
import { clearingInput } from '../core/ledger/clearing.ts'
import { clearingPreview, solveCurrent, type SolvedClearing } from '../core/ledger/clearing-view.ts'
import { cycleStart } from '../core/ledger/cycle-time.ts'
import { copyJson, Transaction, type KV } from '../core/ledger/kv.ts'
import { Ledger } from '../core/ledger/ledger.ts'
import {
  keys,
  pledgeIdOf,
  type ClearingConsent,
  type ClearingRun,
  type Member,
  type NetworkMeta,
  type Pledge,
} from '../core/ledger/model.ts'
import { encodeOp, OP_VERSION } from '../core/ledger/ops.ts'
import { runClearing } from '../core/ledger/rules/clearing.ts'
import { createNetwork } from '../core/ledger/rules/member.ts'
import { benchObligations } from '../test/support/clearing-graphs.ts'
import { keyOf } from '../test/support/ledger.ts'
import { fmtInt, fmtMs, fmtPct, heading, median, note, table } from './report.ts'

/** Keys in a Map, listed in order by binary search over a key array sorted when needed. */
class SortedKV implements KV {
  private readonly map = new Map<string, unknown>()
  private sorted: string[] = []
  private dirty = false

  async get<T>(key: string): Promise<T | null> {
    return this.map.has(key) ? copyJson(this.map.get(key) as T) : null
  }

  async put(key: string, value: unknown): Promise<void> {
    if (!this.map.has(key)) this.dirty = true
    this.map.set(key, copyJson(value))
  }

  /** Stores `value` as it is (the bench's own records, never changed afterwards). */
  set(key: string, value: unknown): void {
    if (!this.map.has(key)) this.dirty = true
    this.map.set(key, value)
  }

  async del(key: string): Promise<void> {
    if (this.map.delete(key)) this.dirty = true
  }

  async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    if (this.dirty) {
      this.sorted = [...this.map.keys()].sort()
      this.dirty = false
    }
    let lo = 0
    let hi = this.sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.sorted[mid]! < prefix) lo = mid + 1
      else hi = mid
    }
    const out: Array<{ key: string; value: T }> = []
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.startsWith(prefix); i++) {
      const key = this.sorted[i]!
      out.push({ key, value: copyJson(this.map.get(key) as T) })
    }
    return out
  }
}

const CYCLE = '2030-11'
const MADE = Date.UTC(2030, 10, 2)
const MONTH_START = cycleStart('2030-12', 'UTC')

/**
 * A network of `n` open monthly obligations (benchObligations' graph) between orange members;
 * with `consent`, every member consented to all of theirs (one in ten with a cap), and every
 * member's clock stands an hour past the month start, so the next op of any of them starts it.
 */
function network(n: number, consent: boolean): { kv: SortedKV; creator: string } {
  const kv = new SortedKV()
  const graph = benchObligations(1, n)
  const names = [...new Set(graph.flatMap((o) => [o.from, o.to]))].sort()
  const creator = keyOf(names[0]!)
  const meta: NetworkMeta = createNetwork(
    {
      v: OP_VERSION,
      id: 'bench0',
      ts: MADE,
      type: 'network.create',
      name: 'Bench',
      currency: 'EUR',
      decimals: 2,
      timeZone: 'UTC',
    },
    creator,
  )
  meta.now = Date.UTC(2030, 10, 28)
  names.forEach((name, i) => {
    const id = keyOf(name)
    const member: Member = {
      id,
      index: i + 1,
      name,
      about: '',
      payment: [],
      status: 'orange',
      monthly: 100_000,
      red: null,
      joinedAt: MADE,
      joinedEvent: 0,
      left: false,
      key: keyOf(`${name} key`),
      devices: [id],
    }
    kv.set(keys.member(id), member)
    kv.set(keys.writer(id), { addedBy: creator, at: MADE, member: id })
    kv.set(keys.clock(id), MONTH_START + 3_600_000)
    if (consent) {
      const c: ClearingConsent = {
        member: id,
        obligations: 'all',
        ...(i % 10 === 0 ? { cap: 20_000 } : {}),
        at: meta.now,
      }
      kv.set(keys.consent(CYCLE, id), c)
    }
  })
  meta.seq.member = names.length
  graph.forEach((o, i) => {
    const from = keyOf(o.from)
    const to = keyOf(o.to)
    const p: Pledge = {
      id: pledgeIdOf(from, `bench${i.toString().padStart(6, '0')}`),
      kind: 'obligation',
      state: 'open',
      from,
      to,
      amount: o.amount,
      note: '',
      collection: 'monthly',
      cycle: CYCLE,
      createdAt: MADE + o.order * 1_000,
      committedAt: MADE + o.order * 1_000,
      overdue: false,
    }
    kv.set(keys.pledge(p.id), p)
    kv.set(keys.incoming(to, p.id), 1)
    kv.set(keys.outgoing(from, p.id), 1)
    kv.set(keys.currentIn(to, p.id), p)
    kv.set(keys.currentOut(from, p.id), p)
  })
  kv.set(keys.meta, meta)
  return { kv, creator }
}

/** Applies the op that starts the month; its time in ms. */
async function monthStart(kv: SortedKV, creator: string): Promise<number> {
  await kv.list('') // sorted before the clock starts, as a view is
  const op = encodeOp({
    v: OP_VERSION,
    id: 'benchcycle',
    ts: MONTH_START + 3_600_000,
    type: 'cycle',
  })
  const started = performance.now()
  const result = await applyOp(kv, op, creator, 2)
  const ms = performance.now() - started
  if (!result.accepted) throw new Error(`the month start was refused: ${result.reason}`)
  return ms
}

/** The clearing alone (rules/clearing.ts runClearing) as the rollover runs it; its time in ms. */
async function clearingAlone(kv: SortedKV): Promise<number> {
  await kv.list('')
  const meta = (await kv.get<NetworkMeta>(keys.meta))!
  const tx = new Transaction(kv)
  const started = performance.now()
  await runClearing(new Ledger(tx, meta, 'bench', MONTH_START))
  return performance.now() - started
}

export interface ClearingApplyRow {
  obligations: number
  members: number
  taking: number
  /** The algorithm alone on the same input (median). */
  solveMs: number
  /** The clearing alone, as the rollover runs it: reads, solve, check, writes (median). */
  clearingMs: number
  /** The month-start op with the clearing (median). */
  applyMs: number
  /** The same op with nobody consenting: the rest of the rollover (median). */
  rolloverMs: number
  cleared: number
  debt: number
  verified: boolean
  /** One member's preview, solving the clearing again (median). */
  previewMs: number
  /** The same preview with the network's solve kept, as a node keeps it (median). */
  previewKeptMs: number
}

/** One member's clearing preview, solving again or with `solved` kept; its time in ms. */
async function previewTime(kv: SortedKV, me: string, solved?: SolvedClearing): Promise<number> {
  await kv.list('')
  const meta = (await kv.get<NetworkMeta>(keys.meta))!
  const started = performance.now()
  await clearingPreview(kv, meta, me, meta.now, solved)
  return performance.now() - started
}

export async function clearingApplyBench(n = 10_000, runs = 3): Promise<ClearingApplyRow> {
  heading(`Clearing inside apply: the month-start op at ${fmtInt(n)} consented obligations`)
  const withClearing: number[] = []
  const without: number[] = []
  const solves: number[] = []
  const alone: number[] = []
  const previews: number[] = []
  const kept: number[] = []
  let run: ClearingRun | null = null
  let members = 0
  let taking = 0
  for (let i = 0; i <= runs; i++) {
    const consented = network(n, true)
    const input = (await clearingInput(consented.kv, CYCLE)).input
    taking = input.length
    const solveStarted = performance.now()
    solveClearing(input)
    const solveMs = performance.now() - solveStarted
    const meta = (await consented.kv.get<NetworkMeta>(keys.meta))!
    const previewMs = await previewTime(consented.kv, consented.creator)
    const solved = await solveCurrent(consented.kv, meta)
    const previewKeptMs = await previewTime(consented.kv, consented.creator, solved)
    const applyMs = await monthStart(consented.kv, consented.creator)
    run = await consented.kv.get<ClearingRun>(keys.clearingRun(CYCLE))
    members = run?.members ?? 0
    const plain = network(n, false)
    const rolloverMs = await monthStart(plain.kv, plain.creator)
    const clearingMs = await clearingAlone(network(n, true).kv)
    if (i === 0) continue // a warm-up
    alone.push(clearingMs)
    withClearing.push(applyMs)
    without.push(rolloverMs)
    solves.push(solveMs)
    previews.push(previewMs)
    kept.push(previewKeptMs)
  }
  const row: ClearingApplyRow = {
    obligations: n,
    members,
    taking,
    solveMs: median(solves),
    clearingMs: median(alone),
    applyMs: median(withClearing),
    rolloverMs: median(without),
    cleared: run?.totals.cleared ?? 0,
    debt: run?.totals.debt ?? 0,
    verified: run?.verified ?? false,
    previewMs: median(previews),
    previewKeptMs: median(kept),
  }
  table([
    [
      'obligations',
      'members',
      'algorithm (solve)',
      'the clearing in apply',
      'month-start op, with clearing',
      'same op, nobody consenting',
      'cleared / debt',
      'verified',
    ],
    [
      fmtInt(row.obligations),
      fmtInt(row.members),
      fmtMs(row.solveMs),
      fmtMs(row.clearingMs),
      fmtMs(row.applyMs),
      fmtMs(row.rolloverMs),
      fmtPct(row.cleared / row.debt),
      row.verified ? 'yes' : 'NO',
    ],
  ])
  note(
    `  medians of ${runs} runs after a warm-up. The clearing in apply (runClearing) also reads the ` +
      'consents and open obligations, checks the certificate, and writes the settled and split ' +
      'pledges, the run, its rows, a record and an event per member. The month-start op adds ' +
      'the rest of the rollover (overdue, renewals of what was settled) and the commit.',
  )
  table([
    ['one member’s preview', 'solving again', 'the solve kept (node)', 'ratio', 'target (kept)'],
    [
      '',
      fmtMs(row.previewMs),
      fmtMs(row.previewKeptMs),
      `${(row.previewMs / row.previewKeptMs).toFixed(1)}x`,
      '< 30 ms',
    ],
  ])
  note(
    '  A node keeps the solve until an obligation, a consent or a membership changes ' +
      '(meta.seq.clearing): the preview asked again on every update then reads only the ' +
      'member’s own obligations.',
  )
  return row
}
