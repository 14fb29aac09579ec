/**
 * `npm run bench`: runs the bench sections in order and prints their figures. Not pass/fail:
 * it exits 0 unless something crashes. BENCH_QUICK=1 runs only the 10k-op size (and reopens
 * that network); BENCH_SIZES=10000,30000 picks the sizes (the last one is reopened);
 * BENCH_BARE_KEYS=spread gives the throughput baseline hash-like keys instead of consecutive ones;
 * BENCH_CHUNK sets how many appends go in at once (default 256); BENCH_SINGLE_OPS the size of
 * the extra run that appends one op at a time, as the app does (default 10,000, quick 4,000; at least ~3,100 for 1,000 members).
 *
 * Network sections, on a local HyperDHT testnet on 127.0.0.1 with real daemon processes:
 * sync latency over BENCH_SYNC_OPS ops (default 200, quick 50), and join and catch-up on a
 * network of BENCH_NET_OPS ops (default 10,000, quick 2,000; built with
 * BENCH_NET_IN_FLIGHT calls in flight per node, default 64).
 *
 * CLI start-up: `exodus --help` and `exodus networks` next to `node -e 0` (BENCH_CLI_ROUNDS).
 *
 * The UI at scale (ui.ts): a daemon holding BENCH_UI_MEMBERS members (1,000) and BENCH_UI_OPS
 * ops (50,000) in headless Chromium: Home, a peer's intention on screen, query times, JS size.
 *
 * Many writers (many-writers.ts): BENCH_WRITERS (200) real writer cores appending at once, time
 * until the full peers' views are the same, next to as many ops from one writer.
 *
 * The clearing of mutual obligations (clearing.ts) on 1k, 10k and 100k obligations
 * (BENCH_CLEARING_SIZES), against the LP optimum and greedy cycle cancelling.
 *
 * Sections live in their own files (ledger-throughput.ts, reopen.ts, sync-latency.ts,
 * join-catchup.ts, cli-startup.ts, ui.ts, clearing.ts, many-writers.ts); add a new one by writing an async function that prints through
 * report.ts and calling it below.
 */
import os from 'node:os'
import { clearingBench, clearingSummary } from './clearing.ts'
import { manyWriters, manyWritersSummary } from './many-writers.ts'
import { CLI_TARGET_RATIO, cliStartup } from './cli-startup.ts'
import { joinCatchup } from './join-catchup.ts'
import { ledgerThroughput, TARGET_RATIO } from './ledger-throughput.ts'
import { APPEND_CHUNK, removeAllDirs } from './network.ts'
import { CARD_TARGET_MS, HOME_TARGET_MS, reopen } from './reopen.ts'
import { fmtInt, fmtMB, fmtMs, fmtPct, heading, MemorySampler, table } from './report.ts'
import { SYNC_P95_TARGET_MS, SYNC_TARGET_RATIO, syncLatency } from './sync-latency.ts'
import { queryTarget, UI_TARGETS, uiAtScale } from './ui.ts'

const quick = process.env.BENCH_QUICK === '1'
const sizes = process.env.BENCH_SIZES
  ? process.env.BENCH_SIZES.split(',').map(Number)
  : quick
    ? [10_000]
    : [10_000, 100_000]

