/**
 * What I can do with one pledge, by my role in it (domain.md §4). As its author: change or
 * cancel an intention, turn it into an obligation, fulfil; remind the recipient to confirm.
 * As its recipient: ask to commit, ask to fulfil, confirm 👍, forgive. Which of them the
 * rules allow now is core's answer (core/ledger/actions.ts); this only shows them.
 * Irreversible steps ask first. Reusable wherever pledges are listed (member page, organizer).
 */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { Command } from '../../../core/api/contract.ts'
import { PLEDGE_ACTIONS, allowedActions, type PledgeAction } from '../../../core/ledger/actions.ts'
import { formatAmount, parseAmount } from '../../../core/ledger/format.ts'
import type { Pledge, Status } from '../../../core/ledger/model.ts'
import { useApi } from '../hooks.ts'
import { useNetwork } from '../network.tsx'
import { ConfirmButton, ErrorMessage } from './Feedback.tsx'

/** Steps that cannot be undone, or that end the other side's claim: asked twice. */
const IRREVERSIBLE = new Set<PledgeAction>([
  'cancel',
  'commit',
  'fulfilIntention',
  'fulfil',
  'confirm',
  'forgive',
])

const DANGER = new Set<PledgeAction>(['cancel', 'forgive'])

/**
 * The buttons for one pledge. `other` is the other member's name, used in the questions.
 * Errors from the node appear next to the buttons; a short note says what was done.
 */
export function PledgeActions(props: {
  pledge: Pledge
  me: string
  other: string
  /** The recipient's status, where the screen knows it (see allowedActions). */
  recipientStatus?: Status | undefined
}) {
  const { t } = useTranslation('member')
  const api = useApi()
  const { network } = useNetwork()
  const [error, setError] = useState<Error>()
  const [done, setDone] = useState('')
  const [busy, setBusy] = useState(false)
  const [changing, setChanging] = useState(false)
  const [amountText, setAmountText] = useState('')
  const { pledge } = props
  const actions = allowedActions(pledge, props.me, props.recipientStatus)
  const amount = formatAmount(pledge.amount, network.decimals)
  const vars = { name: props.other, amount, currency: network.currency }

  const act = async (action: PledgeAction, run: () => Promise<unknown>, done = vars) => {
    setBusy(true)
    setError(undefined)
    setDone('')
    try {
      await run()
      setDone(t(`actions.done.${action}`, done))
      return true
    } catch (err) {
      setError(err as Error)
      return false
    } finally {
      setBusy(false)
    }
  }

  const call = (action: Exclude<PledgeAction, 'change'>) => {
    const command: Command = PLEDGE_ACTIONS[action].op
    return act(action, () => api.call(command, { network: network.id, pledge: pledge.id }))
  }

  const submitChange = async (e: FormEvent) => {
    e.preventDefault()
    const minor = parseAmount(amountText, network.decimals)
    if (minor === null || minor <= 0) {
      setError(new Error(t('form.badAmount')))
      return
    }
    const ok = await act(
      'change',
      () => api.call('intention.change', { network: network.id, pledge: pledge.id, amount: minor }),
      { ...vars, amount: formatAmount(minor, network.decimals) },
    )
    if (ok) setChanging(false)
  }

  if (actions.length === 0) return null
  return (
    <div className="pledge-actions">
      {actions.map((action) =>
        action === 'change' ? (
          changing ? (
            <form key={action} onSubmit={submitChange} className="inline-form">
              <label>
                {t('actions.newAmount', { currency: network.currency })}{' '}
                <input
                  inputMode="decimal"
                  value={amountText}
                  autoFocus
                  onChange={(e) => setAmountText(e.target.value)}
                  required
                />
              </label>{' '}
              <button type="submit" className="primary" disabled={busy}>
                {t('common:save')}
              </button>{' '}
              <button type="button" onClick={() => setChanging(false)}>
                {t('common:cancel')}
              </button>
            </form>
          ) : (
            <button
              key={action}
              type="button"
              disabled={busy}
              onClick={() => {
                setAmountText(amount)
                setChanging(true)
              }}
            >
              {t('actions.change')}
            </button>
          )
        ) : IRREVERSIBLE.has(action) ? (
          <ConfirmButton
            key={action}
            label={t(`actions.${action}`)}
            question={t(`actions.ask.${action}`, vars)}
            disabled={busy}
            danger={DANGER.has(action)}
            onConfirm={() => call(action)}
          />
        ) : (
          <button key={action} type="button" disabled={busy} onClick={() => void call(action)}>
            {t(`actions.${action}`)}
          </button>
        ),
      )}
      <ErrorMessage error={error} />
      <p role="status" aria-live="polite" className="muted">
        {done}
      </p>
    </div>
  )
}
