/**
 * Many real writers (issue 12): a network of BENCH_WRITERS writer devices (200), each a
 * member with its own writer core and Autobase, next to FULL_PEERS full peers (the creator
 * and the two other indexers, and one more member), replicating through the creator (a star,
 * in this process). Every writer appends BENCH_WRITER_OPS ops (5) without seeing the others'
 * (offline, so all of them are concurrent), then stops applying (LedgerBase.pause) and
 * connects to the creator, as a device that only serves its core would; the figure is the
 * time from those connections until every full peer's view holds every op (and is the same),
 * with the creator's apply rate. Next to it, in the same run on the same network: as many
 * ops from ONE writer, appended and served the same way.
 *
 * Why the writers do not apply: every real device applies the whole network on its own
 * machine; 200 of them in one process on this machine's 2 cores took 16 minutes to set up
 * and had not converged after 56 more. What each full peer here does is what each device of
 * such a network does. Part of `npm run bench`; alone: `npx tsx bench/many-writers.ts`.
 */
import { pathToFileURL } from 'node:url'
import { DEFAULT_ACK_INTERVAL } from '../core/network/ledger-base.ts'
import { aboutOf, PeerMesh, sleep, type Peer } from '../test/support/peer-mesh.ts'
import { dumpView } from '../test/support/state-hash.ts'
import { fmtInt, fmtMs, heading, note, table } from './report.ts'

const WRITERS = Number(process.env.BENCH_WRITERS ?? 200)
const OPS_EACH = Number(process.env.BENCH_WRITER_OPS ?? 5)
/** The creator, the two other indexers (MAX_INDEXERS) and one member more. */
const FULL_PEERS = 4
const T0 = Date.UTC(2026, 0, 10, 12)
/** How long each step may take before the bench gives up (BENCH_WRITERS_TIMEOUT_MS). */
const TIMEOUT_MS = Number(process.env.BENCH_WRITERS_TIMEOUT_MS ?? 600_000)

export interface ManyWritersResult {
  writers: number
  ops: number
  setupMs: number
  /** Appends from every writer at once: until every full peer's view is the same. */
  concurrent: RoundResult
  /**
   * One of the writers, resumed once the full peers agree: until its view is theirs. Each
   * writer device of a real network does that on its own machine.
   */
  writerCatchUpMs: number
  /** The same number of ops from one writer. */
  single: RoundResult
}

interface RoundResult {
  convergeMs: number
  /** Apply calls per second at the creator, counting ops applied again after a reorder. */
  creatorOpsPerS: number
  /** Apply calls per op at the creator: 1 when nothing was reordered. */
  appliesPerOp: number
}

