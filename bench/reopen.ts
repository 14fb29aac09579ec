/**
 * Reopening a big network: a new Corestore on the same folder and a new LedgerBase with the
 * same key, encryption key and namespace, then the first home-screen snapshot for one member,
 * and member-card queries.
 */
import {
  home,
  listMembers,
  memberCard,
  needsHelp,
  organizer,
  recentEvents,
} from '../core/ledger/queries.ts'
import type { ReadKV } from '../core/ledger/kv.ts'
import type { KeptNetwork } from './ledger-throughput.ts'
import { openNetwork, removeDir } from './network.ts'
import {
  fmtInt,
  fmtMB,
  fmtMs,
  heading,
  median,
  note,
  percentile,
  table,
  timed,
  type MemorySampler,
} from './report.ts'
import {
  newStats,
  simulatedAuthorsApply,
  simulatedAuthorsLikelyReads,
} from './simulated-authors.ts'

export const HOME_TARGET_MS = 1_000
export const CARD_TARGET_MS = 20
const CARD_QUERIES = 50

export interface ReopenResult {
  readyMs: number
  homeMs: number
  warmHomeMs: number
  cardMedianMs: number
  cardP95Ms: number
  busiestCardMs: number
  reapplied: number
}

export async function reopen(net: KeptNetwork, memory: MemorySampler): Promise<ReopenResult> {
  const ops = net.stream.ops.length
  heading(`Reopen a ${fmtInt(ops)}-op network`)
  note('The network of the throughput run was closed (LedgerBase and Corestore). Now: a new')
  note('Corestore on the same folder, a new LedgerBase with the same key, encryption key and')
  note('namespace (and the same simulated-author apply, in case Autobase re-applies anything).')
  const me = net.stream.busiest
  memory.mark()

  const stats = newStats()
  const start = performance.now()
  const opened = await openNetwork(
    net.spec,
    simulatedAuthorsApply(stats),
    simulatedAuthorsLikelyReads,
  )
  const readyMs = performance.now() - start
  try {
    const first = await timed(async () => {
      const snap = opened.base.snapshot()
      try {
        return await home(snap, me)
      } finally {
        await snap.close()
      }
    })
    const homeMs = first.ms
    const h = first.value
    if (!h.me) throw new Error('home: the member is not in the reopened view')

    const warm: number[] = []
    for (let i = 0; i < 5; i++) {
      const snap = opened.base.snapshot()
      const t = await timed(() => home(snap, me))
      await snap.close()
      warm.push(t.ms)
    }

    // Where a home screen's time goes: its parts one at a time (home runs them together).
    const parts: Array<[string, (kv: ReadKV) => Promise<unknown>]> = [
      ['memberCard(me)', (kv) => memberCard(kv, me)],
      ['needsHelp (a card per member in need)', (kv) => needsHelp(kv)],
      ['  of which listMembers', (kv) => listMembers(kv)],
      ['organizer(me)', (kv) => organizer(kv, me)],
      ['recentEvents(20)', (kv) => recentEvents(kv, 20)],
    ]
    const partTimes: string[][] = []
    for (const [name, fn] of parts) {
      const times: number[] = []
      for (let i = 0; i < 3; i++) {
        const snap = opened.base.snapshot()
        times.push((await timed(() => fn(snap))).ms)
        await snap.close()
      }
      partTimes.push([name, fmtMs(median(times))])
    }

    // 50 members spread over the join order, each query on its own snapshot (as the API does).
    const members = net.stream.members
    const sample = Array.from(
      { length: CARD_QUERIES },
      (_, i) => members[Math.floor((i * members.length) / CARD_QUERIES)]!,
    )
    const cardTimes: number[] = []
    let cardPledges = 0
    for (const id of sample) {
      const t = await timed(async () => {
        const snap = opened.base.snapshot()
        try {
          return await memberCard(snap, id)
        } finally {
          await snap.close()
        }
      })
      if (!t.value) throw new Error(`member card: ${id.slice(0, 8)} not found`)
      cardPledges += t.value.supporters.length
      cardTimes.push(t.ms)
    }
    const busiest = await timed(async () => {
      const snap = opened.base.snapshot()
      try {
        return await memberCard(snap, me)
      } finally {
        await snap.close()
      }
    })
    const peak = memory.mark()

    const total = readyMs + homeMs
    table(
      [
        ['measure', 'time', 'target'],
        ['ready (Corestore + LedgerBase open)', fmtMs(readyMs), ''],
        ['first home(kv, me) snapshot', fmtMs(homeMs), ''],
        ['ready + first home', fmtMs(total), `< ${fmtMs(HOME_TARGET_MS)}`],
        ['home, warm (median of 5)', fmtMs(median(warm)), ''],
        [
          `memberCard, median of ${CARD_QUERIES} members`,
          fmtMs(median(cardTimes)),
          `< ${CARD_TARGET_MS} ms`,
        ],
        [
          `memberCard, p95 / max`,
          `${fmtMs(percentile(cardTimes, 95))} / ${fmtMs(Math.max(...cardTimes))}`,
          '',
        ],
        ['memberCard of the busiest member', fmtMs(busiest.ms), ''],
      ],
      ['left', 'right', 'right'],
    )
    console.log('')
    table([['home, part by part (warm, median of 3)', 'time'], ...partTimes], ['left', 'right'])
    note(
      `  home for ${h.me.name} (${h.me.status}, ${fmtInt(h.me.supporters.length)} supporters): ` +
        `${fmtInt(h.needsHelp.length)} members asking for help, ` +
        `${fmtInt(h.organizer.myPromises.length + h.organizer.promisesToMe.length)} promises ` +
        `in force, ${h.recent.length} recent events; cycle ${h.network.cycle}.`,
    )
    note(
      `  member cards: ${fmtInt(cardPledges)} supporters in all over ${CARD_QUERIES} cards; ` +
        `busiest card has ${fmtInt(busiest.value?.supporters.length ?? 0)} supporters.`,
    )
    note(`  ops re-applied on open: ${fmtInt(stats.applied)}`)
    note(`  peak memory during reopen: rss ${fmtMB(peak.rss)}, heap used ${fmtMB(peak.heapUsed)}`)
    return {
      readyMs,
      homeMs,
      warmHomeMs: median(warm),
      cardMedianMs: median(cardTimes),
      cardP95Ms: percentile(cardTimes, 95),
      busiestCardMs: busiest.ms,
      reapplied: stats.applied,
    }
  } finally {
    await opened.close()
    await removeDir(net.spec.dir)
  }
}
