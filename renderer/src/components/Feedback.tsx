/** Errors, loading states and confirmations, the same way on every screen. */
import { useId, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { CallFailed } from '../api.ts'

/** An error as the user reads it: the node's errors that any screen can meet are translated. */
export function ErrorMessage({ error }: { error: Error | undefined }) {
  const { t } = useTranslation()
  if (!error) return null
  const text =
    error instanceof CallFailed
      ? t(`errors.${error.code}`, { defaultValue: error.message })
      : error.message
  return (
    <p role="alert" className="error">
      {text}
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
