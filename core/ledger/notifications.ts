/**
 * Notifications (domain.md §10) for the local member, derived from the ledger's events and
 * from the local clock. They are never written to the shared log; the node keeps their
 * read/unread state locally.
 */
import { reasonText, type StoredRefusal } from '../errors.ts'
import { clearingOpen, dayOfMonth } from './cycle-time.ts'
import { formatAmount } from './format.ts'
import {
  isFor,
  type LedgerEvent,
  type Member,
  type NetworkMeta,
  type Pledge,
  type Rejection,
} from './model.ts'

export interface Notification {
  id: string
  kind: LedgerEvent['kind'] | 'reminder.month-end' | 'clearing.open' | 'op.refused'
  at: number
  actor?: string
  subject?: string
  pledge?: string
  amount?: number
  data?: LedgerEvent['data']
  /**
   * Names of the members it is about (actor, subject), as they were when it was made: what a
   * sentence in another language needs besides the rest (the desktop shell has no member list).
   */
  names?: Record<string, string>
  /**
   * It asked me to act on its pledge (confirm, answer a request...) and the pledge no longer
   * waits for that: it is told as what happened, without the call to act (see answered).
   */
  answered?: boolean
  /** Why my op was refused (`op.refused`), as a reason code and its values. */
  refusal?: StoredRefusal
  /** English text for the CLI; the UI and the desktop shell say it in the user's language. */
  text: string
}

/** Whether event `e` is news for member `me`: never their own actions, nor what came before they joined. */
export function concerns(e: LedgerEvent, me: Member): boolean {
  if (e.actor === me.id || e.seq <= me.joinedEvent) return false
  return isFor(e, me.id)
}

type Names = (id: string | undefined) => string

function describe(e: LedgerEvent, me: string, name: Names, amount: (n?: number) => string): string {
  const actor = name(e.actor)
  const subject = e.subject === me ? 'you' : name(e.subject)
  const sum = amount(e.amount)
  const d = e.data ?? {}
  switch (e.kind) {
    case 'network.created':
      return `Network ${String(d.name)} created`
    case 'member.joined':
      return `${actor} joined the network`
    case 'member.left':
      return `${actor} left the network`
    case 'device.linked':
      return 'A new device was linked to your membership'
    case 'device.unlinked':
      return 'A device was unlinked from your membership'
    case 'member.rekeyed':
      return 'Your recovery phrase was changed: the old one no longer works'
    case 'status.changed':
      if (d.status === 'orange') return `${subject} needs monthly support of ${sum}`
      if (d.status === 'red') return `${subject} needs emergency help: ${sum}`
      return `${subject} no longer needs help`
    case 'intention.created':
      return `${actor} intends to give ${sum} to ${subject}`
    case 'intention.changed':
      return `${actor} changed their intention towards ${subject} to ${sum}`
    case 'intention.cancelled':
      return e.actor
        ? `${actor} cancelled an intention of ${sum} towards ${subject}`
        : `An intention of ${sum} towards ${subject} was cancelled`
    case 'intention.frozen':
      return `${subject} now needs emergency help: turn your intention of ${sum} into an obligation towards the emergency?`
    case 'intention.revived':
      return `Your intention of ${sum} towards ${subject} counts again`
    case 'intention.lapsed':
      return `Your intention of ${sum} towards ${subject} lapsed at the end of the month`
    case 'intention.renewed':
      return `Monthly support of ${sum} towards ${subject} was renewed as an intention`
    case 'obligation.created':
      return `${actor} promised ${sum} to ${subject}`
    case 'obligation.fulfilled':
      return `${actor} marked ${sum} to ${subject} as given: please confirm`
    case 'obligation.confirmed':
      return `${actor} confirmed receiving ${sum}`
    case 'obligation.forgiven':
      return `${actor} released you from an obligation of ${sum}`
    case 'obligation.cancelled':
      return d.reason === 'recipient-left'
        ? `Your obligation of ${sum} towards ${subject} was cancelled: they left the network`
        : `An obligation of ${sum} towards ${subject} was cancelled: the emergency is funded`
    case 'obligation.overdue':
      return `An obligation of ${sum} towards ${subject} is overdue`
    case 'request.commit':
      return `${actor} asks you to turn your intention of ${sum} into an obligation`
    case 'request.fulfil':
      return `${actor} asks you to give the ${sum} you promised (within 24 hours, or agree a date)`
    case 'request.confirm':
      return `${actor} reminds you to confirm receiving ${sum}`
    case 'red.ended':
      return d.outcome === 'success'
        ? `${subject}'s emergency is funded: thank you`
        : `${subject}'s emergency ended with ${amount(Number(d.confirmed))} of ${sum} confirmed`
    case 'cycle.started':
      return `A new monthly cycle started: ${String(d.cycle)}`
    case 'clearing.cleared':
      return `Clearing settled ${sum} of your obligations, and as much of what others owe you`
    case 'clearing.finished':
      return (
        `Clearing of ${String(d.cycle)}: ${sum} of ${amount(Number(d.debt))} in consented ` +
        `obligations settled (${percentText(Number(d.percentBp))})`
      )
  }
}

