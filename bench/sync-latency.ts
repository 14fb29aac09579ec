/**
 * Sync latency between separate processes on loopback: an op made on one node until it is
 * visible in another node's state, next to bare Autobase replication measured in the same run.
 *
 * Bare: two bench/bare-peer.ts processes (Corestore + plain encrypted Autobase whose apply
 * appends each op to a view core, Hyperswarm on the local testnet). The writer appends; the
 * reader reports each growth of its view. Latency = reader's time - writer's time just before
 * append (both process.hrtime, the machine's monotonic clock).
 *
 * Ledger: two real `exodus daemon` processes in one network (create, invite, join). Boris goes
 * orange, Anna promises him an intention, then changes its amount once per op through her
 * node's WebSocket API (/ws, the UI's transport; intention.change). Boris's /ws pushes
 * {event: {type: 'state'}} on each update; on each push the bench asks Boris's node, on the
 * same socket, for his card (member.card) until it shows the new amount. Latency = from the
 * moment the bench sends Anna's call to the moment Boris's answer with the new amount arrives:
 * the whole path a user sees (the call, the rules' dry run, append, replication, apply on
 * Boris's side, the push, the query).
 *
 * Ops go one at a time with a short pause between them, after a few unmeasured warm-up ops.
 */
import { join } from 'node:path'
import type { BareIn, BareOut } from './bare-peer.ts'
import { Lab, sleep, until, WsSession } from './net-lab.ts'
import type { Daemon } from '../test/support/daemons.ts'
import { fmtInt, fmtMs, heading, median, note, percentile, table } from './report.ts'

export const SYNC_TARGET_RATIO = 2
export const SYNC_P95_TARGET_MS = 100
const WARM_UP_OPS = 20
const PAUSE_MS = 20
const BARE_PEER = join(import.meta.dirname, 'bare-peer.ts')

export interface Latencies {
  median: number
  p95: number
  min: number
  max: number
}

export interface SyncLatencyResult {
  ops: number
  bare: Latencies
  /** Anna's API call until Boris's query shows the op. */
  ledger: Latencies
  /** Anna's API call until Boris's node pushed the state event that led to that query. */
  ledgerEvent: Latencies
  /** Anna's API call until it returned to the bench. */
  ledgerCall: Latencies
}

export function latencies(values: number[]): Latencies {
  return {
    median: median(values),
    p95: percentile(values, 95),
    min: Math.min(...values),
    max: Math.max(...values),
  }
}

export async function syncLatency(quick: boolean): Promise<SyncLatencyResult> {
  const ops = Number(process.env.BENCH_SYNC_OPS ?? (quick ? 50 : 200))
  heading('Sync latency (separate processes, local testnet on 127.0.0.1)')
  note('Bare: two processes with a plain encrypted Autobase (apply appends to a view core),')
  note('writer appends, reader reports its view growing; same clock (hrtime) in both.')
  note("Ledger: two `exodus daemon` processes; Anna changes an intention through her node's")
  note("WebSocket API (as the UI calls it), Boris's /ws pushes a state event, the bench asks his")
  note('node for his card (member.card) until it shows the new amount. Measured from the call')
  note('to that answer.')
  note(
    `${fmtInt(ops)} ops each, one at a time, ${PAUSE_MS} ms apart, after ${WARM_UP_OPS} ` +
      'unmeasured warm-up ops.',
  )
  const lab = await Lab.open()
  try {
    const bare = await bareLatency(lab, ops)
    const ledger = await ledgerLatency(lab, ops)
    const result = { ops, bare, ...ledger }
    console.log('')
    const row = (label: string, l: Latencies) => [
      label,
      fmtMs(l.median),
      fmtMs(l.p95),
      fmtMs(l.min),
      fmtMs(l.max),
    ]
    table([
      ['path', 'median', 'p95', 'min', 'max'],
      row('bare Autobase: append -> reader view', result.bare),
      row('ledger: API call -> visible in B state', result.ledger),
      row('  (API call -> B pushed state event)', result.ledgerEvent),
      row("  (API call -> A's call returned)", result.ledgerCall),
    ])
    note(
      `  ledger / bare median: ${(result.ledger.median / result.bare.median).toFixed(2)}x ` +
        `(target <= ${SYNC_TARGET_RATIO}x); ledger p95 ${fmtMs(result.ledger.p95)} ` +
        `(target < ${SYNC_P95_TARGET_MS} ms)`,
    )
    return result
  } finally {
    await lab.dispose()
  }
}

/** Messages from a forked bare peer, taken by predicate in arrival order. */
class Inbox {
  private readonly messages: BareOut[] = []
  private waiter: { pick: (m: BareOut) => boolean; resolve: (m: BareOut) => void } | null = null
  private failure: Error | null = null
  private failed: ((err: Error) => void) | null = null

