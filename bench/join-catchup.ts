/**
 * Join and catch-up on a network with many ops: every node an `exodus daemon` process on the
 * local testnet on 127.0.0.1; this process only drives them over HTTP and measures.
 *
 * Build: the creator and two members (the network's three indexers) append the ops through
 * their HTTP API, several calls in flight per node: intention changes, monthly amount and
 * profile edits, a few obligations created and marked fulfilled, all through the real rules.
 * A fourth member joined before and was stopped: it misses them. Then the bench waits until
 * the indexers have signed the order (a member coming back later finds it signed).
 *
 * Catch-up: the fourth member's daemon is restarted; timed from its start to its state
 * matching the creator's (the same event and member counters, the same number of members).
 *
 * Join: a new daemon joins with an invite: timed from the `network.join` call to its return
 * (the node returns once it is writable and has the network's meta) and to its state matching
 * the creator's.
 *
 * Sync latency on the grown network: everyone but the creator and member 1 is stopped (so two
 * daemons share the machine, as in the sync-latency section); the creator changes an
 * intention to member 1 until member 1's card shows it (see sync-latency.ts).
 *
 * The daemons load bench/autobase-probe.mjs, which reports fast-forwards and how much of the
 * order the indexers have signed (the API shows neither).
 */
import type { NetworkState } from '../core/api/contract.ts'
import type { Daemon } from '../test/support/daemons.ts'
import { dirSize } from './network.ts'
import { Lab, sleep, until } from './net-lab.ts'
import { fmtInt, fmtMB, fmtMs, heading, median, note, Progress, table } from './report.ts'
import { intentionChanges, latencies, type Latencies } from './sync-latency.ts'

/** Unmeasured ops before the latency figures on the grown network. */
const WARM_UP = 10
/** Calls in flight per writer while building. */
const IN_FLIGHT = Number(process.env.BENCH_NET_IN_FLIGHT ?? 64)
/**
 * Obligations each writer creates (then marks fulfilled). Kept small on purpose: every
 * obligation stays in its recipient's current pledges for the cycle, and the rules list those
 * on each op that involves the recipient, so thousands of them to one member slow every op
 * (measured: 47 -> 7 ops/s over 2,000 obligations to one member on one node). A real network
 * spreads its obligations over many members.
 */
const OBLIGATIONS_PER_WRITER = 10
/** System core entries that may stay unsigned once signing has settled (the latest acks). */
const UNSIGNED_TAIL = 32

export interface JoinCatchupResult {
  ops: number
  buildMs: number
  joinCallMs: number
  joinSyncedMs: number
  joinFastForward: boolean
  catchupUpMs: number
  catchupSyncedMs: number
  catchupFastForward: boolean
  /** Sync latency on the grown network (creator -> member 1, two daemons). */
  latency: Latencies
}