/** Hundredths of a percent as a person reads them: 4790 → "47.9%". */
export function percentText(bp: number): string {
  return `${Number.isFinite(bp) ? bp / 100 : 0}%`
}

/** What an event that asked me to act says once answered (see Notification.answered). */
function describeDone(e: LedgerEvent, me: string, name: Names, sum: string): string | null {
  const subject = e.subject === me ? 'you' : name(e.subject)
  switch (e.kind) {
    case 'obligation.fulfilled':
      return `${name(e.actor)} marked ${sum} to ${subject} as given`
    case 'intention.frozen':
      return `${subject} needed emergency help: your intention of ${sum} was put on hold`
    case 'request.commit':
      return `${name(e.actor)} asked you to turn your intention of ${sum} into an obligation`
    case 'request.fulfil':
      return `${name(e.actor)} asked you to give the ${sum} you promised`
    case 'request.confirm':
      return `${name(e.actor)} reminded you to confirm receiving ${sum}`
    default:
      return null
  }
}

/**
 * My notifications of `events`; `answered` tells which of those that asked me to act no
 * longer wait for me (see actions.ts answered): they are told without the call to act.
 */
export function notificationsFor(
  events: LedgerEvent[],
  me: Member,
  meta: NetworkMeta,
  nameOf: (id: string) => string | undefined,
  answered: (e: LedgerEvent) => boolean = () => false,
): Notification[] {
  const name: Names = (id) => (id ? (nameOf(id) ?? id.slice(0, 8)) : 'someone')
  const amount = (n?: number) =>
    n === undefined ? '' : `${formatAmount(n, meta.decimals)} ${meta.currency}`
  const namesOf = (e: LedgerEvent) => {
    const names: Record<string, string> = {}
    for (const id of [e.actor, e.subject]) {
      const known = id === undefined ? undefined : nameOf(id)
      if (id !== undefined && known !== undefined) names[id] = known
    }
    return Object.keys(names).length > 0 ? { names } : {}
  }
  return events
    .filter((e) => concerns(e, me))
    .map((e) => {
      const done = answered(e) ? describeDone(e, me.id, name, amount(e.amount)) : null
      return {
        id: e.id,
        kind: e.kind,
        at: e.at,
        ...(e.actor ? { actor: e.actor } : {}),
        ...(e.subject ? { subject: e.subject } : {}),
        ...(e.pledge ? { pledge: e.pledge } : {}),
        ...(e.amount !== undefined ? { amount: e.amount } : {}),
        ...(e.data ? { data: e.data } : {}),
        ...namesOf(e),
        ...(done ? { answered: true } : {}),
        text: done ?? describe(e, me.id, name, amount),
      }
    })
}

/**
 * Reminders from the local clock: three days before the month ends, authors of open
 * obligations are reminded; from the 25th, clearing is open. Ids repeat within a cycle so
 * the node shows each once.
 */
export function calendarNotifications(
  now: number,
  meta: NetworkMeta,
  myOpen: Pledge[],
): Notification[] {
  const { day, daysInMonth } = dayOfMonth(now, meta.timeZone)
  const out: Notification[] = []
  if (clearingOpen(now, meta.timeZone)) {
    out.push({
      id: `clearing.open:${meta.cycle}`,
      kind: 'clearing.open',
      at: now,
      text: 'Clearing of mutual obligations is open until the end of the month',
    })
  }
  const open = myOpen.filter(
    (p) =>
      p.kind === 'obligation' && p.state === 'open' && !p.overdue && p.collection === 'monthly',
  )
  if (day > daysInMonth - 3 && open.length > 0) {
    const total = open.reduce((n, p) => n + p.amount, 0)
    out.push({
      id: `reminder.month-end:${meta.cycle}`,
      kind: 'reminder.month-end',
      at: now,
      amount: total,
      text: `The month ends in ${daysInMonth - day + 1} days: ${open.length} of your obligations (${formatAmount(total, meta.decimals)} ${meta.currency}) are still open`,
    })
  }
  return out
}

/**
 * My ops that the rules refused once they were in the shared log (see NotificationFeed):
 * those `mine` wrote, the writer keys of my devices (a member's ops come from any of them).
 * `refusal` is the refusal's code and values, which apps say in their user's language; the
 * English text gives an amount in the network's units when `meta` is known.
 */
export function refusalNotifications(
  rejections: Rejection[],
  mine: readonly string[],
  meta?: NetworkMeta | null,
): Notification[] {
  const said = (reason: StoredRefusal) => {
    if (!meta || typeof reason === 'string' || reason.params.amount === undefined)
      return reasonText(reason)
    const amount = `${formatAmount(Number(reason.params.amount), meta.decimals)} ${meta.currency}`
    return reasonText({ ...reason, params: { ...reason.params, amount } })
  }
  return rejections
    .filter((r) => mine.includes(r.author))
    .map((r) => ({
      id: `refused:${r.ref}`,
      kind: 'op.refused' as const,
      at: r.at,
      data: { type: r.type },
      refusal: r.reason,
      text: `Your ${r.type ?? 'entry'} did not count: ${said(r.reason)}`,
    }))
}