  constructor(
    readonly name: string,
    private readonly child: ReturnType<Lab['fork']>,
  ) {
    child.on('message', (m: BareOut) => {
      if (m.type === 'error') return this.fail(new Error(`${name}: ${m.message}`))
      if (this.waiter?.pick(m)) {
        const w = this.waiter
        this.waiter = null
        w.resolve(m)
      } else this.messages.push(m)
    })
    child.on('exit', (code) =>
      this.fail(new Error(`${name} exited (${code}): ${child.output.join('').slice(-2000)}`)),
    )
  }

  send(message: BareIn): void {
    this.child.send(message)
  }

  async take<T extends BareOut['type']>(
    type: T,
    pick: (m: Extract<BareOut, { type: T }>) => boolean = () => true,
    ms = 30_000,
  ): Promise<Extract<BareOut, { type: T }>> {
    if (this.failure) throw this.failure
    const matches = (m: BareOut) => m.type === type && pick(m as Extract<BareOut, { type: T }>)
    const at = this.messages.findIndex(matches)
    if (at >= 0) return this.messages.splice(at, 1)[0] as Extract<BareOut, { type: T }>
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null
        reject(new Error(`${this.name}: no ${type} message in ${ms} ms`))
      }, ms)
      this.waiter = {
        pick: matches,
        resolve: (m) => {
          clearTimeout(timer)
          resolve(m as Extract<BareOut, { type: T }>)
        },
      }
      this.failed = (err) => {
        clearTimeout(timer)
        reject(err)
      }
    })
  }

  private fail(err: Error): void {
    this.failure ??= err
    this.failed?.(err)
  }
}

async function bareLatency(lab: Lab, ops: number): Promise<Latencies> {
  console.log('')
  console.log('  bare: starting two bare-peer processes')
  const bootstrap = lab.bootstrap.join(',')
  const writerProcess = lab.fork(BARE_PEER, ['writer', await lab.tempDir('bare-writer'), bootstrap])
  const readerProcess = lab.fork(BARE_PEER, ['reader', await lab.tempDir('bare-reader'), bootstrap])
  try {
    return await bareRun(
      ops,
      new Inbox('bare writer', writerProcess),
      new Inbox('bare reader', readerProcess),
    )
  } finally {
    // Gone before the ledger run, which must not share the CPUs with them.
    await Promise.all([lab.stop(writerProcess), lab.stop(readerProcess)])
  }
}

async function bareRun(ops: number, writer: Inbox, reader: Inbox): Promise<Latencies> {
  writer.send({ type: 'open' })
  const opened = await writer.take('opened')
  reader.send({ type: 'open', key: opened.key, encryptionKey: opened.encryptionKey })
  await reader.take('opened')
  await reader.take('connected')

  const samples: number[] = []
  const total = WARM_UP_OPS + ops
  for (let i = 0; i < total; i++) {
    writer.send({ type: 'append', i })
    const appended = await writer.take('appended', (m) => m.i === i)
    const seen = await reader.take('seen', (m) => m.length >= i + 1)
    if (i >= WARM_UP_OPS) samples.push(Number(BigInt(seen.t) - BigInt(appended.t)) / 1e6)
    if ((i + 1) % 50 === 0) console.log(`    bare: ${i + 1} / ${total} ops`)
    await sleep(PAUSE_MS)
  }
  const l = latencies(samples)
  console.log(`    bare: median ${fmtMs(l.median)}, p95 ${fmtMs(l.p95)}`)
  return l
}

async function ledgerLatency(
  lab: Lab,
  ops: number,
): Promise<Omit<SyncLatencyResult, 'ops' | 'bare'>> {
  console.log('')
  console.log('  ledger: starting two daemons (Anna, Boris), network, invite, join')
  const anna = await lab.daemon('Anna')
  const boris = await lab.daemon('Boris')
  await Promise.all([lab.start(anna), lab.start(boris)])
  const created = await anna.call('network.create', {
    name: 'Latency',
    currency: 'EUR',
    timeZone: 'UTC',
  })
  const network = created.id
  const invite = await anna.call('invite.create', { network })
  const joined = await boris.call('network.join', { invite: invite.code })
  const borisId = joined.network.me
  await boris.call('status.set', { network, status: 'orange', amount: 10_000_000 })
  await until(
    'Anna sees Boris orange',
    () => anna.call('member.card', { network, member: borisId }),
    (c) => c.status === 'orange',
  )
  const pledge = (await anna.call('intention.create', { network, to: borisId, amount: 1 })).pledge!
    .id
  await until(
    "Boris sees Anna's intention",
    () => boris.call('member.card', { network, member: borisId }),
    (c) => c.progress.intended === 1,
  )

  const { seen, event, call } = await intentionChanges({
    label: 'ledger',
    actor: anna,
    watcher: boris,
    network,
    pledge,
    member: borisId,
    first: 100,
    ops: WARM_UP_OPS + ops,
    warmUp: WARM_UP_OPS,
  })
  const result = {
    ledger: latencies(seen),
    ledgerEvent: latencies(event),
    ledgerCall: latencies(call),
  }
  console.log(`    ledger: median ${fmtMs(result.ledger.median)}, p95 ${fmtMs(result.ledger.p95)}`)
  // The confirming query's own cost, on a quiet node, for reading the figures above.
  const idle: number[] = []
  const quiet = await WsSession.open(boris)
  try {
    for (let i = 0; i < 20; i++) {
      const start = performance.now()
      await quiet.call('member.card', { network, member: borisId })
      idle.push(performance.now() - start)
    }
  } finally {
    quiet.close()
  }
  console.log(`    member.card on Boris's quiet node, over /ws: median ${fmtMs(median(idle))}`)
  return result
}

