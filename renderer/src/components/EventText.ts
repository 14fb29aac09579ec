/**
 * Ledger events and notifications as sentences in the UI language (sentences.ts, which the
 * desktop shell's notifications share), and where each leads.
 */
import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import { useMoney, useNetwork } from '../network.tsx'
import { eventSentence, type Describable } from '../sentences.ts'

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
  'cycle.started',
  'op.refused',
])

/**
 * Where a notification or event leads: the clearing screen for the clearing, the organizer for
 * anything about a promise to act on, else the card of the other person involved.
 */
export function targetOf(e: Describable, me: string): string | null {
  if (e.kind.startsWith('clearing.')) return '/clearing'
  if (ACTION_KINDS.has(e.kind)) return '/organizer'
  const other =
    e.actor && e.actor !== me ? e.actor : e.subject && e.subject !== me ? e.subject : null
  if (other) return `/people/${other}`
  if (e.kind.startsWith('intention.') || e.kind.startsWith('obligation.')) return '/organizer'
  return null
}

/**
 * Returns a function that turns an event or notification into a sentence. `nameOf` gives
 * member names (from the network state); unknown members read as "someone".
 */
export function useDescribe(nameOf: (id: string) => string | undefined) {
  const { i18n } = useTranslation('notifications')
  const { network } = useNetwork()
  const money = useMoney()
  return useCallback(
    (e: Describable): string =>
      eventSentence(i18n, e, { me: network.me, networkName: network.name, nameOf, money }),
    [i18n, network.me, network.name, nameOf, money],
  )
}
