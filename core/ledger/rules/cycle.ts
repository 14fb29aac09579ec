/**
 * Time passing (domain.md §3, §5): red deadlines and the monthly rollover. Time enters only
 * through op timestamps: every op moves the ledger's clock forward to its own `ts`, and
 * whatever fell due on the way (deadlines, month starts) happens in order, at the instant
 * it was due. A `cycle` op does nothing else, so any app can append one when its clock
 * crosses a boundary; a duplicate finds nothing left to do.
 */
import { cycleOf, cycleStart, nextCycle } from '../cycle-time.ts'
import type { Ledger } from '../ledger.ts'
import { EVERYONE, keys, pledgeIdOf, type Pledge } from '../model.ts'
import { runClearing } from './clearing.ts'
import { endRed } from './status.ts'

/**
 * After this many month starts in one step nothing is left to change: the first lapses
 * intentions and files open obligations as overdue, the second lapses the renewals the first
 * made, and every red deadline (at most 31 days away) has passed. Further months are started
 * at once (see advanceTo), so no op, however far ahead its stamp, costs more than this.
 */
const ROLLOVERS_IN_ONE_STEP = 3

export async function advanceTo(l: Ledger, ts: number) {
  const target = Math.max(l.meta.now, ts)
  let rollovers = 0
  while (true) {
    const boundary = cycleStart(nextCycle(l.meta.cycle), l.meta.timeZone)
    if (
      rollovers >= ROLLOVERS_IN_ONE_STEP &&
      boundary <= target &&
      Object.keys(l.meta.reds).length === 0
    ) {
      await skipTo(l, cycleOf(target, l.meta.timeZone))
      break
    }
    const due = Object.entries(l.meta.reds).sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1))[0]
    if (due && due[1] <= target && due[1] <= boundary) {
      l.now = l.meta.now = Math.max(l.meta.now, due[1])
      const member = await l.member(due[0])
      if (member?.red) await endRed(l, member, 'partial')
      else delete l.meta.reds[due[0]]
    } else if (boundary <= target) {
      l.now = l.meta.now = Math.max(l.meta.now, boundary)
      await rollover(l)
      rollovers++
    } else {
      break
    }
  }
  l.now = l.meta.now = target
}

/**
 * Start of a new month: first the clearing of mutual obligations the past month's consents
 * allow (rules/clearing.ts: what it settles counts as confirmed in the past month); then
 * intentions lapse, monthly obligations made and confirmed in the past month are renewed as
 * intentions for members still collecting, obligations still open (or fulfilled but
 * unconfirmed) go to the overdue archive. Obligations towards a running emergency are due by
 * its deadline, not by the month's end.
 */
async function rollover(l: Ledger) {
  await runClearing(l)
  const past = l.meta.cycle
  const next = nextCycle(past)
  const renew = new Map<string, { from: string; to: string; amount: number; source: string }>()
  for (const { value: p } of await l.kv.list<Pledge>(keys.currentIns)) {
    if (p.kind === 'intention') {
      p.state = 'lapsed'
      p.closedAt = l.now
      await l.savePledge(p)
      await l.emit('intention.lapsed', [p.from], { subject: p.to, pledge: p.id, amount: p.amount })
    } else if (p.state === 'confirmed') {
      // Confirmed help stays in the picture while its emergency runs (it counts there).
      if (!(await runningRed(l, p))) await l.dropCurrent(p)
      // Steady support is what was given for the month now ending; an old debt paid late
      // is not a promise for the months to come.
      if (p.collection !== 'monthly' || p.cycle !== past) continue
      const pair = `${p.from}/${p.to}`
      const entry = renew.get(pair)
      if (entry) entry.amount += p.amount
      else renew.set(pair, { from: p.from, to: p.to, amount: p.amount, source: p.id })
    } else if (p.overdue || (await l.member(p.to))?.left) {
      // Already in the overdue archive; or nobody is left to confirm it: not chased.
      continue
    } else if (!(await runningRed(l, p))) {
      p.overdue = true
      p.overdueSince = l.now
      await l.savePledge(p)
      await l.emit('obligation.overdue', [p.from, p.to], {
        subject: p.to,
        pledge: p.id,
        amount: p.amount,
      })
    }
  }
  l.meta.cycle = next
  for (const r of [...renew.values()].sort((a, b) => (a.source < b.source ? -1 : 1))) {
    const [from, to] = [await l.member(r.from), await l.member(r.to)]
    if (!from || from.left || !to || to.left) continue
    const monthly = to.status === 'orange' || (to.status === 'red' && to.red?.previous === 'orange')
    if (!monthly) continue
    const id = pledgeIdOf(r.from, `r${next.replace('-', '')}${r.to.slice(0, 8)}`)
    // The id is also a valid op id, so the author may already have used it for a pledge of
    // their own (say an obligation): never overwrite one, or an author could erase what
    // they owe. They lose only the renewal of their own help.
    if (await l.pledge(id)) continue
    const pledge: Pledge = {
      id,
      kind: 'intention',
      state: to.status === 'orange' ? 'active' : 'frozen',
      from: r.from,
      to: r.to,
      amount: r.amount,
      note: '',
      collection: 'monthly',
      cycle: next,
      createdAt: l.now,
      overdue: false,
      renewedFrom: r.source,
    }
    await l.savePledge(pledge)
    await l.emit('intention.renewed', [r.from, r.to], {
      subject: r.to,
      pledge: pledge.id,
      amount: r.amount,
    })
  }
  await l.emit('cycle.started', [EVERYONE], { data: { cycle: next, past } })
}

/**
 * Starts `cycle` at once, months after the current one, when nothing is left that a month
 * start would change: one event says which months were passed over.
 */
async function skipTo(l: Ledger, cycle: string) {
  const past = l.meta.cycle
  const [y1, m1] = past.split('-').map(Number) as [number, number]
  const [y2, m2] = cycle.split('-').map(Number) as [number, number]
  const skipped = (y2 - y1) * 12 + (m2 - m1) - 1
  l.now = l.meta.now = Math.max(l.meta.now, cycleStart(cycle, l.meta.timeZone))
  l.meta.cycle = cycle
  await l.emit('cycle.started', [EVERYONE], { data: { cycle, past, skipped } })
}

async function runningRed(l: Ledger, p: Pledge): Promise<boolean> {
  if (p.collection === 'monthly') return false
  const to = await l.member(p.to)
  return to?.red?.id === p.collection
}
