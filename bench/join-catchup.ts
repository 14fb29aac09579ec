/**
 * Join and catch-up on a network with many ops, over the local testnet on 127.0.0.1.
 *
 * Build: three nodes in this process (createNode: the creator and two members, the network's
 * three indexers) append the ops through the node API, in parallel (several calls in flight
 * per node): intention changes, monthly amount and profile edits, a few obligations created
 * and marked fulfilled, all through the real rules.
 * A fourth member, an `exodus daemon` process, joined before and was stopped: it misses them.
 *
 * Catch-up: that daemon is restarted; timed from its start to its state matching the
 * creator's (the same event and member counters, the same number of members).
 *
 * Join: a new daemon joins with an invite: timed from the `network.join` call to its return
 * (the node returns once it is writable and has the network's meta) and to its state matching
 * the creator's.
 *
 * Both daemons load bench/ff-probe.mjs, which prints a line when an Autobase fast-forwards.
 */
import type { NetworkState } from '../core/api/contract.ts'
import type { ExodusNode } from '../core/node/node.ts'
import { dirSize } from './network.ts'
import { Lab, sleep, until } from './net-lab.ts'
import { fmtInt, fmtMB, fmtMs, heading, median, note, Progress, table } from './report.ts'
import { latencies, visibility, type Latencies } from './sync-latency.ts'
import type { Daemon } from '../test/support/daemons.ts'

/** Unmeasured ops before the latency figures on the grown network. */
const WARM_UP = 10
/** Calls in flight per in-process node while building. */
const IN_FLIGHT = Number(process.env.BENCH_NET_IN_FLIGHT ?? 64)
/**
 * Obligations each writer creates (then marks fulfilled). Kept small on purpose: every
 * obligation stays in its recipient's current pledges for the cycle, and the rules list those
 * on each op that involves the recipient, so thousands of them to one member slow every op
 * (measured: 47 -> 7 ops/s over 2,000 obligations to one member on one node). A real network
 * spreads its obligations over many members.
 */
const OBLIGATIONS_PER_WRITER = 10

export interface JoinCatchupResult {
  ops: number
  buildMs: number
  joinCallMs: number
  joinSyncedMs: number
  joinFastForward: boolean
  catchupUpMs: number
  catchupSyncedMs: number
  catchupFastForward: boolean
  /** Sync latency on the grown network: creator's API call -> visible in the caught-up daemon. */
  latency: Latencies
}

interface Writer {
  name: string
  node: ExodusNode
  id: string
  intentions: string[]
  amount: number
  obligations: number
  toFulfil: string[]
}

/** What two nodes must agree on to count as synced. */
function signature(s: NetworkState): string {
  return `events ${s.meta.seq.event}, members ${s.members.length}/${s.meta.seq.member}`
}