/** Updates the full peers until `done` holds, or throws after TIMEOUT_MS. */
async function until(full: Peer[], what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${TIMEOUT_MS} ms`)
    await Promise.all(full.map((p) => p.base.update()))
    await sleep(50)
  }
}

/**
 * Has each of `writers` append `count` ops while unconnected, then stop applying and connect
 * to the creator, and times it from there until every full peer's view is the same: once the
 * creator has every writer's last op it appends a marker, which comes after all of them; every
 * full peer that has the marker has them too. The views' hashes are compared once at the end.
 */
async function round(
  mesh: PeerMesh,
  label: string,
  writers: Peer[],
  count: number,
): Promise<RoundResult> {
  const full = mesh.peers.slice(0, FULL_PEERS)
  const creator = mesh.peer(0)
  await Promise.all(
    writers.map(async (p) => {
      for (let i = 0; i < count; i++) await p.base.append(mesh.profileOp(`${p.name} ${i}`, T0))
      p.base.pause()
    }),
  )
  const appliedBefore = creator.applied
  const started = performance.now()
  for (const p of writers) mesh.connect(0, p.index)
  await until(full, `${label}: the creator has every op`, async () => {
    for (const p of writers) {
      if ((await aboutOf(creator, p.base.localKey)) !== `${p.name} ${count - 1}`) return false
    }
    return true
  })
  const end = marker(label)
  await creator.base.append(mesh.profileOp(end, T0))
  const me = creator.base.localKey
  await until(full, `${label}: every full peer has the marker`, async () => {
    const seen = await Promise.all(full.map((p) => aboutOf(p, me)))
    return seen.every((about) => about === end)
  })
  const ms = performance.now() - started
  const hashes = new Set((await Promise.all(full.map((p) => dumpView(p.base)))).map((d) => d.hash))
  if (hashes.size !== 1) throw new Error(`${label}: ${hashes.size} different views`)
  const applied = creator.applied - appliedBefore
  return {
    convergeMs: ms,
    creatorOpsPerS: applied / (ms / 1000),
    // The marker is one op more.
    appliesPerOp: applied / (writers.length * count + 1),
  }
}

/**
 * Resumes `writer` (paused by round) and times it until its view is the creator's, which
 * ends with the marker `end`; then pauses it again.
 */
async function catchUp(mesh: PeerMesh, writer: Peer, end: string): Promise<number> {
  const creator = mesh.peer(0)
  const started = performance.now()
  writer.base.resume()
  await until([writer], `${writer.name} to catch up`, async () => {
    return (await aboutOf(writer, creator.base.localKey)) === end
  })
  const ms = performance.now() - started
  // The next round has the same full peers as this one.
  writer.base.pause()
  const [mine, theirs] = await Promise.all([dumpView(writer.base), dumpView(creator.base)])
  if (mine.hash !== theirs.hash) throw new Error(`${writer.name}: a view of its own`)
  return ms
}

/** The about text the creator ends a round with. */
function marker(label: string): string {
  return `end of ${label}`
}

export async function manyWriters(): Promise<ManyWritersResult> {
  heading(
    `Many writers: ${fmtInt(WRITERS)} real writer cores, ${OPS_EACH} ops each, ` +
      `${FULL_PEERS} full peers`,
  )
  const setupStart = performance.now()
  const mesh = await PeerMesh.create({
    // The full peers, the writers, and the one writer of the second round.
    size: FULL_PEERS + WRITERS + 1,
    ts: T0,
    // As the app does: indexers ack in the background, so the agreed part keeps growing.
    ackInterval: DEFAULT_ACK_INTERVAL,
    star: true,
    detached: (index) => index >= FULL_PEERS,
  })
  const setupMs = performance.now() - setupStart
  note(`  network of ${fmtInt(mesh.peers.length)} members set up in ${fmtMs(setupMs)}`)
  try {
    const ops = WRITERS * OPS_EACH
    const writers = mesh.peers.slice(FULL_PEERS, FULL_PEERS + WRITERS)
    const concurrent = await round(mesh, 'concurrent', writers, OPS_EACH)
    const writerCatchUpMs = await catchUp(mesh, writers[0]!, marker('concurrent'))
    const single = await round(mesh, 'single', [mesh.peer(FULL_PEERS + WRITERS)], ops)
    const row = (label: string, r: RoundResult) => [
      label,
      ops,
      fmtMs(r.convergeMs),
      `${fmtInt(r.creatorOpsPerS)} ops/s`,
      r.appliesPerOp.toFixed(2),
    ]
    table([
      ['appends', 'ops', 'all full peers the same after', "creator's apply rate", 'applies/op'],
      row(`${fmtInt(WRITERS)} writers at once`, concurrent),
      row('one writer', single),
    ])
    note(
      `  ${fmtInt(WRITERS)} writers / one writer: ` +
        `${(concurrent.convergeMs / single.convergeMs).toFixed(2)}x the time to converge`,
    )
    note(
      `  one of the ${fmtInt(WRITERS)} writers, applying again once the full peers agreed: ` +
        `the same view after ${fmtMs(writerCatchUpMs)} more`,
    )
    return { writers: WRITERS, ops, setupMs, concurrent, writerCatchUpMs, single }
  } finally {
    await mesh.close()
  }
}

/** The bench summary's rows: `result` is what manyWriters gave, or why it gave nothing. */
export function manyWritersSummary(result: ManyWritersResult | string): string[][] {
  if (typeof result === 'string') {
    return [['many real writers at once: all full peers the same after', `none: ${result}`, '']]
  }
  return [
    [
      `${fmtInt(result.writers)} real writers, ${fmtInt(result.ops)} ops at once: all full ` +
        'peers the same after (vs one writer)',
      `${fmtMs(result.concurrent.convergeMs)} (${fmtMs(result.single.convergeMs)})`,
      '',
    ],
    [
      'one of those writers, applying once the full peers agreed: same view after',
      fmtMs(result.writerCatchUpMs),
      '',
    ],
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  manyWriters().then(
    () => process.exit(0),
    (err) => {
      console.error('bench crashed:', err)
      process.exit(1)
    },
  )
}
