/**
 * Ledger events and notifications as sentences in the UI language. The node's `text` field
 * is English only; here every kind has its own translated template (namespace
 * `notifications`, keys `event.*`), with variants for "you did it" (`_byYou`) and "it is
 * about you" (`_toYou`). Unknown kinds fall back to the node's English text.
 */
import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import type { NotificationEntry } from '../../../core/api/contract.ts'
import type { LedgerEvent } from '../../../core/ledger/model.ts'
import { formatCycle } from '../format.ts'
import { useMoney, useNetwork } from '../network.tsx'
import { useReason } from './Reason.ts'

/** What a sentence is made from: a ledger event or a notification. */
export type Describable = Pick<LedgerEvent, 'actor' | 'subject' | 'amount' | 'data'> & {
  kind: NotificationEntry['kind']
  text?: string
}

const ACTION_KINDS = new Set([
  'request.commit',
  'request.fulfil',
  'request.confirm',
  'intention.frozen',
  'intention.lapsed',
  'intention.renewed',
  'obligation.fulfilled',
  'obligation.overdue',
  'obligation.forgiven',
  'obligation.cancelled',
  'reminder.month-end',
  'clearing.open',
  'cycle.started',
  'op.refused',
])

/**
 * Where a notification or event leads: the organizer for anything about a promise to act
 * on, else the card of the other person involved.
 */
export function targetOf(e: Describable, me: string): string | null {
  if (ACTION_KINDS.has(e.kind)) return '/organizer'
  const other =
    e.actor && e.actor !== me ? e.actor : e.subject && e.subject !== me ? e.subject : null
  if (other) return `/people/${other}`
  if (e.kind.startsWith('intention.') || e.kind.startsWith('obligation.')) return '/organizer'
  return null
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

/**
 * Returns a function that turns an event or notification into a sentence. `nameOf` gives
 * member names (from the network state); unknown members read as "someone".
 */
export function useDescribe(nameOf: (id: string) => string | undefined) {
  const { t, i18n } = useTranslation('notifications')
  const { network } = useNetwork()
  const money = useMoney()
  const reason = useReason()
  const me = network.me
  return useCallback(
    (e: Describable): string => {
      const name = (id: string | undefined) => (id ? (nameOf(id) ?? t('someone')) : t('someone'))
      const key = `event.${keyOf(e)}`
      if (!i18n.exists(key, { ns: 'notifications' })) return e.text ?? e.kind
      const context =
        e.actor === me && e.actor !== undefined
          ? 'byYou'
          : e.subject === me && e.subject !== undefined
            ? 'toYou'
            : undefined
      const d = e.data ?? {}
      return t(key, {
        ...(context ? { context } : {}),
        actor: name(e.actor),
        subject: name(e.subject),
        amount: e.amount !== undefined ? money(e.amount) : '',
        confirmed: typeof d.confirmed === 'number' ? money(d.confirmed) : '',
        name: typeof d.name === 'string' ? d.name : network.name,
        cycle: typeof d.cycle === 'string' ? formatCycle(d.cycle, i18n.language) : '',
        reason: typeof d.reason === 'string' ? reason(d.reason) : '',
      })
    },
    [t, i18n, me, money, nameOf, network.name, reason],
  )
}