export async function joinCatchup(quick: boolean): Promise<JoinCatchupResult> {
  const ops = Number(process.env.BENCH_NET_OPS ?? (quick ? 2_000 : 10_000))
  heading(`Join and catch-up (${fmtInt(ops)}-op network, local testnet on 127.0.0.1)`)
  note('Three nodes in this process (creator + 2 members, the indexers) append the ops through')
  note(`the node API and the real rules, ${IN_FLIGHT} calls in flight per node. A member daemon`)
  note('that joined before is stopped meanwhile (catch-up); a new daemon joins afterwards.')
  note('"Synced": same event and member counters and member count as the creator.')
  const lab = await Lab.open()
  try {
    // --- the network and its members -------------------------------------------------------
    console.log('')
    console.log('  setting up: creator, two members, the member who will be offline')
    const creator = await lab.node('creator')
    const created = await creator.call('network.create', {
      name: 'Bench',
      currency: 'EUR',
      timeZone: 'UTC',
      memberName: 'Creator',
    })
    const network = created.id
    const invite = await creator.call('invite.create', { network, uses: 10 })
    const writers: Writer[] = [
      {
        name: 'Creator',
        node: creator,
        id: created.me,
        intentions: [],
        amount: 0,
        obligations: 0,
        toFulfil: [],
      },
    ]
    for (const name of ['Member 1', 'Member 2']) {
      const node = await lab.node(name.replace(' ', ''))
      const joined = await node.call('network.join', { invite: invite.code, name })
      writers.push({
        name,
        node,
        id: joined.network.me,
        intentions: [],
        amount: 0,
        obligations: 0,
        toFulfil: [],
      })
    }
    const offline = await lab.daemon('Offline')
    await lab.start(offline)
    await offline.call('network.join', { invite: invite.code, name: 'Offline' })
    await syncedWith(offline, creator, network, 30_000)
    await offline.stop()

    for (const w of writers) {
      await w.node.call('status.set', { network, status: 'orange', amount: 1_000_000 })
    }
    await converge(writers, network)
    for (const w of writers) {
      for (const to of writers) {
        if (to === w) continue
        const made = await w.node.call('intention.create', { network, to: to.id, amount: 100 })
        w.intentions.push(made.pledge!.id)
      }
    }

    // --- the ops -----------------------------------------------------------------------------
    console.log('')
    console.log(`  appending ${fmtInt(ops)} ops while the offline member is stopped`)
    const build = await appendOps(writers, network, ops)
    const converged = await converge(writers, network)
    console.log(
      `    ${fmtInt(ops)} ops in ${fmtMs(build.ms)} (${fmtInt(ops / (build.ms / 1000))} ops/s), ` +
        `all three in-process nodes agree after ${fmtMs(converged.ms)}: ` +
        `${signature(converged.state)}; refused by the dry run: ${fmtInt(build.refused)}`,
    )
    const buildMs = build.ms + converged.ms
    // A member who comes back later finds the network indexed: let the indexers sign the
    // order (they ack every second) before the catch-up, or it would have to apply the
    // unsigned tail itself, one op at a time.
    const indexing = await signed(writers, network)
    console.log(
      `    signed order settled ${fmtMs(indexing.ms)} after that: system core length ` +
        `${fmtInt(indexing.length)}, of which ${fmtInt(indexing.unsigned)} not signed (latest acks)`,
    )

    // --- catch-up --------------------------------------------------------------------------
    console.log('')
    console.log(`  catch-up: restarting the member who missed ${fmtInt(ops)} ops`)
    let start = performance.now()
    let wall = Date.now()
    await lab.start(offline, { probe: true })
    const catchupUpMs = performance.now() - start
    await syncedWith(offline, creator, network, 180_000)
    const catchupSyncedMs = performance.now() - start
    const catchupFf = probeLines(offline, wall)
    console.log(
      `    daemon up in ${fmtMs(catchupUpMs)}, synced ${fmtMs(catchupSyncedMs)} after start; ` +
        `fast-forward: ${catchupFf.length ? catchupFf.join('; ') : 'no'}`,
    )

    // --- join ------------------------------------------------------------------------------
    console.log('')
    console.log('  join: a new daemon joins with an invite')
    const newcomer = await lab.daemon('Newcomer')
    await lab.start(newcomer, { probe: true })
    const fresh = await creator.call('invite.create', { network })
    start = performance.now()
    wall = Date.now()
    await newcomer.call('network.join', { invite: fresh.code, name: 'Newcomer' })
    const joinCallMs = performance.now() - start
    const firstState = performance.now()
    const joinedState = await newcomer.call('state', { network })
    const firstStateMs = performance.now() - firstState
    await syncedWith(newcomer, creator, network, 180_000)
    const joinSyncedMs = performance.now() - start
    const joinFf = probeLines(newcomer, wall)
    console.log(
      `    network.join returned (writable) after ${fmtMs(joinCallMs)} ` +
        `(its first state call took ${fmtMs(firstStateMs)}: ${signature(joinedState)}), synced after ${fmtMs(joinSyncedMs)}; ` +
        `fast-forward: ${joinFf.length ? joinFf.join('; ') : 'no'}`,
    )

    // --- sync latency on the grown network ----------------------------------------------------
    console.log('')
    const latencyOps = quick ? 20 : 50
    console.log(
      `  sync latency on this network, the in-process nodes closed: the newcomer changes an ` +
        `intention (its HTTP API), ` +
        `${fmtInt(latencyOps)} ops; visible in the caught-up member's daemon`,
    )
    const m1 = writers[1]!
    const intended = async (on: { call: ExodusNode['call'] }) =>
      (await on.call('member.card', { network, member: m1.id })).progress.intended
    // Like the fresh network's figure: two daemons, nothing else on the CPUs. The three
    // in-process nodes would share this process's thread with the measuring.
    for (const w of writers) await w.node.close()
    const base = await intended(offline) // nothing else is appended meanwhile
    const pledge = (await newcomer.call('intention.create', { network, to: m1.id, amount: 1 }))
      .pledge!.id
    await until(
      "the caught-up member sees the newcomer's intention",
      () => intended(offline),
      (v) => v === base + 1,
    )
    const measured = await visibility({
      label: 'grown network',
      watcher: offline,
      network,
      ops: WARM_UP + latencyOps,
      warmUp: WARM_UP,
      act: (i) => newcomer.call('intention.change', { network, pledge, amount: 2 + i }),
      shows: async (i) => (await intended(offline)) === base + 2 + i,
    })
    const latency = latencies(measured.seen)
    console.log(
      `    median ${fmtMs(latency.median)}, p95 ${fmtMs(latency.p95)}, max ${fmtMs(latency.max)} ` +
        `(until the push: median ${fmtMs(median(measured.event))}; newcomer's call returned: ` +
        `median ${fmtMs(median(measured.call))})`,
    )

    const sizes = await Promise.all([
      dirSize(creator.dataDir),
      dirSize(offline.dataDir),
      dirSize(newcomer.dataDir),
    ])
    console.log('')
    table([
      ['figure', 'time', 'fast-forward'],
      [`build: ${fmtInt(ops)} ops appended and applied by 3 nodes`, fmtMs(buildMs), ''],
      [`catch-up: restart -> daemon up`, fmtMs(catchupUpMs), ''],
      [
        `catch-up: restart -> synced (missed ${fmtInt(ops)} ops)`,
        fmtMs(catchupSyncedMs),
        catchupFf.length ? 'yes' : 'no',
      ],
      ['join: network.join call -> returned, writable', fmtMs(joinCallMs), ''],
      ['join: network.join call -> synced', fmtMs(joinSyncedMs), joinFf.length ? 'yes' : 'no'],
      ['sync latency here, median (newcomer -> caught-up member)', fmtMs(latency.median), ''],
      ['sync latency here, p95', fmtMs(latency.p95), ''],
    ])
    note(
      `  data folders after: creator ${fmtMB(sizes[0]!)}, caught-up member ${fmtMB(sizes[1]!)}, ` +
        `newcomer ${fmtMB(sizes[2]!)}`,
    )
    return {
      ops,
      buildMs,
      joinCallMs,
      joinSyncedMs,
      joinFastForward: joinFf.length > 0,
      catchupUpMs,
      catchupSyncedMs,
      catchupFastForward: catchupFf.length > 0,
      latency,
    }
  } finally {
    await lab.dispose()
  }
}

