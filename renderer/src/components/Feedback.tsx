/** Errors, loading states and confirmations, the same way on every screen. */
import { useId, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { CallFailed } from '../api.ts'
import { useReason } from './Reason.ts'

/**
 * An error as the user reads it, from its code, variant and values (core/errors.ts): a
 * refusal by the ledger rules says its reason (see useReason); an error this version has no
 * sentence for keeps the node's words.
 */
export function useErrorText(): (error: Error) => string {
  const { t } = useTranslation()
  const reason = useReason()
  return (error) => {
    if (!(error instanceof CallFailed)) return error.message
    if (error.code === 'rejected' && error.reason) return reason(error.reason)
    const said = t(`errors.${error.code}`, {
      ...error.params,
      ...(error.variant ? { context: error.variant } : {}),
      defaultValue: error.message,
    })
    // A value missing (an error from an older node): the node's words rather than a gap.
    return /\{\{\w+\}\}/.test(said) ? error.message : said
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
