/**
 * Home: my status and my collection's progress, who needs help now (emergencies first),
 * what awaits my action (confirmations to give, requests addressed to me, obligations I have
 * still to give with their deadlines, reminders), and recent activity. Everything comes from
 * the live `home` query (not the whole network's state), so it follows the peers.
 */
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { HomeState, NotificationEntry } from '../../../core/api/contract.ts'
import { answered } from '../../../core/ledger/actions.ts'
import { isFor, type LedgerEvent, type Pledge } from '../../../core/ledger/model.ts'
import type { MemberCard, Organizer, Owed } from '../../../core/ledger/queries.ts'
import { CallFailed } from '../api.ts'
import { useDescribe } from '../components/EventText.ts'
import { ConfirmButton, ErrorMessage, Loading, Section } from '../components/Feedback.tsx'
import { Progress, useConventions } from '../components/Progress.tsx'
import { formatDate, formatDateTime } from '../format.ts'
import { useAction, useApi, useQuery } from '../hooks.ts'
import { useMoney, useNetwork } from '../network.tsx'

const REQUEST_KINDS = new Set(['request.commit', 'request.fulfil', 'intention.frozen'])
const REMINDER_KINDS = new Set(['reminder.month-end', 'clearing.open'])
const RECENT = 10

export function Home() {
  const { t } = useTranslation('home')
  const { network } = useNetwork()
  const state = useQuery('home', { network: network.id })
  const names = state.data?.names
  const nameOf = useMemo(() => (id: string) => names?.[id], [names])

  if (!state.data) {
    if (state.error instanceof CallFailed && state.error.code === 'not-synced') {
      return (
        <p role="status" aria-live="polite" className="muted">
          {t('syncing')}
        </p>
      )
    }
    return state.error ? <ErrorMessage error={state.error} /> : <Loading />
  }
  const s = state.data
  const me = s.home.me
  return (
    <article aria-labelledby="home-title" className="home">
      <h1 id="home-title">{t('title')}</h1>
      <p className="muted">{t('greeting', { name: me?.name ?? '', network: s.meta.name })}</p>
      {me && <MyStatus card={me} />}
      <NeedsHelp
        cards={s.home.needsHelp}
        total={s.needsHelpTotal}
        meAsking={me !== null && me.status !== 'green' && !me.left}
      />
      <AwaitingMe state={s} nameOf={nameOf} />
      <Recent events={s.home.recent} me={s.me} nameOf={nameOf} organizer={s.organizer} />
    </article>
  )
}

function MyStatus({ card }: { card: MemberCard }) {
  const { t } = useTranslation(['home', 'common'])
  const money = useMoney()
  const lines = useConventions()
  return (
    <Section title={t('me.title')}>
      <div className={`card status-${card.status}`}>
        <p className="home-status">
          <strong>{t(`common:status.${card.status}`)}</strong>
          {card.status === 'orange' && <> · {t('me.monthly', { amount: money(card.monthly) })}</>}
          {card.red && (
            <>
              {' '}
              · {t('me.emergency', { amount: money(card.red.amount) })} ·{' '}
              {t('common:daysLeft', { count: card.red.daysLeft })}
            </>
          )}
        </p>
        {card.status !== 'green' && (
          <Progress
            progress={card.progress}
            line={lines.incoming(card.progress)}
            label={t('me.collection')}
          />
        )}
        <p>
          {card.outgoing.people > 0 ? (
            <>
              <span aria-hidden="true">
                {t('me.supporting', { line: lines.outgoing(card.outgoing) })}
              </span>
              <span className="visually-hidden">
                {t('me.supportingSpoken', {
                  count: card.outgoing.people,
                  intended: money(card.outgoing.intended),
                  committed: money(card.outgoing.committed),
                  confirmed: money(card.outgoing.confirmed),
                })}
              </span>
            </>
          ) : (
            <span className="muted">{t('me.notSupporting')}</span>
          )}
        </p>
        <p>
          <Link to="/profile">{t('me.changeStatus')}</Link>
        </p>
      </div>
    </Section>
  )
}