/** Appends `total` ops from the writers in parallel; resolves when every call returned. */
async function appendOps(
  writers: Writer[],
  network: string,
  total: number,
): Promise<{ ms: number; refused: number }> {
  const progress = new Progress('build', total)
  let next = 0
  let done = 0
  let refused = 0
  const one = async (w: Writer, i: number) => {
    const others = writers.filter((x) => x !== w)
    const kind = i % 10
    w.amount += 1
    if (kind === 9 && w.obligations < OBLIGATIONS_PER_WRITER) {
      w.obligations++
      const to = others[w.obligations % others.length]!
      const made = await w.node.call('obligation.create', { network, to: to.id, amount: 500 })
      w.toFulfil.push(made.pledge!.id)
    } else if (kind === 9 && w.toFulfil.length > 0) {
      await w.node.call('obligation.fulfil', { network, pledge: w.toFulfil.shift()! })
    } else if (kind === 7) {
      await w.node.call('status.set', {
        network,
        status: 'orange',
        amount: 1_000_000 + w.amount,
      })
    } else if (kind === 8) {
      await w.node.call('profile.set', { network, about: `Profile text number ${w.amount}` })
    } else {
      // Amounts only grow, so no change repeats the amount in force (the rules refuse that).
      const pledge = w.intentions[i % w.intentions.length]!
      await w.node.call('intention.change', { network, pledge, amount: 100 + w.amount })
    }
  }
  const start = performance.now()
  const worker = async (w: Writer) => {
    while (next < total) {
      const i = next++
      try {
        await one(w, i)
      } catch (err) {
        if ((err as { code?: string }).code !== 'rejected') throw err
        refused++
      }
      progress.update(++done)
    }
  }
  await Promise.all(writers.flatMap((w) => Array.from({ length: IN_FLIGHT }, () => worker(w))))
  return { ms: performance.now() - start, refused }
}

