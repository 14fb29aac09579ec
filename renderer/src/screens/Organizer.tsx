/**
 * The organizer: every promise I made and every promise made to me, by what it waits for
 * (domain.md §4), with each step its side may take (components/PledgeActions.tsx, shared
 * with the member page). Irreversible steps ask first.
 */
import { useId, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { allowedActions } from '../../../core/ledger/actions.ts'
import type { Pledge } from '../../../core/ledger/model.ts'
import type { Named } from '../../../core/ledger/queries.ts'
import { ErrorMessage, Loading, Section } from '../components/Feedback.tsx'
import { PledgeActions } from '../components/PledgeActions.tsx'
import { formatCycle, formatDate } from '../format.ts'
import { useQuery } from '../hooks.ts'
import { useMoney, useNetwork } from '../network.tsx'

type Names = (id: string) => string

export function Organizer() {
  const { t } = useTranslation('organizer')
  const { network } = useNetwork()
  const state = useQuery('organizer', { network: network.id })

  if (state.error && !state.data) return <ErrorMessage error={state.error} />
  if (!state.data) return <Loading />

  const { organizer: org, me } = state.data
  const names = memberNames(state.data, (name) => t('leftMember', { name }))
  const item = (p: Pledge) => <PledgeItem key={p.id} pledge={p} me={me} names={names} />
  // A fulfilled promise waits for its 👍 and is listed there only; overdue ones are archived.
  const mine = org.myPromises.filter((p) => p.state !== 'fulfilled')
  const toMe = org.promisesToMe.filter((p) => p.state !== 'fulfilled')
  const toConfirm = org.toConfirm.filter((p) => !p.overdue)
  const theirs = org.awaitingTheirConfirmation.filter((p) => !p.overdue)

  return (
    <div className="organizer">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <ErrorMessage error={state.error} />

      <Section title={t('mine.title')}>
        <PledgeList items={mine} empty={t('mine.empty')} render={item} />
      </Section>

      <Section title={t('toMe.title')}>
        <PledgeList items={toMe} empty={t('toMe.empty')} render={item} />
      </Section>

      <Section title={t('awaiting.title')}>
        <SubSection title={t('awaiting.toConfirm')}>
          <PledgeList items={toConfirm} empty={t('awaiting.toConfirmEmpty')} render={item} />
        </SubSection>
        <SubSection title={t('awaiting.theirs')}>
          <PledgeList items={theirs} empty={t('awaiting.theirsEmpty')} render={item} />
        </SubSection>
      </Section>

      <Section title={t('fulfilled.title')}>
        <PledgeList items={org.fulfilled} empty={t('fulfilled.empty')} render={item} />
      </Section>

      <Section title={t('overdue.title')}>
        <p className="muted">{t('overdue.explain')}</p>
        <PledgeList items={org.overdue} empty={t('overdue.empty')} render={item} />
      </Section>
    </div>
  )
}

function memberNames(known: Named, left: (name: string) => string): Names {
  const gone = new Set(known.left)
  return (id) => {
    const name = known.names[id]
    if (name === undefined) return id.slice(0, 8)
    return gone.has(id) ? left(name) : name
  }
}

function SubSection(props: { title: string; children: ReactNode }) {
  const id = useId()
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{props.title}</h3>
      {props.children}
    </section>
  )
}

function PledgeList(props: { items: Pledge[]; empty: string; render: (p: Pledge) => ReactNode }) {
  if (props.items.length === 0) return <p className="muted">{props.empty}</p>
  return <ul className="pledges">{props.items.map(props.render)}</ul>
}

function PledgeItem(props: { pledge: Pledge; me: string; names: Names }) {
  const { pledge: p, me, names } = props
  const { t, i18n } = useTranslation('organizer')
  const { t: tc } = useTranslation('common')
  const { network } = useNetwork()
  const money = useMoney()
  const mine = p.from === me
  const other = mine ? p.to : p.from
  const otherName = names(other)
  const date = (ms: number | undefined) =>
    ms === undefined ? '' : formatDate(ms, i18n.language, network.timeZone)
  const summaryId = useId()

  return (
    <li className={`pledge card pledge-${p.kind}`}>
      <p id={summaryId} className="pledge-summary">
        <span className="pledge-direction">
          {mine ? (
            <>
              {t('you')} → <Link to={`/people/${other}`}>{otherName}</Link>
            </>
          ) : (
            <>
              <Link to={`/people/${other}`}>{otherName}</Link> → {t('toYou')}
            </>
          )}
        </span>{' '}
        <strong className="pledge-amount">{money(p.amount)}</strong>{' '}
        <span className="pledge-kind">{tc(`kind.${p.kind}`)}</span>
        {' · '}
        <span className="pledge-state">{tc(`state.${p.state}`)}</span>
        {p.overdue && (
          <>
            {' · '}
            <span className="pledge-overdue">{tc('state.overdue')}</span>
          </>
        )}
      </p>
      {p.note && <p className="pledge-note">{t('note', { note: p.note })}</p>}
      <p className="pledge-dates muted">
        {t('made', { date: date(p.createdAt) })}
        {p.clearedIn !== undefined ? (
          <> · {t('clearedIn', { month: formatCycle(p.clearedIn, i18n.language) })}</>
        ) : (
          <>
            {p.fulfilledAt !== undefined && <> · {t('given', { date: date(p.fulfilledAt) })}</>}
            {p.confirmedAt !== undefined && <> · {t('confirmed', { date: date(p.confirmedAt) })}</>}
          </>
        )}
        {p.cleared !== undefined && <> · {t('clearedPart', { amount: money(p.cleared) })}</>}
        {p.overdue && p.overdueSince !== undefined && (
          <> · {t('overdueSince', { date: date(p.overdueSince) })}</>
        )}
      </p>
      {p.state === 'frozen' && (
        <p className="muted">{t(mine ? 'frozenMine' : 'frozenToMe', { name: otherName })}</p>
      )}
      {allowedActions(p, me).length > 0 && (
        <div role="group" aria-labelledby={summaryId}>
          <PledgeActions pledge={p} me={me} other={otherName} />
        </div>
      )}
    </li>
  )
}
