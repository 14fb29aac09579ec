/**
 * Ledger throughput: realistic op streams for a network of 1,000 members, applied by the real
 * rules inside a real LedgerBase (encrypted Autobase, Hyperbee view), next to a bare baseline
 * measured in the same run, the same way.
 *
 * Ledger run: LedgerBase with simulatedAuthorsApply (one writer core carries the ops of 1,000
 * simulated members; authority is still checked per simulated author: simulated-authors.ts).
 *
 * Baseline, as the issue words it: "bare Autobase with a trivial apply writing the same number
 * of entries": the SAME LedgerBase with bareApply, which writes as many view entries as the
 * ledger run wrote (measured first), without reading any. The same class keeps everything but
 * the rules equal: encryption, Autobase batching, the router's Transaction per op, one
 * Hyperbee batch per apply call, the same appended bytes (the ops with their `as` field)
 * appended the same way (APPEND_CHUNK concurrent appends at a time, which Autobase applies in
 * one call; then, for one size, one op per append, as the app appends them). What is left
 * between the two is the cost of the ledger rules and the view entries they read.
 *
 * Also printed, next to it: the stricter baseline earlier sessions measured against, one view
 * entry per op (so the ledger also pays for writing about four times as much).
 *
 * The baseline's keys follow each other (the cheapest case for Hyperbee); BENCH_BARE_KEYS=spread
 * spreads them like hashes instead (the most expensive case), to show how much of the gap is
 * where the entries land rather than what the rules do.
 */
import { generateStream, type OpStream } from './op-stream.ts'
import {
  APPEND_CHUNK,
  appendAll,
  dirSize,
  newSpec,
  openNetwork,
  removeDir,
  tempDir,
  type NetworkSpec,
} from './network.ts'
import {
  fmtInt,
  fmtMB,
  fmtMs,
  fmtPct,
  heading,
  note,
  table,
  timed,
  type MemorySampler,
} from './report.ts'
import {
  bareApply,
  newStats,
  simulatedAuthorsApply,
  simulatedAuthorsLikelyReads,
  type ApplyStats,
} from './simulated-authors.ts'
import type { ApplyOpFn } from '../core/network/ledger-base.ts'

export const MEMBERS = 1_000
export const TARGET_RATIO = 0.5
const SPREAD_KEYS = process.env.BENCH_BARE_KEYS === 'spread'
/**
 * Times the ledger and its baseline are run, one after the other, at each size: this machine's
 * speed drifts by several per cent within a minute, and one pair of runs shows it in the ratio.
 */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
/** Size of the one-op-per-append run (slow: every op waits for its own append and apply). */
export const SINGLE_OPS = Number(
  process.env.BENCH_SINGLE_OPS ?? (process.env.BENCH_QUICK === '1' ? 4_000 : 10_000),
)

export interface ThroughputRow {
  ops: number
  /** Ops per append batch, so per apply call. */
  chunk: number
  /** The baseline: as many view entries as the ledger wrote (mean of the rounds). */
  bareMs: number
  /** One view entry per op. */
  bareOneMs: number
  /** Mean of the rounds. */
  ledgerMs: number
  /** ledger / bare throughput of each round, in order. */
  roundRatios: number[]
  stats: ApplyStats
  stream: OpStream
  bareBytes: number
  ledgerBytes: number
  bareBlocks: number
  ledgerBlocks: number
  bareOneBlocks: number
  peakRss: number
  peakHeap: number
}

/** A ledger network left on disk for the reopen bench. */
export interface KeptNetwork {
  spec: NetworkSpec
  stream: OpStream
  stats: ApplyStats
}

