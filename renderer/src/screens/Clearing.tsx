/**
 * The clearing of mutual obligations (domain.md §6): the window of this month, my consent (all,
 * none, or the obligations I choose, with an optional cap), what clearing would do now with the
 * consents given so far (for my obligations, through which chains, and in all, "verified
 * optimal"), and the clearings that ran.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { ClearingPreviewState, ClearingResultsState } from '../../../core/api/contract.ts'
import type { ChainView, ClearingItem } from '../../../core/ledger/clearing-view.ts'
import { formatAmount, parseAmount } from '../../../core/ledger/format.ts'
import type { ClearingConsent } from '../../../core/ledger/model.ts'
import { ErrorMessage, Loading, Section } from '../components/Feedback.tsx'
import { formatCycle, formatDate, formatPercentBp } from '../format.ts'
import { useAction, useApi, useQuery } from '../hooks.ts'
import { useMoney, useNetwork } from '../network.tsx'

type Names = (id: string) => string

export function Clearing() {
  const { t, i18n } = useTranslation('clearing')
  const { network } = useNetwork()
  const preview = useQuery('clearing.preview', { network: network.id })
  const [cycle, setCycle] = useState<string>()
  const results = useQuery('clearing.results', {
    network: network.id,
    ...(cycle ? { cycle } : {}),
  })

  if (preview.error && !preview.data) return <ErrorMessage error={preview.error} />
  if (!preview.data) return <Loading />
  const p = preview.data
  const day = (ms: number) => formatDate(ms, i18n.language, network.timeZone)
  const names = namesOf(p, t('you'), (name) => t('leftMember', { name }))

  return (
    <div className="clearing">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <ErrorMessage error={preview.error} />

      <Section title={t('window.title', { month: formatCycle(p.cycle, i18n.language) })}>
        <p>
          {t(p.open ? 'window.open' : 'window.notYet', {
            opens: day(p.opens),
            // The window ends as the next month starts: its last day is the day before.
            closes: day(p.closes - 1),
          })}
        </p>
      </Section>

      <Section title={t('consent.title')}>
        <ConsentForm key={JSON.stringify(p.myConsent)} preview={p} names={names} />
      </Section>

      <Section title={t('preview.title')}>
        <Preview preview={p} names={names} />
      </Section>

      <Section title={t('results.title')}>
        <ErrorMessage error={results.error} />
        {results.data ? (
          <Results results={results.data} select={setCycle} />
        ) : (
          !results.error && <Loading />
        )}
      </Section>
    </div>
  )
}

/** Names as this screen says them: "You" for me, the short id for a member it does not know. */
function namesOf(
  known: Pick<ClearingPreviewState, 'names' | 'left' | 'me'>,
  you: string,
  left: (name: string) => string,
): Names {
  const gone = new Set(known.left)
  return (id) => {
    if (id === known.me) return you
    const name = known.names[id]
    if (name === undefined) return id.slice(0, 8)
    return gone.has(id) ? left(name) : name
  }
}

/** What my consent now says, in words. */
function useConsentText(): (c: ClearingConsent | null) => string {
  const { t } = useTranslation('clearing')
  const money = useMoney()
  return (c) => {
    if (!c) return t('consent.currentNone')
    const what =
      c.obligations === 'all' || c.obligations === 'none'
        ? t(`consent.what.${c.obligations}`)
        : t('consent.what.chosen', { count: c.obligations.length })
    const capped =
      c.cap === undefined || c.obligations === 'none'
        ? what
        : t('consent.what.cap', { what, cap: money(c.cap) })
    return t('consent.current', { what: capped })
  }
}

type Choice = 'all' | 'none' | 'chosen'

