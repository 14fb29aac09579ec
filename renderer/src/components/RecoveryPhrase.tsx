/**
 * The recovery phrase on screen (domain.md §12): its 24 words, numbered, and the form that
 * restores an identity from them. The words are English (BIP39) whatever the language of
 * the app, and marked so, for screen readers to say them right. There is no "Copy" button on
 * purpose: the phrase belongs on paper, not in a clipboard that other programs read.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { Results } from '../../../core/api/contract.ts'
import { useAction, useApi } from '../hooks.ts'
import { useErrorText } from './Feedback.tsx'
import { CodeField } from './CodeField.tsx'

/**
 * The words in order, as a numbered list laid out in columns; `label` names the list.
 * `focus`: the list takes the focus when it appears (shown on request, where the button
 * that asked for it is gone).
 */
export function PhraseWords(props: { words: string[]; label: string; focus?: boolean }) {
  const list = useRef<HTMLOListElement>(null)
  const focus = props.focus === true
  useEffect(() => {
    if (focus) list.current?.focus()
  }, [focus])
  return (
    <ol
      ref={list}
      tabIndex={focus ? -1 : undefined}
      className="phrase-words"
      aria-label={props.label}
      lang="en"
      style={{
        columns: '4 9rem',
        columnGap: '2rem',
        fontFamily: 'ui-monospace, monospace',
        fontSize: '1.05rem',
        lineHeight: 1.8,
      }}
    >
      {props.words.map((word, i) => (
        <li key={i}>{word}</li>
      ))}
    </ol>
  )
}

/**
 * A labelled field for the 24 words and a button that makes this install the person of
 * them. What is wrong with the words (the node says: a word, the count, the checksum) shows
 * next to the field. `onCancel`, when given, adds a button to go back.
 */
export function RestoreForm(props: {
  onRestored: (identity: Results['identity.restore']) => void
  onCancel?: () => void
}) {
  const { t } = useTranslation('firstRun')
  const api = useApi()
  const errorText = useErrorText()
  const id = useId()
  const [text, setText] = useState('')
  const restore = useAction((phrase: string) => api.call('identity.restore', { phrase }))
  const error = restore.busy ? undefined : restore.error
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const restored = await restore.run(text)
    if (restored) props.onRestored(restored)
  }
  return (
    <form onSubmit={submit}>
      <CodeField
        id={`${id}-phrase`}
        label={t('restore.label')}
        value={text}
        rows={4}
        error={error ? errorText(error) : undefined}
        hint={t('restore.hint')}
        onChange={(value) => {
          setText(value)
          restore.clearError()
        }}
      />
      <p>
        <button type="submit" className="primary" disabled={restore.busy || text.trim() === ''}>
          {t('restore.submit')}
        </button>{' '}
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            {t('restore.cancel')}
          </button>
        )}
      </p>
    </form>
  )
}