export async function ledgerThroughput(
  sizes: number[],
  memory: MemorySampler,
): Promise<{ rows: ThroughputRow[]; kept: KeptNetwork }> {
  heading('Ledger throughput')
  note('One writer core carries the ops of 1,000 simulated members; authority is still')
  note('checked per simulated author: each op names its simulated author in an `as` field,')
  note('which the injected apply hands to the REAL applyOp as the author. Writer changes the')
  note('rules ask for (addWriter) are counted, not performed: simulated keys have no cores.')
  note('Baseline "bare": the same encrypted LedgerBase/Autobase with a trivial apply writing')
  note('the same number of Hyperbee entries as the ledger did (and reading none), fed the same')
  note('bytes the same way; "bare 1/op" writes ONE entry per op. All append in chunks of')
  note('concurrent appends and are timed until every op is applied. The ledger and bare run')
  note(`${ROUNDS} times in turn at each size (except one op per append); times are means.`)
  note(
    SPREAD_KEYS
      ? 'BENCH_BARE_KEYS=spread: the baseline writes under hash-like keys (the worst case).'
      : "The baseline's keys follow each other (Hyperbee's best case; BENCH_BARE_KEYS=spread:",
  )
  if (!SPREAD_KEYS) note('hash-like keys, its worst case).')

  await warmUp()

  const rows: ThroughputRow[] = []
  let kept: KeptNetwork | null = null
  for (const [i, ops] of sizes.entries()) {
    const last = i === sizes.length - 1
    console.log('')
    console.log(`  ${fmtInt(ops)} ops, ${fmtInt(MEMBERS)} members`)
    const gen = await timed(async () => generateStream({ members: MEMBERS, ops }))
    const stream = gen.value
    const bytes = stream.ops.reduce((n, b) => n + b.byteLength, 0)
    console.log(
      `    stream generated in ${fmtMs(gen.ms)}: ${fmtInt(stream.ops.length)} ops, ` +
        `${fmtMB(bytes)}, ${fmtInt(stream.invalid)} meant to be rejected, ` +
        `cycles started: ${stream.cycles.join(', ')}`,
    )

    const { row, spec } = await compare(stream, memory, { keep: last })
    rows.push(row)
    if (last) kept = { spec, stream, stats: row.stats }
  }
  rows.push(await oneOpPerAppend(memory))

  console.log('')
  table([
    [
      'ops',
      'ops/append',
      'bare ops/s',
      'ledger ops/s',
      'ledger/bare',
      'by round',
      'bare 1/op ops/s',
      'ledger/bare 1/op',
      'bare time',
      'ledger time',
    ],
    ...rows.map((r) => [
      fmtInt(r.ops),
      fmtInt(r.chunk),
      fmtInt(r.ops / (r.bareMs / 1000)),
      fmtInt(r.ops / (r.ledgerMs / 1000)),
      fmtPct(r.bareMs / r.ledgerMs),
      r.roundRatios.map(fmtPct).join(' '),
      fmtInt(r.ops / (r.bareOneMs / 1000)),
      fmtPct(r.bareOneMs / r.ledgerMs),
      fmtMs(r.bareMs),
      fmtMs(r.ledgerMs),
    ]),
  ])
  note(`  target: ledger at >= ${fmtPct(TARGET_RATIO)} of bare (same number of view entries)`)
  console.log('')
  table([
    ['ops', 'accepted', 'rejected', 'meant to reject', 'writer changes not performed'],
    ...rows
      .slice(0, sizes.length)
      .map((r) => [
        fmtInt(r.ops),
        fmtInt(r.stats.accepted),
        `${fmtInt(r.stats.rejected)} (${fmtPct(r.stats.rejected / r.ops)})`,
        fmtInt(r.stream.invalid),
        fmtInt(r.stats.effectsDropped),
      ]),
  ])
  console.log('')
  table([
    [
      'ops',
      'ops/append',
      'view blocks/op bare',
      'ledger',
      'bare 1/op',
      'disk bare',
      'ledger',
      'peak rss',
      'peak heap used',
    ],
    ...rows.map((r) => [
      fmtInt(r.ops),
      fmtInt(r.chunk),
      (r.bareBlocks / r.ops).toFixed(2),
      (r.ledgerBlocks / r.ops).toFixed(2),
      (r.bareOneBlocks / r.ops).toFixed(2),
      fmtMB(r.bareBytes),
      fmtMB(r.ledgerBytes),
      fmtMB(r.peakRss),
      fmtMB(r.peakHeap),
    ]),
  ])
  note('  (a view block is one Hyperbee put or delete; peaks are over all the runs of a size)')
  printMix(rows[sizes.length - 1]!)
  return { rows, kept: kept! }
}

/**
 * The same comparison with every op appended on its own, as the app appends them (one user
 * action, one append): each op is then an Autobase batch of one and gets an apply call and a
 * view flush of its own, on both sides. A peer catching up applies other members' ops the same
 * way, one writer batch per call.
 */
async function oneOpPerAppend(memory: MemorySampler): Promise<ThroughputRow> {
  console.log('')
  console.log(`  ${fmtInt(SINGLE_OPS)} ops, ${fmtInt(MEMBERS)} members, ONE op per append`)
  const stream = generateStream({ members: MEMBERS, ops: SINGLE_OPS })
  return (await compare(stream, memory, { chunk: 1, rounds: 1 })).row
}

/**
 * Bare with one entry per op, then `rounds` times the ledger and bare with as many entries as
 * the ledger wrote, on the same stream appended the same way.
 */