function ConsentForm(props: { preview: ClearingPreviewState; names: Names }) {
  const { preview: p, names } = props
  const { t } = useTranslation('clearing')
  const api = useApi()
  const money = useMoney()
  const { network } = useNetwork()
  const ids = useId()
  const current = p.myConsent
  const consentText = useConsentText()
  const [choice, setChoice] = useState<Choice | null>(
    current === null ? null : Array.isArray(current.obligations) ? 'chosen' : current.obligations,
  )
  const [chosen, setChosen] = useState<Set<string>>(
    new Set(Array.isArray(current?.obligations) ? current.obligations : []),
  )
  const [capText, setCapText] = useState(
    current?.cap === undefined ? '' : formatAmount(current.cap, network.decimals),
  )
  const [problem, setProblem] = useState<string>()
  const [saved, setSaved] = useState(false)
  const save = useAction((params: { obligations: 'all' | 'none' | string[]; cap?: number }) =>
    api.call('clearing.consent', { network: network.id, ...params }),
  )

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setProblem(undefined)
    setSaved(false)
    if (choice === null) return
    let cap: number | undefined
    if (choice !== 'none' && capText.trim() !== '') {
      const parsed = parseAmount(capText, network.decimals)
      if (parsed === null || parsed <= 0) return setProblem(t('consent.badCap'))
      cap = parsed
    }
    const picked = p.obligations.map((o) => o.pledge.id).filter((id) => chosen.has(id))
    if (choice === 'chosen' && picked.length === 0) return setProblem(t('consent.chooseOne'))
    const done = await save.run({
      obligations: choice === 'chosen' ? picked : choice,
      ...(cap !== undefined ? { cap } : {}),
    })
    if (done) setSaved(true)
  }

  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen)
    if (on) next.add(id)
    else next.delete(id)
    setChosen(next)
  }

  return (
    <form onSubmit={submit} className="clearing-consent" aria-describedby={`${ids}-now`}>
      <p id={`${ids}-now`}>{consentText(current)}</p>
      {!p.open && <p className="muted">{t('consent.closed')}</p>}
      <fieldset disabled={!p.open || save.busy}>
        <legend>{t('consent.legend')}</legend>
        {(['all', 'none', 'chosen'] as const).map((value) => (
          <label key={value} className="choice">
            <input
              type="radio"
              name={`${ids}-choice`}
              value={value}
              checked={choice === value}
              onChange={() => setChoice(value)}
            />{' '}
            {t(`consent.${value}`)}
          </label>
        ))}
        {choice === 'chosen' && (
          <fieldset>
            <legend>{t('consent.chooseLegend')}</legend>
            {p.obligations.length === 0 && <p className="muted">{t('consent.noObligations')}</p>}
            {p.obligations.map((o) => (
              <label key={o.pledge.id} className="choice">
                <input
                  type="checkbox"
                  checked={chosen.has(o.pledge.id)}
                  onChange={(e) => toggle(o.pledge.id, e.target.checked)}
                />{' '}
                {direction(o, p.me, names, t)} · {money(o.pledge.amount)}
              </label>
            ))}
          </fieldset>
        )}
        {choice !== 'none' && (
          <p>
            <label>
              {t('consent.cap', { currency: network.currency })}{' '}
              <input
                inputMode="decimal"
                autoComplete="off"
                value={capText}
                onChange={(e) => setCapText(e.target.value)}
                aria-describedby={`${ids}-cap`}
                aria-invalid={problem === t('consent.badCap') ? true : undefined}
              />
            </label>{' '}
            <span id={`${ids}-cap`} className="muted">
              {t('consent.capHint')}
            </span>
          </p>
        )}
        <button type="submit" className="primary" disabled={choice === null}>
          {t('consent.save')}
        </button>
      </fieldset>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <ErrorMessage error={save.error} />
      <p role="status" aria-live="polite" className="muted">
        {saved ? t('consent.saved') : ''}
      </p>
    </form>
  )
}

function direction(
  o: Pick<ClearingItem, 'pledge'>,
  me: string,
  names: Names,
  t: (key: string, values?: Record<string, unknown>) => string,
): string {
  return o.pledge.from === me
    ? t('item.mine', { name: names(o.pledge.to) })
    : t('item.toMe', { name: names(o.pledge.from) })
}

function Preview(props: { preview: ClearingPreviewState; names: Names }) {
  const { preview: p, names } = props
  const { t, i18n } = useTranslation('clearing')
  const money = useMoney()
  return (
    <>
      {p.taking === 0 ? (
        <p>{t('preview.nothing')}</p>
      ) : (
        <>
          <p>
            {t('preview.totals', {
              cleared: money(p.totals.cleared),
              debt: money(p.totals.debt),
              percent: formatPercentBp(p.percentBp, i18n.language),
            })}
          </p>
          <p>{t('preview.who', { count: p.members, taking: p.taking })}</p>
          <p className={p.verified ? 'verified' : 'error'}>
            {t(p.verified ? 'preview.verified' : 'preview.notVerified')}
          </p>
          <p>{t('preview.mine', { amount: money(p.mineCleared) })}</p>
        </>
      )}
      <h3>{t('preview.yours')}</h3>
      {p.obligations.length === 0 ? (
        <p className="muted">{t('consent.noObligations')}</p>
      ) : (
        <ul className="pledges">
          {p.obligations.map((o) => {
            const other = o.pledge.from === p.me ? o.pledge.to : o.pledge.from
            return (
              <Item key={o.pledge.id} item={o} me={p.me} names={names}>
                <p className="muted">
                  {t('item.consents', {
                    mine: t(o.mine ? 'item.yes' : 'item.no'),
                    name: names(other),
                    theirs: t(o.theirs ? 'item.yes' : 'item.no'),
                  })}
                  {o.cap !== null && <> · {t('item.upTo', { cap: money(o.cap) })}</>}
                </p>
                <p>
                  {o.taking
                    ? t('item.wouldClear', {
                        cleared: money(o.cleared),
                        remaining: money(o.remaining),
                      })
                    : t('item.notTaking')}
                </p>
              </Item>
            )
          })}
        </ul>
      )}
    </>
  )
}

