/**
 * The clearing of mutual obligations (domain.md §6): members consent from the 25th to the end
 * of the month (`clearing.consent`, the last one counts), and the clearing runs once, when
 * network time passes the next month start, as the first thing of the rollover (rules/cycle.ts),
 * on every peer alike. Which obligations take part, in what order and up to what cap:
 * clearing.ts. The largest clearing and its certificate: core/clearing.
 *
 * What it does to an obligation: one cleared in full is confirmed by clearing (fulfilled and
 * confirmed, `clearedIn`); one cleared in part goes on owing the rest under its own id
 * (`amount` lowered, `cleared` raised), and the part cleared becomes an obligation of its own,
 * confirmed by clearing (`<id>.c<YYYYMM>`, `splitFrom`), made when and towards what the original
 * was. So every sum the cards, progress and archives make (open, confirmed, owed) stays right
 * without knowing about clearing: what was promised is still promised, part of it now given.
 */
import { clearable, clearingInput, clearingOf, percentBp } from '../clearing.ts'
import { clearingOpen } from '../cycle-time.ts'
import { reject, type Ledger, type MemberRules } from '../ledger.ts'
import {
  EVERYONE,
  keys,
  type ClearedRow,
  type ClearingConsent,
  type ClearingRun,
  type Member,
  type MemberClearing,
  type Pledge,
} from '../model.ts'
import type { OpOf } from '../ops.ts'
import { endRedIfReached } from './status.ts'

export async function clearingConsent(l: Ledger, author: Member, op: OpOf<'clearing.consent'>) {
  // As the rules date the op (its stamp, between network time and the next month start).
  if (!clearingOpen(l.now, l.meta.timeZone)) reject('clearing-closed')
  if (Array.isArray(op.obligations)) {
    for (const id of op.obligations) {
      const p = await l.requirePledge(id)
      if (p.kind !== 'obligation')
        reject('wrong-kind', { id, actual: p.kind, expected: 'obligation' })
      if (p.from !== author.id && p.to !== author.id) reject('clearing-not-yours', { id })
      if (!clearable(p)) reject('clearing-not-open', { id, state: p.state })
    }
  }
  const consent: ClearingConsent = {
    member: author.id,
    obligations: op.obligations,
    ...(op.cap !== undefined && op.obligations !== 'none' ? { cap: op.cap } : {}),
    at: l.now,
  }
  await l.kv.put(keys.consent(l.cycle, author.id), consent)
  l.touchClearing()
}

/** The id of the part a clearing of `cycle` settles of obligation `id`: no op id has a dot. */
export function clearedPartId(id: string, cycle: string): string {
  return `${id}.c${cycle.replace('-', '')}`
}

/**
 * Runs the clearing of the cycle that ends now (l.cycle, before the rollover moves on): at the
 * month start, l.now. Nothing happens unless someone consented. Never throws: a clearing that
 * cannot be made or checked is recorded as failed and changes nothing.
 */
export async function runClearing(l: Ledger): Promise<void> {
  const cycle = l.cycle
  const taken = await clearingInput(l.kv, cycle)
  if (taken.members === 0) return
  const { result, verified, failed } = clearingOf(taken.input)
  const apply = result !== null && verified
  const totals = result?.totals ?? { debt: 0, consented: 0, cleared: 0 }
  const perMember = new Map<string, MemberClearing>()
  const reds = new Set<string>()
  let reduced = 0
  if (apply) {
    for (const o of result.obligations) {
      if (o.cleared === 0) continue
      reduced++
      const p = taken.pledges.get(o.id)!
      const row: ClearedRow = {
        from: p.from,
        to: p.to,
        order: p.createdAt,
        amount: p.amount,
        cleared: o.cleared,
      }
      const piece = o.remaining === 0 ? undefined : clearedPartId(p.id, cycle)
      if (piece === undefined) await settle(l, p, cycle)
      else await split(l, p, piece, o.cleared, cycle)
      await l.kv.put(keys.clearedRow(cycle, p.id), row)
      for (const member of [p.from, p.to]) {
        const record = perMember.get(member) ?? { cycle, cleared: 0, pledges: [] }
        if (member === p.from) record.cleared += o.cleared
        record.pledges.push({
          id: p.id,
          cleared: o.cleared,
          remaining: o.remaining,
          ...(piece ? { piece } : {}),
        })
        perMember.set(member, record)
      }
      if (p.collection !== 'monthly') reds.add(p.to)
    }
  }
  const run: ClearingRun = {
    cycle,
    at: l.now,
    totals: apply ? totals : { ...totals, cleared: 0 },
    percentBp: apply ? percentBp(totals.cleared, totals.debt) : 0,
    members: taken.members,
    obligations: taken.input.length,
    reduced,
    chains: apply ? result.chains.length : 0,
    verified,
    ...(failed !== undefined ? { failed } : {}),
  }
  await l.kv.put(keys.clearingRun(cycle), run)
  for (const member of [...perMember.keys()].sort()) {
    const record = perMember.get(member)!
    await l.kv.put(keys.memberClearing(member, cycle), record)
    await l.emit('clearing.cleared', [member], {
      subject: member,
      amount: record.cleared,
      data: { cycle, obligations: record.pledges.length },
    })
  }
  if (taken.input.length > 0) {
    await l.emit('clearing.finished', [EVERYONE], {
      amount: run.totals.cleared,
      data: {
        cycle,
        debt: run.totals.debt,
        consented: run.totals.consented,
        percentBp: run.percentBp,
        members: run.members,
      },
    })
  }
  // Help confirmed by clearing counts towards an emergency as any confirmed help does.
  for (const id of [...reds].sort()) {
    const member = await l.member(id)
    if (member) await endRedIfReached(l, member)
  }
}

/** An obligation cleared in full: fulfilled and confirmed, by clearing. */
async function settle(l: Ledger, p: Pledge, cycle: string): Promise<void> {
  p.state = 'confirmed'
  p.fulfilledAt ??= l.now
  p.confirmedAt = l.now
  p.confirmedCycle = cycle
  p.clearedIn = cycle
  p.overdue = false
  await l.savePledge(p)
}

/**
 * An obligation cleared in part: it goes on owing the rest; the part cleared is an obligation
 * of its own (`piece`), confirmed by clearing, made when and towards what the original was.
 */
async function split(l: Ledger, p: Pledge, piece: string, cleared: number, cycle: string) {
  const part: Pledge = {
    id: piece,
    kind: 'obligation',
    state: 'confirmed',
    from: p.from,
    to: p.to,
    amount: cleared,
    note: p.note,
    collection: p.collection,
    cycle: p.cycle,
    createdAt: p.createdAt,
    ...(p.committedAt !== undefined ? { committedAt: p.committedAt } : {}),
    fulfilledAt: l.now,
    confirmedAt: l.now,
    confirmedCycle: cycle,
    overdue: false,
    clearedIn: cycle,
    splitFrom: p.id,
  }
  p.amount -= cleared
  p.cleared = (p.cleared ?? 0) + cleared
  await l.savePledge(p)
  await l.savePledge(part)
}

/** The member ops this file decides (see MemberRules). */
export const clearingRules = {
  'clearing.consent': clearingConsent,
} satisfies MemberRules