/** Waits until every writer's node shows the same counters. */
async function converge(
  writers: Writer[],
  network: string,
): Promise<{ ms: number; state: NetworkState }> {
  const start = performance.now()
  const states = await until(
    'the in-process nodes agree',
    () => Promise.all(writers.map((w) => w.node.call('state', { network }))),
    (all) => all.every((s) => signature(s) === signature(all[0]!)),
    { ms: 120_000, every: 200 },
  )
  return { ms: performance.now() - start, state: states[0]! }
}

/**
 * Waits until the indexers have signed what there is to sign: every writer's Autobase shows
 * the same signed length of its system core, unchanged for a few ack rounds (the latest acks
 * themselves stay unsigned). Autobase internals, read only: the API has no such figure.
 */
async function signed(
  writers: Writer[],
  network: string,
): Promise<{ ms: number; length: number; unsigned: number }> {
  type Internals = {
    networks: Map<string, { base: { base: { length: number; signedLength: number } } }>
  }
  const autobase = (w: Writer) => (w.node as unknown as Internals).networks.get(network)!.base.base
  const start = performance.now()
  let last = -1
  let since = start
  const deadline = start + 60_000
  while (performance.now() < deadline) {
    const lengths = writers.map((w) => autobase(w).signedLength)
    const now = performance.now()
    if (lengths.some((l) => l !== lengths[0]) || lengths[0] !== last) {
      last = lengths[0]!
      since = now
    } else if (now - since >= 3_000) break
    await sleep(100)
  }
  const base = autobase(writers[0]!)
  return { ms: since - start, length: base.length, unsigned: base.length - base.signedLength }
}

/** Waits until the daemon's state has the same counters as the node's. */
async function syncedWith(d: Daemon, node: ExodusNode, network: string, ms: number): Promise<void> {
  await until(
    `${d.name} synced`,
    async () => {
      const [mine, theirs] = await Promise.all([
        d.call('state', { network }),
        node.call('state', { network }),
      ])
      return [signature(mine), signature(theirs)]
    },
    ([mine, theirs]) => mine === theirs,
    { ms, every: 100 },
  )
}

/** The fast-forwards ff-probe.mjs reported in the daemon's output, timed from `since`. */
function probeLines(d: Daemon, since: number): string[] {
  return [...d.output.matchAll(/\[ff-probe\] fast-forward from (\d+) to (\d+) at (\d+)/g)].map(
    (m) =>
      `${fmtInt(Number(m[1]))} -> ${fmtInt(Number(m[2]))} ` +
      `(done at +${fmtMs(Number(m[3]) - since)})`,
  )
}
