/**
 * Many real writers (issue 12): a network of BENCH_WRITERS members (200), each with its own
 * writer core and Autobase, replicating through the creator (a star, in this process). Every
 * member appends BENCH_WRITER_OPS ops (5) at once; the figure is the time until every peer's
 * view holds them all (and is the same), with the creator's apply rate. Next to it, in the
 * same run on the same network: as many ops from ONE writer. Part of `npm run bench`; alone:
 * `npx tsx bench/many-writers.ts`.
 */
import { pathToFileURL } from 'node:url'
import { OP_VERSION } from '../core/ledger/ops.ts'
import { DEFAULT_ACK_INTERVAL } from '../core/network/ledger-base.ts'
import { PeerMesh, sleep } from '../test/support/peer-mesh.ts'
import { dumpView } from '../test/support/state-hash.ts'
import { fmtInt, fmtMs, heading, note, table } from './report.ts'

const WRITERS = Number(process.env.BENCH_WRITERS ?? 200)
const OPS_EACH = Number(process.env.BENCH_WRITER_OPS ?? 5)
const T0 = Date.UTC(2026, 0, 10, 12)
/** How long each step may take before the bench gives up (BENCH_WRITERS_TIMEOUT_MS). */
const TIMEOUT_MS = Number(process.env.BENCH_WRITERS_TIMEOUT_MS ?? 600_000)

export interface ManyWritersResult {
  writers: number
  ops: number
  setupMs: number
  /** Appends from every writer at once: until every view is the same. */
  concurrent: { convergeMs: number; creatorOpsPerS: number }
  /** The same number of ops from one writer. */
  single: { convergeMs: number; creatorOpsPerS: number }
}

/** Reads member `id`'s about text in `peer`'s view. */
async function aboutOf(mesh: PeerMesh, peer: number, id: string): Promise<string | undefined> {
  const snap = mesh.peer(peer).base.snapshot()
  try {
    return ((await snap.get(`member/${id}`)) as { about?: string } | null)?.about
  } finally {
    await snap.close()
  }
}

/** Updates every base until `done` holds, or throws after TIMEOUT_MS. */
async function until(mesh: PeerMesh, what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${TIMEOUT_MS} ms`)
    await mesh.updateAll()
    await sleep(50)
  }
}

/**
 * Runs `append` (whose writers end with the about texts `last`), then times it until every
 * view is the same: once the creator has every writer's last op it appends a marker, which
 * comes after all of them; every peer that has the marker has them too. The views' hashes
 * are compared once at the end.
 */
async function round(
  mesh: PeerMesh,
  label: string,
  last: Map<string, string>,
  append: () => Promise<void>,
) {
  const creator = mesh.peer(0)
  const appliedBefore = creator.applied
  const started = performance.now()
  await append()
  await until(mesh, `${label}: the creator has every op`, async () => {
    for (const [id, about] of last) if ((await aboutOf(mesh, 0, id)) !== about) return false
    return true
  })
  const end = `end of ${label}`
  await creator.base.append(profileOp(mesh, end))
  const me = creator.base.localKey
  await until(mesh, `${label}: every peer has the marker`, async () => {
    const seen = await Promise.all(mesh.peers.map((p) => aboutOf(mesh, p.index, me)))
    return seen.every((about) => about === end)
  })
  const ms = performance.now() - started
  const hashes = new Set((await Promise.all(mesh.bases.map((b) => dumpView(b)))).map((d) => d.hash))
  if (hashes.size !== 1) throw new Error(`${label}: ${hashes.size} different views`)
  return { convergeMs: ms, creatorOpsPerS: (creator.applied - appliedBefore) / (ms / 1000) }
}

function profileOp(mesh: PeerMesh, about: string) {
  return { v: OP_VERSION, id: mesh.nextOpId(), ts: T0, type: 'member.profile', about }
}

export async function manyWriters(): Promise<ManyWritersResult> {
  heading(`Many writers: ${fmtInt(WRITERS)} real writer cores, ${OPS_EACH} ops each`)
  const setupStart = performance.now()
  const mesh = await PeerMesh.create({
    size: WRITERS + 1,
    ts: T0,
    // As the app does: indexers ack in the background, so the agreed part keeps growing.
    ackInterval: DEFAULT_ACK_INTERVAL,
    star: true,
  })
  const setupMs = performance.now() - setupStart
  note(`  network of ${fmtInt(WRITERS + 1)} members set up in ${fmtMs(setupMs)}`)
  try {
    const ops = WRITERS * OPS_EACH
    const writers = mesh.peers.slice(1)
    const concurrent = await round(
      mesh,
      'concurrent',
      new Map(writers.map((p) => [p.base.localKey, `${p.name} ${OPS_EACH - 1}`])),
      async () => {
        await Promise.all(
          writers.map(async (p) => {
            for (let i = 0; i < OPS_EACH; i++) {
              await p.base.append(profileOp(mesh, `${p.name} ${i}`))
            }
          }),
        )
      },
    )
    const one = mesh.peer(1)
    const single = await round(
      mesh,
      'single',
      new Map([[one.base.localKey, `one writer ${ops - 1}`]]),
      async () => {
        for (let i = 0; i < ops; i++) await one.base.append(profileOp(mesh, `one writer ${i}`))
      },
    )
    table([
      ['appends', 'ops', 'all views the same after', "creator's apply rate"],
      [
        `${fmtInt(WRITERS)} writers at once`,
        ops,
        fmtMs(concurrent.convergeMs),
        `${fmtInt(concurrent.creatorOpsPerS)} ops/s`,
      ],
      ['one writer', ops, fmtMs(single.convergeMs), `${fmtInt(single.creatorOpsPerS)} ops/s`],
    ])
    note(
      `  ${fmtInt(WRITERS)} writers / one writer: ` +
        `${(concurrent.convergeMs / single.convergeMs).toFixed(2)}x the time to converge`,
    )
    return { writers: WRITERS, ops, setupMs, concurrent, single }
  } finally {
    await mesh.close()
  }
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
