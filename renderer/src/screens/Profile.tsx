/**
 * My profile in the current network: first my status with its amount and deadline (§3), the
 * main thing someone in need comes here to change; then name and "about" (domain.md §2),
 * payment details, the UI language, and leaving the network (§9).
 */
import { useId, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { formatAmount, parseAmount } from '../../../core/ledger/format.ts'
import type { Status } from '../../../core/ledger/model.ts'
import {
  ABOUT_MAX,
  NAME_MAX,
  PAYMENT_DETAILS_MAX as PAYMENT_MAX,
  PAYMENT_LABEL_MAX as LABEL_MAX,
  PAYMENT_VALUE_MAX as VALUE_MAX,
  RED_DAYS_MAX,
} from '../../../core/ledger/limits.ts'
import type { PaymentDetail } from '../../../core/ledger/ops.ts'
import type { MemberCard } from '../../../core/ledger/queries.ts'
import { CallFailed } from '../api.ts'
import { LanguageSelect } from '../components/LanguageSelect.tsx'
import { ConfirmButton, ErrorMessage, Loading, Section } from '../components/Feedback.tsx'
import { useAction, useApi, useQuery } from '../hooks.ts'
import { useMoney, useNetwork } from '../network.tsx'

export function Profile() {
  const { t } = useTranslation('profile')
  const { network } = useNetwork()
  const query = useQuery('member.card', { network: network.id, member: network.me })
  // Not a member (any more): the node knows no card of mine.
  const absent = query.error instanceof CallFailed && query.error.code === 'unknown-member'

  if (query.error && !query.data && !absent) return <ErrorMessage error={query.error} />
  if (!query.data && !absent) return <Loading />
  const card = absent ? undefined : query.data
  const member = card && !card.left ? card : null

  return (
    <div className="profile">
      <h1>{t('title', { network: network.name })}</h1>
      <ErrorMessage error={absent ? undefined : query.error} />
      {member ? (
        <>
          <StatusForm card={member} />
          <AboutForm card={member} />
          <PaymentDetails card={member} />
        </>
      ) : (
        <div className="card" role="status">
          <p>{t('leave.left', { network: network.name })}</p>
          <p className="muted">{t('leave.history')}</p>
        </div>
      )}
      <LanguageChoice />
      {member && <LeaveNetwork />}
    </div>
  )
}

/**
 * A form's draft of what the node holds. When the node's value changes (a save arrived, or
 * the network changed it), the draft follows unless the person is editing it. Forms are
 * never remounted, so focus stays where it was.
 */
function useDraft<T>(fromNode: T) {
  const key = JSON.stringify(fromNode)
  const [seen, setSeen] = useState(key)
  const [draft, setDraft] = useState(fromNode)
  const [dirty, setDirty] = useState(false)
  if (key !== seen) {
    setSeen(key)
    if (!dirty) setDraft(fromNode)
  }
  return {
    draft,
    edit: (change: T | ((d: T) => T)) => {
      setDirty(true)
      setDraft(change)
    },
    /** Saved: the next value from the node replaces the draft. */
    saved: () => setDirty(false),
  }
}

// ---- name and about ----

function AboutForm({ card }: { card: MemberCard }) {
  const { t } = useTranslation('profile')
  const { network } = useNetwork()
  const api = useApi()
  const form = useDraft({ name: card.name, about: card.about })
  const { name, about } = form.draft
  const [saved, setSaved] = useState('')
  const nameId = useId()
  const aboutId = useId()
  const hintId = useId()
  const counterId = useId()
  const over = about.length - ABOUT_MAX
  const trimmed = name.trim()
  const changed = trimmed !== card.name || about !== card.about
  const save = useAction(async () => {
    await api.call('profile.set', {
      network: network.id,
      ...(trimmed !== card.name ? { name: trimmed } : {}),
      ...(about !== card.about ? { about } : {}),
    })
    form.saved()
    setSaved(t('about.saved'))
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (over > 0 || !trimmed || !changed) return
    void save.run()
  }

  return (
    <Section title={t('about.title')}>
      <form onSubmit={submit} className="profile-about">
        <p>
          <label htmlFor={nameId}>{t('about.name')}</label>
          <br />
          <input
            id={nameId}
            className="wide-input"
            value={name}
            maxLength={NAME_MAX}
            required
            aria-invalid={!trimmed}
            onChange={(e) => {
              form.edit({ name: e.target.value, about })
              setSaved('')
            }}
          />
        </p>
        <p>
          <label htmlFor={aboutId}>{t('about.about')}</label>
          <br />
          <textarea
            id={aboutId}
            value={about}
            rows={4}
            cols={50}
            aria-invalid={over > 0}
            aria-describedby={`${hintId} ${counterId}`}
            onChange={(e) => {
              form.edit({ name, about: e.target.value })
              setSaved('')
            }}
          />
        </p>
        <p id={hintId} className="muted">
          {t('about.hint', { max: ABOUT_MAX })}
        </p>
        <p
          id={counterId}
          aria-live="polite"
          className={over > 0 ? 'about-counter error' : 'about-counter muted'}
        >
          {t('about.counter', { count: about.length, max: ABOUT_MAX })}
          {over > 0 && <> — {t('about.tooLong', { count: over })}</>}
        </p>
        <button
          type="submit"
          className="primary"
          disabled={save.busy || over > 0 || !trimmed || !changed}
        >
          {t('about.save')}
        </button>
        <ErrorMessage error={save.error} />
        <p role="status" aria-live="polite">
          {saved}
        </p>
      </form>
    </Section>
  )
}

// ---- payment details ----

interface Draft extends PaymentDetail {
  key: number
}

function PaymentDetails({ card }: { card: MemberCard }) {
  const { t } = useTranslation('profile')
  const { network } = useNetwork()
  const api = useApi()
  const [next, setNext] = useState(0)
  const form = useDraft<Draft[]>((card.payment ?? []).map((d, i) => ({ ...d, key: -1 - i })))
  const rows = form.draft
  const setRows = form.edit
  const [problem, setProblem] = useState('')
  const [saved, setSaved] = useState('')
  const radioName = useId()
  const addButton = useRef<HTMLButtonElement>(null)
  const save = useAction(async (details: PaymentDetail[]) => {
    await api.call('payment.set', { network: network.id, details })
    form.saved()
    setSaved(t('payment.saved', { count: details.length }))
  })

  const edit = (key: number, change: Partial<PaymentDetail>) => {
    setSaved('')
    setRows((rs) =>
      rs.map((r) =>
        r.key === key ? { ...r, ...change } : change.isDefault ? { ...r, isDefault: false } : r,
      ),
    )
  }
  const add = () => {
    setSaved('')
    setRows((rs) => [...rs, { key: next, label: '', value: '', isDefault: rs.length === 0 }])
    setNext((n) => n + 1)
  }
  const remove = (key: number) => {
    setSaved('')
    setRows((rs) => {
      const left = rs.filter((r) => r.key !== key)
      if (left.length > 0 && !left.some((r) => r.isDefault))
        left[0] = { ...left[0]!, isDefault: true }
      return left
    })
    // The row and its button are gone: keep the keyboard in the list's form.
    addButton.current?.focus()
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const details = rows.map((r) => ({
      label: r.label.trim(),
      value: r.value.trim(),
      isDefault: r.isDefault,
    }))
    if (details.some((d) => !d.label || !d.value)) return setProblem(t('payment.incomplete'))
    if (details.length > 0 && details.filter((d) => d.isDefault).length !== 1)
      return setProblem(t('payment.oneDefault'))
    setProblem('')
    void save.run(details)
  }

  return (
    <Section title={t('payment.title')}>
      <p className="muted">{t('payment.explain')}</p>
      {card.payment === null && <p className="muted">{t('payment.hiddenWhileGreen')}</p>}
      <form onSubmit={submit} className="payment-details">
        {rows.length === 0 ? (
          <p>{t('payment.none')}</p>
        ) : (
          <ul className="payment-rows">
            {rows.map((r, i) => (
              <li key={r.key}>
                <fieldset>
                  <legend>{t('payment.detail', { n: i + 1 })}</legend>
                  <label>
                    {t('payment.label')}{' '}
                    <input
                      value={r.label}
                      maxLength={LABEL_MAX}
                      placeholder={t('payment.labelExample')}
                      onChange={(e) => edit(r.key, { label: e.target.value })}
                    />
                  </label>{' '}
                  <label>
                    {t('payment.value')}{' '}
                    <input
                      className="payment-value-input"
                      value={r.value}
                      maxLength={VALUE_MAX}
                      onChange={(e) => edit(r.key, { value: e.target.value })}
                    />
                  </label>{' '}
                  <label>
                    <input
                      type="radio"
                      name={radioName}
                      checked={r.isDefault}
                      onChange={() => edit(r.key, { isDefault: true })}
                    />{' '}
                    {t('payment.default')}
                  </label>{' '}
                  <button type="button" onClick={() => remove(r.key)}>
                    {t('payment.remove', { n: i + 1 })}
                  </button>
                </fieldset>
              </li>
            ))}
          </ul>
        )}
        <p>
          <button ref={addButton} type="button" onClick={add} disabled={rows.length >= PAYMENT_MAX}>
            {t('payment.add')}
          </button>{' '}
          <button type="submit" className="primary" disabled={save.busy}>
            {t('payment.save')}
          </button>
        </p>
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        <ErrorMessage error={save.error} />
        <p role="status" aria-live="polite">
          {saved}
        </p>
      </form>
    </Section>
  )
}

// ---- status ----

function StatusForm({ card }: { card: MemberCard }) {
  const { t } = useTranslation('profile')
  const { t: tc } = useTranslation('common')
  const { network } = useNetwork()
  const money = useMoney()
  const api = useApi()
  const current = card.status
  const startAmount =
    current === 'orange' ? card.monthly : current === 'red' ? (card.red?.amount ?? 0) : 0
  const form = useDraft({
    target: current as Status,
    amountText: startAmount > 0 ? formatAmount(startAmount, network.decimals) : '',
    daysText: current === 'red' && card.red ? String(Math.max(1, card.red.daysLeft)) : '',
  })
  const { target, amountText, daysText } = form.draft
  const [saved, setSaved] = useState('')
  const amountId = useId()
  const daysId = useId()
  const amountErrorId = useId()
  const daysErrorId = useId()
  const radioName = useId()

  const amount = parseAmount(amountText, network.decimals)
  const amountOk = amount !== null && amount > 0
  const days = /^\s*\d{1,2}\s*$/.test(daysText) ? Number(daysText) : NaN
  const daysOk = days >= 1 && days <= RED_DAYS_MAX
  const valid = target === 'green' || (target === 'orange' ? amountOk : amountOk && daysOk)
  const editing = target === current
  // The node refuses an orange "edit" to the same amount; a red one restarts the deadline.
  const unchanged = editing && current === 'orange' && amount === card.monthly

  const apply = useAction(async () => {
    if (target === 'green') await api.call('status.set', { network: network.id, status: 'green' })
    else if (target === 'orange')
      await api.call('status.set', { network: network.id, status: 'orange', amount: amount! })
    else
      await api.call('status.set', {
        network: network.id,
        status: 'red',
        amount: amount!,
        days,
      })
    form.saved()
    setSaved(t(editing ? 'status.updated' : 'status.changed', { status: tc(`status.${target}`) }))
  })

  const consequence = consequenceOf(current, target)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    // Changing status goes through the confirmation button; Enter only edits the amount.
    if (editing && target !== 'green' && valid && !unchanged) void apply.run()
  }

  return (
    <Section title={t('status.title')}>
      <div className={`card status-${current}`}>
        <p>
          {t('status.current')} <strong>{tc(`status.${current}`)}</strong>
        </p>
        {current === 'orange' && (
          <p>
            {t('status.monthly', { amount: money(card.monthly) })} · {card.lines.incoming}
          </p>
        )}
        {current === 'red' && card.red && (
          <p>
            {t('status.emergency', { amount: money(card.red.amount) })} ·{' '}
            {tc('daysLeft', { count: card.red.daysLeft })} · {card.lines.incoming}
          </p>
        )}
      </div>
      <form onSubmit={submit} className="status-form">
        <fieldset>
          <legend>{t('status.choose')}</legend>
          {(['green', 'orange', 'red'] as const).map((s) => (
            <p key={s}>
              <label>
                <input
                  type="radio"
                  name={radioName}
                  value={s}
                  checked={target === s}
                  onChange={() => {
                    form.edit({ ...form.draft, target: s })
                    setSaved('')
                  }}
                />{' '}
                {tc(`status.${s}`)}
              </label>
              <br />
              <span className="muted">{t(`status.meaning.${s}`)}</span>
            </p>
          ))}
        </fieldset>
        {target !== 'green' && (
          <p>
            <label htmlFor={amountId}>
              {t(target === 'orange' ? 'status.monthlyAmount' : 'status.redAmount', {
                currency: network.currency,
              })}
            </label>{' '}
            <input
              id={amountId}
              inputMode="decimal"
              value={amountText}
              aria-invalid={amountText !== '' && !amountOk}
              aria-describedby={amountText !== '' && !amountOk ? amountErrorId : undefined}
              onChange={(e) => {
                form.edit({ ...form.draft, amountText: e.target.value })
                setSaved('')
              }}
            />
            {amountText !== '' && !amountOk && (
              <span id={amountErrorId} role="alert" className="error">
                {' '}
                {t('status.badAmount')}
              </span>
            )}
          </p>
        )}
        {target === 'red' && (
          <p>
            <label htmlFor={daysId}>{t('status.days', { max: RED_DAYS_MAX })}</label>{' '}
            <input
              id={daysId}
              type="number"
              min={1}
              max={RED_DAYS_MAX}
              step={1}
              value={daysText}
              aria-invalid={daysText !== '' && !daysOk}
              aria-describedby={daysText !== '' && !daysOk ? daysErrorId : undefined}
              onChange={(e) => {
                form.edit({ ...form.draft, daysText: e.target.value })
                setSaved('')
              }}
            />
            {daysText !== '' && !daysOk && (
              <span id={daysErrorId} role="alert" className="error">
                {' '}
                {t('status.badDays', { max: RED_DAYS_MAX })}
              </span>
            )}
          </p>
        )}
        <div aria-live="polite" className="status-consequence">
          {consequence.map((key) => (
            <p key={key}>{t(`status.consequence.${key}`)}</p>
          ))}
          {editing && current === 'red' && <p>{t('status.consequence.redEdit')}</p>}
        </div>
        {editing ? (
          current !== 'green' && (
            <button type="submit" className="primary" disabled={!valid || unchanged || apply.busy}>
              {t('status.update')}
            </button>
          )
        ) : (
          <ConfirmButton
            label={t('status.change', { status: tc(`status.${target}`) })}
            question={t('status.confirm', { status: tc(`status.${target}`) })}
            disabled={!valid || apply.busy}
            onConfirm={() => apply.run()}
          />
        )}
        <ErrorMessage error={apply.error} />
        <p role="status" aria-live="polite">
          {saved}
        </p>
      </form>
    </Section>
  )
}

/** What a change of status does to the promises around me (domain.md §3). */
function consequenceOf(from: Status, to: Status): string[] {
  if (from === to) return []
  if (to === 'green') return ['toGreen']
  if (to === 'orange') return from === 'red' ? ['redToOrange'] : ['toOrange']
  return from === 'orange' ? ['toRed', 'redFreezes', 'redEnds'] : ['toRed', 'redEnds']
}

// ---- language ----

function LanguageChoice() {
  const { t } = useTranslation('profile')
  return (
    <Section title={t('language.title')}>
      <LanguageSelect label={t('language.label')} />
    </Section>
  )
}

// ---- leaving ----

function LeaveNetwork() {
  const { t } = useTranslation('profile')
  const { network } = useNetwork()
  const api = useApi()
  const leave = useAction(() => api.call('network.leave', { network: network.id }))
  return (
    <Section title={t('leave.title')}>
      <p>{t('leave.what')}</p>
      <ul>
        <li>{t('leave.intentions')}</li>
        <li>{t('leave.incoming')}</li>
        <li>{t('leave.profile')}</li>
        <li>{t('leave.owed')}</li>
      </ul>
      <p className="leave-warning">
        <strong>{t('leave.history')}</strong>
      </p>
      <ConfirmButton
        danger
        label={t('leave.button', { network: network.name })}
        question={t('leave.confirm', { network: network.name })}
        disabled={leave.busy}
        onConfirm={() => leave.run()}
      />
      <ErrorMessage error={leave.error} />
    </Section>
  )
}
