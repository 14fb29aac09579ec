/**
 * Ledger events, notifications and the rules' reasons as sentences in an i18next instance's
 * language, without React: the page (components/EventText.ts, components/Reason.ts) and the
 * desktop shell (electron/desktop-text.ts, for OS notifications) say them alike.
 *
 * Events and notifications: every kind has its own template (namespace `notifications`, keys
 * `event.*`), with variants for "you did it" (`_byYou`) and "it is about you" (`_toYou`);
 * unknown kinds fall back to the node's English text. Reasons: the node gives a refusal's
 * code and values (core/errors.ts REASONS), and the `rejections` namespace has a sentence
 * for each code; a code this version does not know is said in the node's English.
 */
import type { i18n } from 'i18next'
import type { NotificationEntry } from '../../core/api/contract.ts'
import type { LedgerEvent } from '../../core/ledger/model.ts'
import { reasonText, type StoredRefusal } from '../../core/errors.ts'
import { formatCycle, formatPercentBp } from './format.ts'

/** What a sentence is made from: a ledger event or a notification. */
export type Describable = Pick<LedgerEvent, 'actor' | 'subject' | 'amount' | 'data'> & {
  kind: NotificationEntry['kind']
  text?: string
  /** Why my op was refused, for `op.refused`. */
  refusal?: StoredRefusal
  /** It asked me to act and no longer waits for me: said without the call to act. */
  answered?: boolean
}

/** What a sentence needs to know of its network, besides the event itself. */
export interface Speaking {
  /** This member's id in the network. */
  me: string
  networkName: string
  /** Member names; unknown members read as "someone". */
  nameOf: (id: string) => string | undefined
  /** Minor units in the network's currency; absent: a reason's amount stays as given. */
  money?: (minor: number) => string
}

/** Which template key (under `event.`) a kind and its data call for. */
function keyOf(e: Describable): string {
  const d = e.data ?? {}
  switch (e.kind) {
    case 'status.changed': {
      const status = d.status === 'orange' || d.status === 'red' ? d.status : 'green'
      return d.edited && status !== 'green' ? `status.${status}Edited` : `status.${status}`
    }
    case 'intention.cancelled':
      return e.actor ? 'intention.cancelled' : 'intention.cancelledAuto'
    case 'obligation.cancelled':
      return d.reason === 'recipient-left'
        ? 'obligation.cancelledLeft'
        : 'obligation.cancelledFunded'
    case 'red.ended':
      return d.outcome === 'success'
        ? 'red.endedSuccess'
        : d.outcome === 'partial'
          ? 'red.endedPartial'
          : 'red.endedStopped'
    default:
      return e.kind
  }
}

/** Values of a reason that are words of the app, said in the user's language. */
const WORDS = new Set(['kind', 'actual', 'expected', 'verb', 'role'])

export function reasonSentence(
  i18n: i18n,
  reason: StoredRefusal,
  money?: (minor: number) => string,
): string {
  if (typeof reason === 'string') return reason
  const values: Record<string, string> = {}
  for (const [name, value] of Object.entries(reason.params)) {
    const table =
      name === 'state'
        ? reason.code === 'intention-state'
          ? 'intentionState'
          : 'obligationState'
        : WORDS.has(name)
          ? name
          : null
    values[name] = table
      ? i18n.t(`rejections:words.${table}.${value}`, { defaultValue: String(value) })
      : name === 'amount' && money
        ? money(Number(value))
        : String(value)
  }
  return i18n.t(`rejections:${reason.code}`, { ...values, defaultValue: reasonText(reason) })
}

export function eventSentence(i18n: i18n, e: Describable, about: Speaking): string {
  const ns = { ns: 'notifications' }
  const money = about.money ?? String
  const someone = i18n.t('someone', ns)
  const name = (id: string | undefined) => (id ? (about.nameOf(id) ?? someone) : someone)
  const done = `done.${e.kind}`
  const key = e.answered && i18n.exists(done, ns) ? done : `event.${keyOf(e)}`
  if (!i18n.exists(key, ns)) return e.text ?? e.kind
  const context =
    e.actor === about.me && e.actor !== undefined
      ? 'byYou'
      : e.subject === about.me && e.subject !== undefined
        ? 'toYou'
        : undefined
  const d = e.data ?? {}
  return i18n.t(key, {
    ...ns,
    ...(context ? { context } : {}),
    actor: name(e.actor),
    subject: name(e.subject),
    amount: e.amount !== undefined ? money(e.amount) : '',
    confirmed: typeof d.confirmed === 'number' ? money(d.confirmed) : '',
    debt: typeof d.debt === 'number' ? money(d.debt) : '',
    percent: typeof d.percentBp === 'number' ? formatPercentBp(d.percentBp, i18n.language) : '',
    name: typeof d.name === 'string' ? d.name : about.networkName,
    cycle: typeof d.cycle === 'string' ? formatCycle(d.cycle, i18n.language) : '',
    reason: e.refusal ? reasonSentence(i18n, e.refusal, about.money) : '',
  })
}
