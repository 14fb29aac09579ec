/**
 * A member's card: status, about, payment details while they ask for help, the display
 * conventions of domain.md §4 and the collection's progress, their relations, overdue
 * count, a Help link to invite friends for them, the form to promise help, and the
 * pledges between me and them with what I can do about each.
 */
import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import type { InviteInfo } from '../../../core/api/contract.ts'
import type { Pledge } from '../../../core/ledger/model.ts'
import type { MemberCard, Relations } from '../../../core/ledger/queries.ts'
import { CallFailed } from '../api.ts'
import { ErrorMessage, Loading, Section } from '../components/Feedback.tsx'
import { PledgeActions } from '../components/PledgeActions.tsx'
import { PledgeForm } from '../components/PledgeForm.tsx'
import { Progress } from '../components/Progress.tsx'
import { formatDate } from '../format.ts'
import { useAction, useApi, useQuery } from '../hooks.ts'
import { useMoney, useNetwork } from '../network.tsx'
import { InviteShare } from './Invites.tsx'
import { MemberLines } from './People.tsx'

const URL_PATTERN = /(https?:\/\/[^\s<>"']+)/g

/** An http(s) address in free text, without the punctuation that usually follows it. */
function safeUrl(raw: string): { href: string; tail: string } | null {
  const trimmed = raw.replace(/[.,;:!?)\]]+$/, '')
  try {
    const url = new URL(trimmed)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
    return { href: url.href, tail: raw.slice(trimmed.length) }
  } catch {
    return null
  }
}

/** Text with its web addresses as links that open outside the app. */
export function LinkifiedText({ text }: { text: string }) {
  const { t } = useTranslation('member')
  const parts: ReactNode[] = []
  text.split(URL_PATTERN).forEach((part, i) => {
    const url = i % 2 === 1 ? safeUrl(part) : null
    if (!url) {
      parts.push(part)
      return
    }
    parts.push(
      <a
        key={i}
        href={url.href}
        target="_blank"
        rel="noopener noreferrer external"
        title={t('externalLink')}
      >
        {part.slice(0, part.length - url.tail.length)}
      </a>,
      url.tail,
    )
  })
  return <>{parts}</>
}

