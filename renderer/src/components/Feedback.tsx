/** Errors, loading states and confirmations, the same way on every screen. */
import { useContext, useId, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { explainReason } from '../../../core/ledger/reasons.ts'
import { CallFailed } from '../api.ts'
import { formatMoney } from '../format.ts'
import { NetworkContext } from '../network.tsx'

/** Values of a rejection reason that are words of the app, said in the user's language. */
const WORDS = new Set(['kind', 'actual', 'expected', 'verb', 'role'])

/**
 * An error as the user reads it: the node's errors that any screen can meet are translated,
 * and so is a refusal by the ledger rules (the node gives its English text, which the rules'
 * catalogue reads back into a code and values). Anything else keeps the node's words.
 */
export function useErrorText(): (error: Error) => string {
  const { t, i18n } = useTranslation()
  const network = useContext(NetworkContext)?.network
  return (error) => {
    if (!(error instanceof CallFailed)) return error.message
    const reason = error.code === 'rejected' ? explainReason(error.message) : null
    if (!reason) return t(`errors.${error.code}`, { defaultValue: error.message })
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
        ? t(`rejections:words.${table}.${value}`, { defaultValue: value })
        : name === 'amount' && network
          ? formatMoney(Number(value), network.currency, network.decimals, i18n.language)
          : value
    }
    return t(`rejections:${reason.code}`, { ...values, defaultValue: error.message })
  }
}

export function ErrorMessage({ error }: { error: Error | undefined }) {
  const text = useErrorText()
  if (!error) return null
  return (
    <p role="alert" className="error">
      {text(error)}
    </p>
  )
}

export function Loading() {
  const { t } = useTranslation()
  return (
    <p role="status" aria-live="polite" className="muted">
      {t('loading')}
    </p>
  )
}

/**
 * A button for an irreversible step: the first press asks, the second (on "Yes") acts.
 * Keyboard and screen-reader friendly: the question is announced and focus moves to it.
 */
export function ConfirmButton(props: {
  label: string
  question: string
  onConfirm: () => void | Promise<unknown>
  disabled?: boolean
  danger?: boolean
}) {
  const { t } = useTranslation()
  const [asking, setAsking] = useState(false)
  const id = useId()
  if (!asking) {
    return (
      <button
        type="button"
        disabled={props.disabled}
        className={props.danger ? 'danger' : undefined}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    )
  }
  return (
    <span role="group" aria-labelledby={id} className="confirm">
      <span id={id} role="alert">
        {props.question}
      </span>{' '}
      <button
        type="button"
        autoFocus
        className={props.danger ? 'danger' : 'primary'}
        onClick={async () => {
          setAsking(false)
          await props.onConfirm()
        }}
      >
        {t('yes')}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        {t('no')}
      </button>
    </span>
  )
}

export function Section(props: { title: string; children: ReactNode; id?: string }) {
  const id = useId()
  return (
    <section aria-labelledby={props.id ?? id}>
      <h2 id={props.id ?? id}>{props.title}</h2>
      {props.children}
    </section>
  )
}