/** `meAsking`: I ask for help myself, so "nobody is asking" would not be true. */
function NeedsHelp({
  cards,
  total,
  meAsking,
}: {
  cards: MemberCard[]
  total: number
  meAsking: boolean
}) {
  const { t } = useTranslation('home')
  const money = useMoney()
  const lines = useConventions()
  return (
    <Section title={t('needs.title')}>
      {cards.length === 0 ? (
        <p className="muted">{t(meAsking ? 'needs.emptyButMe' : 'needs.empty')}</p>
      ) : (
        <ol className="needs-help">
          {cards.map((c) => (
            <li key={c.id} className={`card status-${c.status}`}>
              {c.red ? (
                <Link
                  to={`/people/${c.id}`}
                  aria-label={t('needs.redSpoken', {
                    name: c.name,
                    missing: money(c.progress.missing),
                    count: c.red.daysLeft,
                  })}
                >
                  {lines.emergency(c.name, c.progress.missing, c.red.daysLeft)}
                </Link>
              ) : (
                <Link
                  to={`/people/${c.id}`}
                  aria-label={t('needs.orangeSpoken', {
                    name: c.name,
                    count: c.progress.supporters,
                    intended: money(c.progress.intended),
                    missing: money(c.progress.missing),
                  })}
                >
                  {t('needs.monthly', { name: c.name, line: lines.incoming(c.progress) })}
                </Link>
              )}
            </li>
          ))}
        </ol>
      )}
      {total > cards.length && (
        <p>
          <Link to="/people">{t('needs.more', { count: total - cards.length })}</Link>
        </p>
      )}
    </Section>
  )
}

/** The latest request per pledge that still asks something of me. */
function openRequests(state: HomeState): NotificationEntry[] {
  const mine = new Map(state.organizer.myPromises.map((p) => [p.id, p]))
  for (const p of state.organizer.overdue) if (p.from === state.me) mine.set(p.id, p)
  const seen = new Set<string>()
  const out: NotificationEntry[] = []
  for (const n of [...state.notifications].sort((a, b) => b.at - a.at)) {
    if (!REQUEST_KINDS.has(n.kind) || !n.pledge || seen.has(n.pledge)) continue
    const p = mine.get(n.pledge)
    const pending =
      p &&
      ((n.kind === 'request.commit' &&
        p.kind === 'intention' &&
        (p.state === 'active' || p.state === 'frozen')) ||
        (n.kind === 'intention.frozen' && p.kind === 'intention' && p.state === 'frozen') ||
        (n.kind === 'request.fulfil' && p.kind === 'obligation' && p.state === 'open'))
    if (!pending) continue
    seen.add(n.pledge)
    out.push(n)
  }
  return out
}

