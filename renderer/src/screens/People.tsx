/**
 * People: my network, who supports me, whom I support and every member, each with the
 * display conventions of domain.md §4; and the network drawn as a graph with filters.
 */
import { useId, useRef, useState, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { PersonCard } from '../../../core/ledger/queries.ts'
import { ErrorMessage, Loading, Section } from '../components/Feedback.tsx'
import {
  GRAPH_FILTERS,
  NetworkGraph,
  graphElements,
  type GraphFilter,
} from '../components/NetworkGraph.tsx'
import { useConventions } from '../components/Progress.tsx'
import { useQuery } from '../hooks.ts'
import { useMoney, useNetwork } from '../network.tsx'

const TABS = ['network', 'supporters', 'supporting', 'all'] as const
type Tab = (typeof TABS)[number]

const RANK = { red: 0, orange: 1, green: 2 } as const

/** Emergencies first (fewest days left), then monthly needs, then the rest, by name. */
export function byNeed(a: PersonCard, b: PersonCard): number {
  return (
    RANK[a.status] - RANK[b.status] ||
    (a.red && b.red ? a.red.daysLeft - b.red.daysLeft : 0) ||
    a.name.localeCompare(b.name)
  )
}

/**
 * A member's lines as members know them (domain.md §4, in the UI's language: the same
 * strings as `card.lines` in English), each followed by the same facts in words for screen
 * readers. The incoming line only while the member asks for help.
 */
export function MemberLines({ card }: { card: PersonCard }) {
  const { t } = useTranslation('people')
  const money = useMoney()
  const lines = useConventions()
  const emergency = card.red
    ? lines.emergency(card.name, card.progress.missing, card.red.daysLeft)
    : null
  const p = card.progress
  const o = card.outgoing
  return (
    <ul className="member-lines">
      {card.status !== 'green' && (
        <li>
          <span aria-hidden="true">{lines.incoming(p)}</span>
          <span className="sr-only">
            {t('lines.incomingPlain', {
              supporters: t('lines.supporters', { count: p.supporters }),
              intended: money(p.intended),
              missing: money(p.missing),
            })}
          </span>
        </li>
      )}
      {emergency && card.red && (
        <li>
          <span aria-hidden="true">{emergency}</span>
          <span className="sr-only">
            {t('lines.emergencyPlain', {
              name: card.name,
              missing: money(p.missing),
              days: t('common:daysLeft', { count: card.red.daysLeft }),
            })}
          </span>
        </li>
      )}
      <li>
        <span aria-hidden="true">{lines.outgoing(o)}</span>
        <span className="sr-only">
          {t('lines.outgoingPlain', {
            people: t('lines.people', { count: o.people }),
            intended: money(o.intended),
            committed: money(o.committed),
            confirmed: money(o.confirmed),
          })}
        </span>
      </li>
    </ul>
  )
}

export function MemberRow({ card, me }: { card: PersonCard; me: string }) {
  const { t } = useTranslation('people')
  return (
    <li className={`card member-row status-${card.status}`}>
      <h3>
        <Link to={`/people/${card.id}`}>{card.name}</Link>
        {card.id === me && <span className="muted"> ({t('common:you')})</span>}
      </h3>
      <p className="member-status">{t(`common:status.${card.status}`)}</p>
      <MemberLines card={card} />
      {card.overdue > 0 && (
        <p className="overdue">
          <span aria-hidden="true">⌛ </span>
          {t('overdue', { count: card.overdue })}
        </p>
      )}
    </li>
  )
}

function Tabs(props: { tab: Tab; onChange: (tab: Tab) => void; counts: Record<Tab, number> }) {
  const { t } = useTranslation('people')
  const base = useId()
  const refs = useRef<Array<HTMLButtonElement | null>>([])
  const move = (e: KeyboardEvent, index: number) => {
    const next =
      e.key === 'ArrowRight'
        ? (index + 1) % TABS.length
        : e.key === 'ArrowLeft'
          ? (index + TABS.length - 1) % TABS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? TABS.length - 1
              : -1
    if (next < 0) return
    e.preventDefault()
    props.onChange(TABS[next]!)
    refs.current[next]?.focus()
  }
  return (
    <div role="tablist" aria-label={t('tabs.label')} className="tabs">
      {TABS.map((tab, i) => (
        <button
          key={tab}
          ref={(el) => {
            refs.current[i] = el
          }}
          type="button"
          role="tab"
          id={`${base}-${tab}`}
          aria-selected={props.tab === tab}
          aria-controls={`people-panel-${tab}`}
          tabIndex={props.tab === tab ? 0 : -1}
          onClick={() => props.onChange(tab)}
          onKeyDown={(e) => move(e, i)}
        >
          {t(`tabs.${tab}`, { count: props.counts[tab] })}
        </button>
      ))}
    </div>
  )
}

export function People() {
  const { t } = useTranslation('people')
  const { network } = useNetwork()
  // Every member by nature: the one screen whose query grows with the network (see `members`).
  const state = useQuery('members', { network: network.id })
  const [chosen, setChosen] = useState<Tab | null>(null)
  const [filter, setFilter] = useState<GraphFilter>('all')

  if (!state.data) return state.error ? <ErrorMessage error={state.error} /> : <Loading />
  const { members, relations, me } = state.data
  const present = members.filter((m) => !m.left)
  const pick = (ids: string[]) => {
    const set = new Set(ids)
    return present.filter((m) => set.has(m.id)).sort(byNeed)
  }
  const lists: Record<Tab, PersonCard[]> = {
    network: pick(relations.network),
    supporters: pick(relations.supporters),
    supporting: pick(relations.supporting),
    all: [...present].sort(byNeed),
  }
  const tab = chosen ?? (lists.network.length > 0 ? 'network' : 'all')
  const counts = Object.fromEntries(TABS.map((k) => [k, lists[k].length])) as Record<Tab, number>
  const graph = graphElements(members, filter, me, relations.network)

  return (
    <>
      <h1>{t('title')}</h1>
      <ErrorMessage error={state.error} />
      <Section title={t('members')}>
        <Tabs tab={tab} onChange={setChosen} counts={counts} />
        <div
          role="tabpanel"
          id={`people-panel-${tab}`}
          aria-label={t(`tabs.${tab}`, { count: counts[tab] })}
          tabIndex={0}
        >
          {lists[tab].length === 0 ? (
            <p className="muted">{t(`empty.${tab}`)}</p>
          ) : (
            <ul className="member-list">
              {lists[tab].map((card) => (
                <MemberRow key={card.id} card={card} me={me} />
              ))}
            </ul>
          )}
        </div>
      </Section>
      <Section title={t('graph.title')}>
        <fieldset className="graph-filters">
          <legend>{t('graph.filter')}</legend>
          {GRAPH_FILTERS.map((f) => (
            <label key={f}>
              <input
                type="radio"
                name="graph-filter"
                value={f}
                checked={filter === f}
                onChange={() => setFilter(f)}
              />{' '}
              {t(`graph.filters.${f}`)}
            </label>
          ))}
        </fieldset>
        <NetworkGraph data={graph} />
      </Section>
    </>
  )
}