async function compare(
  stream: OpStream,
  memory: MemorySampler,
  {
    keep = false,
    chunk = APPEND_CHUNK,
    rounds = ROUNDS,
  }: { keep?: boolean; chunk?: number; rounds?: number },
): Promise<{ row: ThroughputRow; spec: NetworkSpec }> {
  memory.mark()
  const bareOne = await run('bare 1/op', stream, null, { chunk })
  // What LedgerBase writes besides the apply's entries (the header, a mark per apply call),
  // as the one-entry run shows, is not asked for again.
  const overhead = bareOne.blocks - stream.ops.length
  const ledgers: Awaited<ReturnType<typeof run>>[] = []
  const bares: Awaited<ReturnType<typeof run>>[] = []
  let stats = newStats()
  for (let round = 1; round <= rounds; round++) {
    stats = newStats()
    const ledger = await run('ledger', stream, stats, { keep: keep && round === rounds, chunk })
    ledgers.push(ledger)
    bares.push(
      await run('bare', stream, null, {
        chunk,
        entriesPerOp: (ledger.blocks - overhead) / stream.ops.length,
      }),
    )
  }
  const ledger = ledgers[ledgers.length - 1]!
  const bare = bares[bares.length - 1]!
  const mean = (runs: Array<{ ms: number }>) => runs.reduce((n, r) => n + r.ms, 0) / runs.length
  const peak = memory.mark()
  const row = {
    ops: stream.ops.length,
    chunk,
    bareMs: mean(bares),
    bareOneMs: bareOne.ms,
    bareOneBlocks: bareOne.blocks,
    ledgerMs: mean(ledgers),
    roundRatios: ledgers.map((l, i) => bares[i]!.ms / l.ms),
    stats,
    stream,
    bareBytes: bare.bytes,
    ledgerBytes: ledger.bytes,
    bareBlocks: bare.blocks,
    ledgerBlocks: ledger.blocks,
    peakRss: peak.rss,
    peakHeap: peak.heapUsed,
  }
  return { row, spec: ledger.spec }
}

/** Runs one stream through a fresh network; the ledger network of the last size is kept. */
async function run(
  kind: 'bare' | 'bare 1/op' | 'ledger',
  stream: OpStream,
  stats: ApplyStats | null,
  {
    keep = false,
    chunk = APPEND_CHUNK,
    entriesPerOp = 1,
  }: { keep?: boolean; chunk?: number; entriesPerOp?: number } = {},
): Promise<{ ms: number; bytes: number; blocks: number; spec: NetworkSpec }> {
  const spec = newSpec(await tempDir(kind === 'ledger' ? 'ledger' : 'bare'))
  let applied = 0
  // Only the same-entries baseline spreads its keys: one entry per op stays as it was.
  const bare = bareApply(entriesPerOp, SPREAD_KEYS && kind === 'bare')
  const apply: ApplyOpFn =
    kind === 'ledger'
      ? simulatedAuthorsApply(stats!)
      : async (kv, raw, author, length) => {
          applied++
          return bare(kv, raw, author, length)
        }
  const count = kind === 'ledger' ? () => stats!.applied : () => applied
  const net = await openNetwork(
    spec,
    apply,
    kind === 'ledger' ? simulatedAuthorsLikelyReads : undefined,
  )
  let ms: number
  let blocks: number
  try {
    ms = await appendAll(net.base, stream.ops, kind, count, chunk)
    const snap = net.base.snapshot()
    await snap.get('meta') // opens the snapshot, so that it knows its length
    blocks = snap.version
    await snap.close()
    console.log(
      `    ${kind}: ${fmtInt(stream.ops.length)} ops in ${fmtMs(ms)}, ` +
        `${fmtInt(stream.ops.length / (ms / 1000))} ops/s; view: ${fmtInt(blocks)} blocks ` +
        `(${(blocks / stream.ops.length).toFixed(2)} per op)`,
    )
  } finally {
    await net.close()
  }
  const bytes = await dirSize(spec.dir)
  if (!keep) await removeDir(spec.dir)
  return { ms, bytes, blocks, spec }
}

/** A small run of each kind first, so that neither pays for the JIT warming up. */
async function warmUp(): Promise<void> {
  const stream = generateStream({ members: 50, ops: 2_000, seed: 7 })
  const quiet = console.log
  console.log = () => {}
  try {
    await run('bare', stream, null)
    await run('ledger', stream, newStats())
  } finally {
    console.log = quiet
  }
}

function printMix(row: ThroughputRow): void {
  console.log('')
  note(`  Op mix of the ${fmtInt(row.ops)}-op stream (as generated):`)
  const entries = [...row.stream.counts].sort((a, b) => b[1] - a[1])
  const half = Math.ceil(entries.length / 2)
  const rows: string[][] = [['op', 'count', 'share', 'op', 'count', 'share']]
  for (let i = 0; i < half; i++) {
    const cell = (e: [string, number] | undefined) =>
      e ? [e[0], fmtInt(e[1]), fmtPct(e[1] / row.ops)] : ['', '', '']
    rows.push([...cell(entries[i]), ...cell(entries[i + half])])
  }
  table(rows, ['left', 'right', 'right', 'left', 'right', 'right'])
  const unexpected = row.stats.rejected - row.stream.invalid
  note(
    `  Rejections by the real rules: ${fmtInt(row.stats.rejected)}, of which ` +
      `${fmtInt(row.stream.invalid)} by design; unexpected: ${fmtInt(unexpected)}.`,
  )
  if (unexpected !== 0) {
    const reasons = [...row.stats.reasons].sort((a, b) => b[1] - a[1]).slice(0, 15)
    table([['rejection reason', 'count'], ...reasons.map(([r, n]) => [r, fmtInt(n)])])
  }
  const s = row.stream.statuses
  note(`  Statuses at the end (model): ${s.green} green, ${s.orange} orange, ${s.red} red.`)
}