async function main(): Promise<void> {
  const started = performance.now()
  const memory = new MemorySampler()
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu'
  console.log('Exodus Circles bench')
  console.log(
    `node ${process.version}, ${os.platform()} ${os.arch()}, ${os.cpus().length} x ${cpu}, ` +
      `${fmtMB(os.totalmem())} RAM, load average ${os.loadavg()[0]!.toFixed(2)}`,
  )
  console.log(
    `sizes: ${sizes.map(fmtInt).join(', ')} ops${quick ? ' (BENCH_QUICK)' : ''}; ` +
      `appends in chunks of ${APPEND_CHUNK}`,
  )

  try {
    const { rows, kept } = await ledgerThroughput(sizes, memory)
    const re = await reopen(kept, memory)
    const sync = await syncLatency(quick)
    const net = await joinCatchup(quick)
    const cli = await cliStartup()
    const ui = await uiAtScale()
    const clearing = await clearingBench()
    // A step of this section that does not end within BENCH_WRITERS_TIMEOUT_MS (a slow or busy
    // machine) makes a summary line saying so, not a crashed bench.
    const writers = await manyWriters().catch((err: Error) => {
      console.error(`many writers: ${err.message}`)
      return err.message
    })

    heading('Summary')
    const peak = memory.peak
    table(
      [
        ['figure', 'value', 'target'],
        ...rows.map((r) => [
          `ledger / bare at ${fmtInt(r.ops)} ops, ${fmtInt(r.chunk)} per append`,
          `${fmtPct(r.bareMs / r.ledgerMs)} (${fmtInt(r.ops / (r.ledgerMs / 1000))} vs ` +
            `${fmtInt(r.ops / (r.bareMs / 1000))} ops/s; rounds ` +
            `${r.roundRatios.map(fmtPct).join(', ')}); vs bare 1/op: ` +
            fmtPct(r.bareOneMs / r.ledgerMs),
          `>= ${fmtPct(TARGET_RATIO)}`,
        ]),
        [
          `reopen ${fmtInt(kept.stream.ops.length)} ops: ready + first home`,
          fmtMs(re.readyMs + re.homeMs),
          `< ${fmtMs(HOME_TARGET_MS)}`,
        ],
        ['memberCard median', fmtMs(re.cardMedianMs), `< ${CARD_TARGET_MS} ms`],
        [
          `sync latency median, ${fmtInt(sync.ops)} ops (ledger / bare)`,
          `${fmtMs(sync.ledger.median)} / ${fmtMs(sync.bare.median)} = ` +
            `${(sync.ledger.median / sync.bare.median).toFixed(2)}x`,
          `<= ${SYNC_TARGET_RATIO}x bare`,
        ],
        [
          'sync latency p95 (ledger / bare)',
          `${fmtMs(sync.ledger.p95)} / ${fmtMs(sync.bare.p95)}`,
          `< ${SYNC_P95_TARGET_MS} ms`,
        ],
        [
          `sync latency on the ${fmtInt(net.ops)}-op network: median / p95`,
          `${fmtMs(net.latency.median)} / ${fmtMs(net.latency.p95)}`,
          `< ${SYNC_P95_TARGET_MS} ms p95`,
        ],
        [
          `join ${fmtInt(net.ops)}-op network: writable / synced`,
          `${fmtMs(net.joinCallMs)} / ${fmtMs(net.joinSyncedMs)}` +
            (net.joinFastForward ? ' (fast-forward)' : ''),
          '',
        ],
        [
          `catch-up after missing ${fmtInt(net.ops)} ops`,
          fmtMs(net.catchupSyncedMs) + (net.catchupFastForward ? ' (fast-forward)' : ''),
          '',
        ],
        ...(
          [
            ['exodus --help', cli.helpMs],
            ['exodus networks', cli.networksMs],
          ] as const
        ).map(([name, ms]) => [
          `${name} / node -e 0`,
          `${fmtMs(ms)} / ${fmtMs(cli.nodeMs)} = ${(ms / cli.nodeMs).toFixed(2)}x`,
          `<= ${CLI_TARGET_RATIO}x`,
        ]),
        [
          `UI, ${fmtInt(ui.members)} members / ${fmtInt(ui.ops)} ops: Home interactive (first / reload)`,
          `${fmtMs(ui.homeColdMs)} / ${fmtMs(ui.homeWarmMs)}`,
          `< ${fmtMs(UI_TARGETS.homeMs)}`,
        ],
        [
          'UI: my own change on screen after the node applied it',
          fmtMs(ui.ownMs),
          `< ${UI_TARGETS.peerMs} ms`,
        ],
        [
          "UI: a peer's intention on screen after it reached the node",
          Number.isNaN(ui.peerFromNodeMs) ? 'n/a' : fmtMs(ui.peerFromNodeMs),
          `< ${UI_TARGETS.peerMs} ms`,
        ],
        ...ui.queries.map((q) => [
          `UI: query ${q.name}, warm`,
          Number.isNaN(q.ms) ? 'n/a' : fmtMs(q.ms),
          queryTarget(q.name),
        ]),
        [
          'UI: initial JS, gzipped',
          `${(ui.initialJsGzipBytes / 1024).toFixed(0)} KB`,
          `<= ${UI_TARGETS.jsKB} KB`,
        ],
        ...clearingSummary(clearing),
        ...manyWritersSummary(writers),
        ['peak rss / heap used (whole run)', `${fmtMB(peak.rss)} / ${fmtMB(peak.heapUsed)}`, ''],
        ['total bench time', fmtMs(performance.now() - started), ''],
        [
          'load average 1/5/15 min at the end',
          os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(' / '),
          `${os.cpus().length} cpus: more means other work shared them`,
        ],
      ],
      ['left', 'left', 'left'],
    )
  } finally {
    memory.stop()
    await removeAllDirs()
  }
}

main().then(
  () => process.exit(0),
  async (err) => {
    console.error('bench crashed:', err)
    await removeAllDirs().catch(() => {})
    process.exit(1)
  },
)