/**
 * `actor` changes its intention `pledge` to `member` once per op, to `first + i`, until
 * `watcher`'s card of `member` shows the intended total that makes (`others`: what the
 * member's other intentions add). The calls go over each node's WebSocket, as the UI's do.
 */
export async function intentionChanges(o: {
  label: string
  actor: Daemon
  watcher: Daemon
  network: string
  pledge: string
  member: string
  first: number
  others?: number
  ops: number
  warmUp: number
}): Promise<{ seen: number[]; event: number[]; call: number[] }> {
  const [actor, watcher] = await Promise.all([WsSession.open(o.actor), WsSession.open(o.watcher)])
  const { network, pledge, member, first, others = 0 } = o
  try {
    return await visibility({
      label: o.label,
      watcher,
      network,
      ops: o.ops,
      warmUp: o.warmUp,
      act: (i) => actor.call('intention.change', { network, pledge, amount: first + i }),
      shows: async (i) =>
        (await watcher.call('member.card', { network, member })).progress.intended ===
        others + first + i,
    })
  } finally {
    actor.close()
    watcher.close()
  }
}

interface VisibilityOptions {
  label: string
  /** A session on the daemon whose state must show each op: its pushes trigger `shows`. */
  watcher: WsSession
  network: string
  ops: number
  /** Leading ops left out of the figures. */
  warmUp: number
  /** Makes op i (on another node); resolves when that node's call returns. */
  act: (i: number) => Promise<unknown>
  /** A cheap query on the watcher: whether its state shows op i. */
  shows: (i: number) => Promise<boolean>
}

/**
 * Makes the ops one at a time, each timed from the call to the moment the watcher's state
 * shows it: on each state push of the watcher's /ws, `shows` is asked (again if a push came
 * during the query) until it says yes. Returns ms per measured op: until shown (`seen`),
 * until the push that led to it (`event`), until the acting call returned (`call`).
 */
async function visibility(
  o: VisibilityOptions,
): Promise<{ seen: number[]; event: number[]; call: number[] }> {
  let target: { i: number; resolve: (r: { event: number; seen: number }) => void } | null = null
  let lastEvent = 0
  let checking = false
  let dirty = false
  const check = async () => {
    if (checking) {
      dirty = true
      return
    }
    checking = true
    try {
      do {
        dirty = false
        const event = lastEvent
        const awaited = target
        const shown = awaited !== null && (await o.shows(awaited.i))
        const seen = performance.now()
        if (shown && target === awaited) {
          target = null
          awaited.resolve({ event, seen })
        }
      } while (dirty && target)
    } finally {
      checking = false
    }
  }
  let checkError: unknown = null
  const kick = () => void check().catch((err) => (checkError = err))
  o.watcher.onState(o.network, (at) => {
    lastEvent = at
    if (target) kick()
  })
  // In case a push went missing: the measurement would show it as a very slow op.
  const fallback = setInterval(() => target && kick(), 1_000)

  const seen: number[] = []
  const event: number[] = []
  const call: number[] = []
  try {
    for (let i = 0; i < o.ops; i++) {
      const visible = new Promise<{ event: number; seen: number }>((resolve, reject) => {
        target = { i, resolve }
        setTimeout(
          () => reject(new Error(`${o.label}: op ${i} not visible in 30 s`)),
          30_000,
        ).unref()
      })
      const start = performance.now()
      const called = o.act(i).then(() => performance.now())
      const [done, returned] = await Promise.all([visible, called])
      if (checkError) throw checkError
      if (i >= o.warmUp) {
        seen.push(done.seen - start)
        // A push before the call started belongs to an earlier update: the query found it.
        event.push(Math.max(0, done.event - start))
        call.push(returned - start)
      }
      if ((i + 1) % 50 === 0) console.log(`    ${o.label}: ${i + 1} / ${o.ops} ops`)
      await sleep(PAUSE_MS)
    }
  } finally {
    clearInterval(fallback)
  }
  return { seen, event, call }
}