interface Writer {
  daemon: Daemon
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
  note('All nodes are `exodus daemon` processes. The creator and two members (the indexers)')
  note(`append the ops through their HTTP API and the real rules, ${IN_FLIGHT} calls in flight`)
  note('each. A member who joined before is stopped meanwhile (catch-up); a new daemon joins')
  note('afterwards. "Synced": same event and member counters and member count as the creator.')
  const lab = await Lab.open()
  try {
    // --- the network and its members -------------------------------------------------------
    console.log('')
    console.log('  setting up: creator, two members, the member who will be offline')
    const [creator, member1, member2, offline] = await Promise.all(
      ['Creator', 'Member 1', 'Member 2', 'Offline'].map(async (name) => {
        const d = await lab.daemon(name.replace(' ', ''))
        return lab.start(d, { probe: name !== 'Offline' })
      }),
    )
    const created = await creator!.call('network.create', {
      name: 'Bench',
      currency: 'EUR',
      timeZone: 'UTC',
      memberName: 'Creator',
    })
    const network = created.id
    const invite = await creator!.call('invite.create', { network, uses: 10 })
    const writer = (daemon: Daemon, id: string): Writer => ({
      daemon,
      id,
      intentions: [],
      amount: 0,
      obligations: 0,
      toFulfil: [],
    })
    const writers = [writer(creator!, created.me)]
    for (const [d, name] of [
      [member1!, 'Member 1'],
      [member2!, 'Member 2'],
    ] as const) {
      const joined = await d.call('network.join', { invite: invite.code, name })
      writers.push(writer(d, joined.network.me))
    }
    // The fourth member: not an indexer (the first three members are).
    await offline!.call('network.join', { invite: invite.code, name: 'Offline' })
    await syncedWith(offline!, creator!, network, 30_000)
    await offline!.stop()

    for (const w of writers) {
      await w.daemon.call('status.set', { network, status: 'orange', amount: 1_000_000 })
    }
    await converge(writers, network)
    for (const w of writers) {
      for (const to of writers) {
        if (to === w) continue
        const made = await w.daemon.call('intention.create', { network, to: to.id, amount: 100 })
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
        `the three writers agree ${fmtMs(converged.ms)} later: ` +
        `${signature(converged.state)}; refused by the dry run: ${fmtInt(build.refused)}`,
    )
    const buildMs = build.ms + converged.ms
    // A member who comes back later finds the order signed: let the indexers sign it (they
    // ack every second) before the catch-up, or it would have to apply the unsigned tail
    // itself, one op at a time.
    const indexing = await signed(writers, network)
    console.log(
      `    signing settled ${fmtMs(indexing.ms)} after that (2 s without change included): ` +
        `system core length ` +
        `${fmtInt(indexing.length)}, of which ${fmtInt(indexing.length - indexing.signed)} ` +
        'not signed (the latest acks)',
    )

    // --- catch-up --------------------------------------------------------------------------
    console.log('')
    console.log(`  catch-up: restarting the member who missed ${fmtInt(ops)} ops`)
    let start = performance.now()
    let wall = Date.now()
    await lab.start(offline!, { probe: true })
    const catchupUpMs = performance.now() - start
    await syncedWith(offline!, creator!, network, 180_000)
    const catchupSyncedMs = performance.now() - start
    const catchupFf = fastForwards(offline!, wall)
    console.log(
      `    daemon up in ${fmtMs(catchupUpMs)}, synced ${fmtMs(catchupSyncedMs)} after start; ` +
        `fast-forward: ${catchupFf.length ? catchupFf.join('; ') : 'no'}`,
    )

    // --- join ------------------------------------------------------------------------------
    console.log('')
    console.log('  join: a new daemon joins with an invite')
    const newcomer = await lab.start(await lab.daemon('Newcomer'), { probe: true })
    const fresh = await creator!.call('invite.create', { network })
    start = performance.now()
    wall = Date.now()
    await newcomer.call('network.join', { invite: fresh.code, name: 'Newcomer' })
    const joinCallMs = performance.now() - start
    const firstState = performance.now()
    const joinedState = await newcomer.call('state', { network })
    const firstStateMs = performance.now() - firstState
    await syncedWith(newcomer, creator!, network, 180_000)
    const joinSyncedMs = performance.now() - start
    const joinFf = fastForwards(newcomer, wall)
    console.log(
      `    network.join returned (writable) after ${fmtMs(joinCallMs)}; its first state call ` +
        `took ${fmtMs(firstStateMs)} (${signature(joinedState)}); synced after ` +
        `${fmtMs(joinSyncedMs)}; fast-forward: ${joinFf.length ? joinFf.join('; ') : 'no'}`,
    )
    const sizes = await Promise.all([creator!, offline!, newcomer].map((d) => dirSize(d.dataDir)))

    // --- sync latency on the grown network -------------------------------------------------
    console.log('')
    const latencyOps = quick ? 20 : 50
    console.log(
      `  sync latency on this network: the others stopped, the creator changes an intention ` +
        `${fmtInt(latencyOps)} times, each until member 1's card shows it`,
    )
    await Promise.all([member2!, offline!, newcomer].map((d) => d.stop()))
    const intended = async (d: Daemon) =>
      (await d.call('member.card', { network, member: writers[1]!.id })).progress.intended
    const pledge = writers[0]!.intentions[0]! // the creator's intention to member 1
    await creator!.call('intention.change', { network, pledge, amount: 50_000_000 })
    const base = await intended(creator!)
    await until(
      'member 1 sees the change',
      () => intended(member1!),
      (v) => v === base,
    )
    const measured = await intentionChanges({
      label: 'grown network',
      actor: creator!,
      watcher: member1!,
      network,
      pledge,
      member: writers[1]!.id,
      first: 50_000_001,
      others: base - 50_000_000,
      ops: WARM_UP + latencyOps,
      warmUp: WARM_UP,
    })
    const latency = latencies(measured.seen)
    console.log(
      `    median ${fmtMs(latency.median)}, p95 ${fmtMs(latency.p95)}, max ${fmtMs(latency.max)} ` +
        `(until the push: median ${fmtMs(median(measured.event))}; the creator's call ` +
        `returned: median ${fmtMs(median(measured.call))})`,
    )

    console.log('')
    table([
      ['figure', 'time', 'fast-forward'],
      [`build: ${fmtInt(ops)} ops appended, 3 writers agree`, fmtMs(buildMs), ''],
      [`catch-up: restart -> daemon up`, fmtMs(catchupUpMs), ''],
      [
        `catch-up: restart -> synced (missed ${fmtInt(ops)} ops)`,
        fmtMs(catchupSyncedMs),
        catchupFf.length ? 'yes' : 'no',
      ],
      ['join: network.join call -> returned, writable', fmtMs(joinCallMs), ''],
      ['join: network.join call -> synced', fmtMs(joinSyncedMs), joinFf.length ? 'yes' : 'no'],
      [`sync latency at ${fmtInt(ops)} ops, median`, fmtMs(latency.median), ''],
      [`sync latency at ${fmtInt(ops)} ops, p95`, fmtMs(latency.p95), ''],
    ])
    note(
      `  data folders after the join: creator ${fmtMB(sizes[0]!)}, caught-up member ` +
        `${fmtMB(sizes[1]!)}, newcomer ${fmtMB(sizes[2]!)}`,
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
      const made = await w.daemon.call('obligation.create', { network, to: to.id, amount: 500 })
      w.toFulfil.push(made.pledge!.id)
    } else if (kind === 9 && w.toFulfil.length > 0) {
      await w.daemon.call('obligation.fulfil', { network, pledge: w.toFulfil.shift()! })
    } else if (kind === 7) {
      await w.daemon.call('status.set', {
        network,
        status: 'orange',
        amount: 1_000_000 + w.amount,
      })
    } else if (kind === 8) {
      await w.daemon.call('profile.set', { network, about: `Profile text number ${w.amount}` })
    } else {
      // Amounts only grow, so no change repeats the amount in force (the rules refuse that).
      const pledge = w.intentions[i % w.intentions.length]!
      await w.daemon.call('intention.change', { network, pledge, amount: 100 + w.amount })
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

/** Waits until every writer shows the same counters. */
async function converge(
  writers: Writer[],
  network: string,
): Promise<{ ms: number; state: NetworkState }> {
  const start = performance.now()
  const states = await until(
    'the writers agree',
    () => Promise.all(writers.map((w) => w.daemon.call('state', { network }))),
    (all) => all.every((s) => signature(s) === signature(all[0]!)),
    { ms: 120_000, every: 200 },
  )
  return { ms: performance.now() - start, state: states[0]! }
}

/**
 * Waits until the indexers have signed what there is to sign: every writer reports (through
 * the probe) the same signed length of the system core, at most a few entries short of its
 * length (the latest acks stay unsigned until the next ones), unchanged for two ack rounds.
 * Gives up waiting after a minute.
 */
async function signed(
  writers: Writer[],
  network: string,
): Promise<{ ms: number; signed: number; length: number }> {
  const key = network.slice(0, 8)
  const latest = (d: Daemon) => {
    const all = [...d.output.matchAll(new RegExp(`\\[probe\\] signed ${key} (\\d+) (\\d+)`, 'g'))]
    const m = all[all.length - 1]
    return m ? { signed: Number(m[1]), length: Number(m[2]) } : { signed: -1, length: -1 }
  }
  const start = performance.now()
  let last = ''
  let since = start
  while (performance.now() - start < 60_000) {
    const now = performance.now()
    const all = writers.map((w) => latest(w.daemon))
    const same = all.every((x) => x.signed === all[0]!.signed)
    const short = all.every((x) => x.length - x.signed <= UNSIGNED_TAIL)
    const signedNow = JSON.stringify(all.map((x) => x.signed))
    if (!same || !short || signedNow !== last) {
      last = signedNow
      since = now
    } else if (now - since >= 2_000) break
    await sleep(100)
  }
  return { ms: performance.now() - start, ...latest(writers[0]!.daemon) }
}

/** Waits until the daemon's state has the same counters as the reference daemon's. */
async function syncedWith(d: Daemon, ref: Daemon, network: string, ms: number): Promise<void> {
  await until(
    `${d.name} synced`,
    async () => {
      const [mine, theirs] = await Promise.all([
        d.call('state', { network }),
        ref.call('state', { network }),
      ])
      return [signature(mine), signature(theirs)]
    },
    ([mine, theirs]) => mine === theirs,
    { ms, every: 100 },
  )
}

/** The fast-forwards the probe reported in the daemon's output, timed from `since`. */
function fastForwards(d: Daemon, since: number): string[] {
  return [...d.output.matchAll(/\[probe\] fast-forward from (\d+) to (\d+) at (\d+)/g)].map(
    (m) =>
      `${fmtInt(Number(m[1]))} -> ${fmtInt(Number(m[2]))} ` +
      `(done at +${fmtMs(Number(m[3]) - since)})`,
  )
}