function AwaitingMe({
  state,
  nameOf,
}: {
  state: HomeState
  nameOf: (id: string) => string | undefined
}) {
  const { t } = useTranslation('home')
  const describe = useDescribe(nameOf)
  const toConfirm = state.organizer.toConfirm
  const requests = openRequests(state)
  const reminders = state.notifications.filter((n) => REMINDER_KINDS.has(n.kind))
  const overdue = state.organizer.overdue.filter((p) => p.from === state.me).length
  const reminded = new Map<string, string>()
  for (const n of state.notifications)
    if (n.kind === 'request.confirm' && n.pledge && n.actor) reminded.set(n.pledge, n.actor)
  const promises = new Map(state.organizer.myPromises.map((p) => [p.id, p]))
  // An obligation someone asked me to give is already listed with that request.
  const asked = new Set(requests.map((n) => n.pledge))
  const owed = state.home.owed.filter((o) => !asked.has(o.pledge.id))
  const nothing =
    toConfirm.length + requests.length + owed.length + reminders.length + overdue === 0

  return (
    <Section title={t('actions.title')}>
      {nothing && <p className="muted">{t('actions.none')}</p>}
      {toConfirm.length > 0 && (
        <>
          <h3>{t('actions.confirmations')}</h3>
          <ul className="action-list">
            {toConfirm.map((p) => (
              <ToConfirm
                key={p.id}
                pledge={p}
                name={nameOf(p.from) ?? '?'}
                reminded={reminded.has(p.id)}
              />
            ))}
          </ul>
        </>
      )}
      {requests.length > 0 && (
        <>
          <h3>{t('actions.requests')}</h3>
          <ul className="action-list">
            {requests.map((n) => (
              <RequestItem
                key={n.id}
                entry={n}
                text={describe(n)}
                pledge={promises.get(n.pledge!)}
                name={nameOf(n.subject ?? '') ?? '?'}
              />
            ))}
          </ul>
        </>
      )}
      {owed.length > 0 && (
        <>
          <h3>{t('actions.owed')}</h3>
          <ul className="action-list">
            {owed.map((o) => (
              <OwedItem key={o.pledge.id} owed={o} name={nameOf(o.pledge.to) ?? '?'} />
            ))}
          </ul>
        </>
      )}
      {(reminders.length > 0 || overdue > 0) && (
        <>
          <h3>{t('actions.reminders')}</h3>
          <ul className="action-list">
            {overdue > 0 && (
              <li>
                <Link to="/organizer">{t('actions.overdue', { count: overdue })}</Link>
              </li>
            )}
            {reminders.map((n) => (
              <li key={n.id}>
                <Link to="/organizer">{describe(n)}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  )
}

function ToConfirm({
  pledge,
  name,
  reminded,
}: {
  pledge: Pledge
  name: string
  reminded: boolean
}) {
  const { t } = useTranslation('home')
  const api = useApi()
  const money = useMoney()
  const { network } = useNetwork()
  const confirm = useAction(() =>
    api.call('obligation.confirm', { network: network.id, pledge: pledge.id }),
  )
  const amount = money(pledge.amount)
  return (
    <li className="card">
      <p>
        {t('actions.toConfirm', { name, amount })}
        {reminded && <span className="muted"> · {t('actions.reminded', { name })}</span>}
      </p>
      {pledge.note && <p className="muted">{t('note', { note: pledge.note })}</p>}
      <ConfirmButton
        label={t('actions.confirm')}
        question={t('actions.confirmQuestion', { name, amount })}
        disabled={confirm.busy}
        onConfirm={() => confirm.run()}
      />
      <ErrorMessage error={confirm.error} />
    </li>
  )
}

function OwedItem({ owed, name }: { owed: Owed; name: string }) {
  const { t, i18n } = useTranslation(['home', 'common'])
  const api = useApi()
  const money = useMoney()
  const { network } = useNetwork()
  const { pledge } = owed
  const fulfil = useAction(() =>
    api.call('obligation.fulfil', { network: network.id, pledge: pledge.id }),
  )
  const amount = money(pledge.amount)
  // `due` is the first instant too late: the date shown is the last day to give it.
  const date = formatDate(owed.due - 1, i18n.language, network.timeZone)
  return (
    <li className={owed.emergency ? 'card status-red' : 'card'}>
      <p>
        {owed.emergency
          ? t('actions.owedEmergency', {
              name,
              amount,
              date,
              days: t('common:daysLeft', { count: owed.daysLeft }),
            })
          : t('actions.owedMonthly', { name, amount, date })}
      </p>
      {pledge.note && <p className="muted">{t('note', { note: pledge.note })}</p>}
      <ConfirmButton
        label={t('actions.fulfil')}
        question={t('actions.fulfilQuestion', { name, amount })}
        disabled={fulfil.busy}
        onConfirm={() => fulfil.run()}
      />{' '}
      <Link to="/organizer">{t('actions.openOrganizer')}</Link>
      <ErrorMessage error={fulfil.error} />
    </li>
  )
}

function RequestItem(props: {
  entry: NotificationEntry
  text: string
  pledge: Pledge | undefined
  name: string
}) {
  const { t } = useTranslation('home')
  const api = useApi()
  const money = useMoney()
  const { network } = useNetwork()
  const p = props.pledge
  const act = useAction(async () => {
    if (!p) return
    if (p.kind === 'intention')
      await api.call('intention.commit', { network: network.id, pledge: p.id })
    else await api.call('obligation.fulfil', { network: network.id, pledge: p.id })
  })
  const amount = money(p?.amount ?? props.entry.amount ?? 0)
  return (
    <li className="card">
      <p>{props.text}</p>
      {p?.kind === 'intention' && (
        <ConfirmButton
          label={t('actions.commit')}
          question={t('actions.commitQuestion', { name: props.name, amount })}
          disabled={act.busy}
          onConfirm={() => act.run()}
        />
      )}
      {p?.kind === 'obligation' && (
        <ConfirmButton
          label={t('actions.fulfil')}
          question={t('actions.fulfilQuestion', { name: props.name, amount })}
          disabled={act.busy}
          onConfirm={() => act.run()}
        />
      )}{' '}
      <Link to="/organizer">{t('actions.openOrganizer')}</Link>
      <ErrorMessage error={act.error} />
    </li>
  )
}

function Recent(props: {
  events: LedgerEvent[]
  me: string
  nameOf: (id: string) => string | undefined
  organizer: Organizer
}) {
  const { t, i18n } = useTranslation('home')
  const describe = useDescribe(props.nameOf)
  const pledges = useMemo(() => {
    const all = new Map<string, Pledge>()
    for (const list of Object.values(props.organizer) as Pledge[][])
      for (const p of list) all.set(p.id, p)
    return all
  }, [props.organizer])
  const mine = props.events
    .filter((e) => e.actor === props.me || isFor(e, props.me))
    .slice(0, RECENT)
  // An event is told as it happened; a call to act in it ("please confirm") only while the
  // pledge still waits for it (organizer lists hold every pledge that does).
  const say = (e: LedgerEvent) =>
    describe({ ...e, answered: answered(e, props.me, e.pledge ? pledges.get(e.pledge) : null) })
  return (
    <Section title={t('recent.title')}>
      {mine.length === 0 ? (
        <p className="muted">{t('recent.empty')}</p>
      ) : (
        <ul className="recent" aria-live="polite">
          {mine.map((e) => (
            <li key={e.id}>
              <span>{say(e)}</span>{' '}
              <time className="muted" dateTime={new Date(e.at).toISOString()}>
                {formatDateTime(e.at, i18n.language)}
              </time>
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}