/** One of my obligations in a clearing: who owes whom, how much, and the chains through it. */
function Item(props: { item: ClearingItem; me: string; names: Names; children: ReactNode }) {
  const { item: o, me, names } = props
  const { t } = useTranslation('clearing')
  const money = useMoney()
  const other = o.pledge.from === me ? o.pledge.to : o.pledge.from
  return (
    <li className="pledge card">
      <p className="pledge-summary">
        <span className="pledge-direction">
          {o.pledge.from === me ? (
            <>
              {t('you')} → <Link to={`/people/${other}`}>{names(other)}</Link>
            </>
          ) : (
            <>
              <Link to={`/people/${other}`}>{names(other)}</Link> → {t('toYou')}
            </>
          )}
        </span>{' '}
        <strong className="pledge-amount">{money(o.cleared + o.remaining)}</strong>
      </p>
      {props.children}
      {o.chains.length > 0 && (
        <ul className="chains" aria-label={t('item.chainsLabel')}>
          {o.chains.map((c, i) => (
            <li key={i}>
              <Chain chain={c} names={names} />
            </li>
          ))}
          {o.chainCount > o.chains.length && (
            <li className="muted">
              {t('item.moreChains', { count: o.chainCount - o.chains.length })}
            </li>
          )}
        </ul>
      )}
    </li>
  )
}

function Chain({ chain: c, names }: { chain: ChainView; names: Names }) {
  const { t } = useTranslation('clearing')
  const money = useMoney()
  const shown = c.members.map(names)
  const cut = c.length > c.members.length
  const path = [...shown, ...(cut ? ['…'] : []), shown[0]].join(' → ')
  return (
    <>
      {cut
        ? t('item.longChain', { amount: money(c.amount), path, count: c.length })
        : t('item.chain', { amount: money(c.amount), path })}
    </>
  )
}

function Results(props: { results: ClearingResultsState; select: (cycle: string) => void }) {
  const { results: r, select } = props
  const { t, i18n } = useTranslation('clearing')
  const money = useMoney()
  const ids = useId()
  if (r.runs.length === 0) return <p className="muted">{t('results.none')}</p>
  const month = (cycle: string) => formatCycle(cycle, i18n.language)
  const names = namesOf(r, t('you'), (name) => t('leftMember', { name }))
  return (
    <>
      <table>
        <caption>{t('results.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('results.month')}</th>
            <th scope="col">{t('results.debt')}</th>
            <th scope="col">{t('results.cleared')}</th>
            <th scope="col">{t('results.share')}</th>
            <th scope="col">{t('results.verified')}</th>
          </tr>
        </thead>
        <tbody>
          {r.runs.map((run) => (
            <tr key={run.cycle}>
              <th scope="row">{month(run.cycle)}</th>
              <td>{money(run.totals.debt)}</td>
              <td>{money(run.totals.cleared)}</td>
              <td>{formatPercentBp(run.percentBp, i18n.language)}</td>
              <td>{t(run.verified ? 'results.yes' : 'results.no')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.runs.length > 1 && (
        <p>
          <label htmlFor={`${ids}-run`}>{t('results.show')}</label>{' '}
          <select
            id={`${ids}-run`}
            value={r.run?.cycle ?? ''}
            onChange={(e) => select(e.target.value)}
          >
            {r.runs.map((run) => (
              <option key={run.cycle} value={run.cycle}>
                {month(run.cycle)}
              </option>
            ))}
          </select>
        </p>
      )}
      {r.run && !r.mine && (
        <p className="muted">{t('results.nothingMine', { month: month(r.run.cycle) })}</p>
      )}
      {r.run && r.mine && (
        <>
          <p>{t('results.mine', { month: month(r.run.cycle), amount: money(r.mine.cleared) })}</p>
          <ul className="pledges">
            {r.mine.obligations.map((o) => (
              <Item key={o.pledge.id} item={o} me={r.me} names={names}>
                <p>
                  {t('item.cleared', {
                    cleared: money(o.cleared),
                    remaining: money(o.remaining),
                  })}
                </p>
              </Item>
            ))}
          </ul>
        </>
      )}
    </>
  )
}
