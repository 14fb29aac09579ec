/**
 * Promising help to a member (domain.md §4): towards an orange member an intention ❤️
 * (revocable) or an obligation 🤝 (irrevocable); towards a red member an obligation only;
 * nothing towards a green member or oneself.
 */
import { useId, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { NOTE_MAX } from '../../../core/ledger/limits.ts'
import { parseAmount } from '../../../core/ledger/format.ts'
import type { Pledge, PledgeKind } from '../../../core/ledger/model.ts'
import type { MemberCard } from '../../../core/ledger/queries.ts'
import { useApi } from '../hooks.ts'
import { useMoney, useNetwork } from '../network.tsx'

export function PledgeForm(props: {
  card: MemberCard
  me: string
  /** I already hold a live intention towards this member: change that one instead. */
  hasIntention?: boolean
  /** The pledges between me and this member as they are now. */
  pledges: Pledge[]
}) {
  const { t } = useTranslation('member')
  const api = useApi()
  const money = useMoney()
  const { network } = useNetwork()
  const { card } = props
  const ids = useId()
  const intentionAllowed = card.status === 'orange' && !props.hasIntention
  const [chosen, setChosen] = useState<PledgeKind>('intention')
  const [amountText, setAmountText] = useState('')
  const [note, setNote] = useState('')
  const [error, setError] = useState<string>()
  /** The pledge this form recorded last, as the node returned it; `seen` once in `pledges`. */
  const [recorded, setRecorded] = useState<{ pledge: Pledge; seen: boolean } | null>(null)
  const [busy, setBusy] = useState(false)
  const current = recorded && props.pledges.find((p) => p.id === recorded.pledge.id)
  if (recorded && current && !recorded.seen) setRecorded({ ...recorded, seen: true })

  if (card.id === props.me || card.left) return null
  if (card.status === 'green') {
    return <p className="muted">{t('form.green', { name: card.name })}</p>
  }
  const kind: PledgeKind = intentionAllowed ? chosen : 'obligation'

  const describe = (p: Pledge) => {
    const vars = { name: card.name, amount: money(p.amount) }
    const asMade = p.kind === 'intention' ? p.state === 'active' : p.state === 'open'
    if (asMade && !p.overdue) return t(`form.done.${p.kind}`, vars)
    return t('form.now', { ...vars, state: t(`common:state.${p.overdue ? 'overdue' : p.state}`) })
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(undefined)
    setRecorded(null)
    const amount = parseAmount(amountText, network.decimals)
    if (amount === null || amount <= 0) {
      setError(t('form.badAmount'))
      return
    }
    setBusy(true)
    try {
      const params = {
        network: network.id,
        to: card.id,
        amount,
        ...(note.trim() ? { note: note.trim() } : {}),
      }
      const made = await api.call(
        kind === 'intention' ? 'intention.create' : 'obligation.create',
        params,
      )
      setAmountText('')
      setNote('')
      if (made.pledge) setRecorded({ pledge: made.pledge, seen: false })
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} className="pledge-form" aria-describedby={`${ids}-why`}>
      <p id={`${ids}-why`} className="muted">
        {card.status === 'red'
          ? t('form.redOnly', { name: card.name })
          : props.hasIntention
            ? t('form.hasIntention', { name: card.name })
            : t('form.orange', { name: card.name })}
      </p>
      {intentionAllowed && (
        <fieldset>
          <legend>{t('form.kind')}</legend>
          <label>
            <input
              type="radio"
              name={`${ids}-kind`}
              value="intention"
              checked={kind === 'intention'}
              onChange={() => setChosen('intention')}
            />{' '}
            {t('form.intention')}
          </label>
          <label>
            <input
              type="radio"
              name={`${ids}-kind`}
              value="obligation"
              checked={kind === 'obligation'}
              onChange={() => setChosen('obligation')}
            />{' '}
            {t('form.obligation')}
          </label>
          <p className="muted">{t(`form.explain.${kind}`)}</p>
        </fieldset>
      )}
      <p>
        <label>
          {t('form.amount', { currency: network.currency })}{' '}
          <input
            inputMode="decimal"
            autoComplete="off"
            value={amountText}
            onChange={(e) => setAmountText(e.target.value)}
            required
            aria-invalid={error ? true : undefined}
          />
        </label>
      </p>
      <p>
        <label>
          {t('form.note')}{' '}
          <input
            className="wide-input"
            value={note}
            maxLength={NOTE_MAX}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t('form.notePlaceholder')}
          />
        </label>
      </p>
      <button type="submit" className="primary" disabled={busy}>
        {t(`form.submit.${kind}`)}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p role="status" aria-live="polite" className="muted">
        {/* What is true of it now: it may have been committed, given, confirmed since; once
            gone from the pledges between us (cancelled, forgiven) there is nothing to say. */}
        {recorded && (current || !recorded.seen) && describe(current ?? recorded.pledge)}
      </p>
    </form>
  )
}
