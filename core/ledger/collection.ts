/**
 * A member's collection: how much they asked for, what is promised, what is still missing 🙏.
 * Pure functions over the pledges in the member's favour.
 */
import type { Member, Pledge } from './model.ts'

const COUNTS: ReadonlySet<string> = new Set(['open', 'fulfilled', 'confirmed'])

/** Pledges that count towards the member's running collection. */
export function collectionPledges(member: Member, incoming: Pledge[], cycle: string): Pledge[] {
  if (member.status === 'red' && member.red) {
    const id = member.red.id
    return incoming.filter((p) => p.collection === id)
  }
  if (member.status === 'orange') {
    return incoming.filter((p) => p.collection === 'monthly' && p.cycle === cycle)
  }
  return []
}

export interface CollectionProgress {
  /** 💰 the amount asked for (monthly amount or emergency amount); 0 when green. */
  goal: number
  /** ❤️ active intentions (frozen ones do not count). */
  intended: number
  /** 🤝 obligations in force, not yet confirmed. */
  committed: number
  /** 👍 confirmed obligations. */
  confirmed: number
  /** 🙏 goal minus every obligation (open, fulfilled, confirmed); never below 0. */
  missing: number
  /** Number of people in the member's circle of support. */
  supporters: number
}

export function collectionProgress(
  member: Member,
  incoming: Pledge[],
  cycle: string,
  supporters: number,
): CollectionProgress {
  const goal =
    member.status === 'red'
      ? (member.red?.amount ?? 0)
      : member.status === 'orange'
        ? member.monthly
        : 0
  const pledges = collectionPledges(member, incoming, cycle)
  let committed = 0
  let confirmed = 0
  for (const p of pledges) {
    if (p.kind !== 'obligation' || !COUNTS.has(p.state)) continue
    if (p.state === 'confirmed') confirmed += p.amount
    else committed += p.amount
  }
  let intended = 0
  if (member.status === 'orange') {
    for (const p of incoming) {
      if (p.kind === 'intention' && p.state === 'active') intended += p.amount
    }
  }
  return {
    goal,
    intended,
    committed,
    confirmed,
    missing: Math.max(0, goal - committed - confirmed),
    supporters,
  }
}