function PaymentDetails({ card }: { card: MemberCard }) {
  const { t } = useTranslation('member')
  if (card.status === 'green' || !card.payment) return null
  if (card.payment.length === 0) return <p>{t('payment.askInPerson')}</p>
  // Both taken from `payment`: `defaultPayment` is a copy once it has crossed the WebSocket,
  // so it never equals an entry of the list.
  const main = card.payment.find((d) => d.isDefault) ?? card.payment[0]!
  const others = card.payment.filter((d) => d !== main)
  return (
    <>
      <dl className="payment">
        <dt>{main.label}</dt>
        <dd>
          <span className="payment-value">{main.value}</span>
        </dd>
      </dl>
      {others.length > 0 && (
        <details>
          <summary>{t('payment.others', { count: others.length })}</summary>
          <dl className="payment">
            {others.map((d) => (
              <div key={`${d.label}:${d.value}`}>
                <dt>{d.label}</dt>
                <dd>{d.value}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </>
  )
}

const RELATIONS = [
  'supporters',
  'supporting',
  'coSupporters',
  'supportersOfSupporters',
  'alsoSupportedBySupporters',
  'supportedBySupported',
] as const

type Names = Record<string, string>

function MemberList({ ids, names }: { ids: string[]; names: Names }) {
  const { t } = useTranslation('member')
  if (ids.length === 0) return <p className="muted">{t('relations.nobody')}</p>
  return (
    <ul className="inline-list">
      {ids.map((id) => (
        <li key={id}>
          <Link to={`/people/${id}`}>{names[id] ?? id.slice(0, 8)}</Link>
        </li>
      ))}
    </ul>
  )
}

function MemberRelations(props: {
  card: MemberCard
  isMe: boolean
  relations: Relations
  names: Names
}) {
  const { t } = useTranslation('member')
  const shown = props.isMe
    ? RELATIONS.map((k) => [k, props.relations[k]] as const)
    : ([
        ['supporters', props.card.supporters],
        ['supporting', props.card.supporting],
      ] as const)
  return (
    <>
      {shown.map(([key, ids]) => (
        <div key={key} className="relation">
          <h3>
            {t(`relations.${props.isMe ? 'me' : 'them'}.${key}`, { name: props.card.name })}{' '}
            <span className="muted">({ids.length})</span>
          </h3>
          <MemberList ids={ids} names={props.names} />
        </div>
      ))}
    </>
  )
}

function HelpLink({ card }: { card: MemberCard }) {
  const { t } = useTranslation('member')
  const api = useApi()
  const { network } = useNetwork()
  const [invite, setInvite] = useState<InviteInfo>()
  const create = useAction(() => api.call('invite.create', { network: network.id, for: card.id }))
  return (
    <>
      <p className="muted">{t('help.explain', { name: card.name })}</p>
      <button
        type="button"
        disabled={create.busy}
        onClick={async () => {
          const result = await create.run()
          if (result) setInvite(result)
        }}
      >
        {t('help.create')}
      </button>
      <ErrorMessage error={create.error} />
      {invite && (
        <div aria-live="polite">
          <InviteShare invite={invite} forName={card.name} />
        </div>
      )}
    </>
  )
}

function PledgeRow({ pledge, me, other }: { pledge: Pledge; me: string; other: MemberCard }) {
  const { t, i18n } = useTranslation('member')
  const money = useMoney()
  const mine = pledge.from === me
  const state = pledge.overdue ? 'overdue' : pledge.state
  return (
    <li className="card pledge">
      <p>
        <strong>
          {t(mine ? 'pledges.mine' : 'pledges.theirs', {
            kind: t(`common:kind.${pledge.kind}`),
            amount: money(pledge.amount),
            name: other.name,
          })}
        </strong>{' '}
        <span className="pledge-state">({t(`common:state.${state}`)})</span>
      </p>
      <p className="muted">
        {t('pledges.since', { date: formatDate(pledge.createdAt, i18n.language) })}
        {pledge.note && ` · ${pledge.note}`}
      </p>
      <PledgeActions
        pledge={pledge}
        me={me}
        other={other.name}
        recipientStatus={pledge.to === other.id ? other.status : undefined}
      />
    </li>
  )
}

export function MemberPage() {
  const { member = '' } = useParams()
  // A page per member: going to another one never shows the last one's answer meanwhile.
  return <Page key={member} member={member} />
}

function Page({ member }: { member: string }) {
  const { t, i18n } = useTranslation('member')
  const { network } = useNetwork()
  const state = useQuery('member.page', { network: network.id, member })
  const unknown = state.error instanceof CallFailed && state.error.code === 'unknown-member'

  if (unknown) {
    return (
      <>
        <h1>{t('notFound.title')}</h1>
        <p>{t('notFound.text')}</p>
        <Link to="/people">{t('notFound.back')}</Link>
      </>
    )
  }
  if (!state.data) return state.error ? <ErrorMessage error={state.error} /> : <Loading />
  const { card, relations, names, pledges: between } = state.data
  const me = network.me
  const isMe = card.id === me
  const open = between.filter((p) => p.state !== 'confirmed')
  const done = between.filter((p) => p.state === 'confirmed')
  const hasIntention = between.some(
    (p) =>
      p.from === me && p.kind === 'intention' && (p.state === 'active' || p.state === 'frozen'),
  )

  return (
    <article className="member-page">
      <p>
        <Link to="/people">{t('back')}</Link>
      </p>
      <h1>
        {card.name}
        {isMe && <span className="muted"> ({t('common:you')})</span>}
      </h1>
      <ErrorMessage error={state.error} />
      <p className="member-status">
        <strong>{t(`common:status.${card.status}`)}</strong>
        {card.red && (
          <>
            {' · '}
            {t('common:daysLeft', { count: card.red.daysLeft })}
          </>
        )}
      </p>
      {card.left && <p className="muted">{t('left')}</p>}
      {card.about && (
        <p className="about">
          <LinkifiedText text={card.about} />
        </p>
      )}
      <MemberLines card={card} />
      <p className="overdue">
        <span aria-hidden="true">⌛ </span>
        {t('overdue', { count: card.overdue })}
      </p>

      {card.status !== 'green' && !card.left && (
        <Section title={t(card.status === 'red' ? 'collection.red' : 'collection.orange')}>
          <Progress progress={card.progress} label={t('progressLabel', { name: card.name })} />
          {card.red && (
            <p>
              {t('collection.deadline', {
                date: formatDate(card.red.deadline, i18n.language, network.timeZone),
              })}
            </p>
          )}
          <h3>{t('payment.title')}</h3>
          <PaymentDetails card={card} />
        </Section>
      )}

      {!isMe && !card.left && (
        <Section title={t('give.title', { name: card.name })}>
          <PledgeForm card={card} me={me} hasIntention={hasIntention} pledges={between} />
        </Section>
      )}

      {!isMe && (
        <Section title={t('pledges.title')}>
          {open.length === 0 ? (
            <p className="muted">{t('pledges.none', { name: card.name })}</p>
          ) : (
            <ul className="pledge-list">
              {open.map((p) => (
                <PledgeRow key={p.id} pledge={p} me={me} other={card} />
              ))}
            </ul>
          )}
          {done.length > 0 && (
            <details>
              <summary>{t('pledges.archive', { count: done.length })}</summary>
              <ul className="pledge-list">
                {done.map((p) => (
                  <PledgeRow key={p.id} pledge={p} me={me} other={card} />
                ))}
              </ul>
            </details>
          )}
        </Section>
      )}

      <Section title={t('relations.title')}>
        <MemberRelations card={card} isMe={isMe} relations={relations} names={names} />
      </Section>

      {card.status !== 'green' && !card.left && (
        <Section title={t('help.title')}>
          <HelpLink card={card} />
        </Section>
      )}
    </article>
  )
}
