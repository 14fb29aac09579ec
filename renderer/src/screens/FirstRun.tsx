/**
 * First run (and "join or create another network"): your name, then your recovery phrase
 * (24 words to write down, domain.md §12: the app asks until you tick that you did), then
 * either a new network (name, unit of account, time zone, your name in it) or joining one
 * with an invite code or exodus:// link. A person who has a phrase already restores from it
 * instead (while this install is in no network); joining with an invite then brings their
 * membership back. Or they link this install to another device of theirs with the link code
 * that device shows (Settings, "Link a device"): it becomes them, in their networks, at once.
 * An invite in the address (`#/join?invite=CODE`, as the desktop shell opens exodus://
 * links) fills the form in. After joining through an invite that names a member in need, the
 * app goes straight to that member's card.
 */
import { useId, useMemo, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { CURRENCY_INPUT_PATTERN, CURRENCY_PATTERN, NAME_MAX } from '../../../core/ledger/limits.ts'
import { useLocation, useNavigate } from 'react-router-dom'
import { CallFailed } from '../api.ts'
import { CodeField } from '../components/CodeField.tsx'
import { ErrorMessage, Loading, useErrorText as useCatalogueText } from '../components/Feedback.tsx'
import { PhraseWords, RestoreForm } from '../components/RecoveryPhrase.tsx'
import { useAction, useApi, useQuery } from '../hooks.ts'

const CURRENCIES = ['EUR', 'USD', 'RUB', 'UAH', 'GBP'] as const
const HOURS = 'hours'
const OTHER = 'other'

/** The invite in the address: the router's query (`#/join?invite=`) or the page's. */
export function inviteFromAddress(
  routerSearch: string,
  pageSearch = globalThis.location?.search ?? '',
): string {
  for (const search of [routerSearch, pageSearch]) {
    const invite = new URLSearchParams(search).get('invite')
    if (invite?.trim()) return invite.trim()
  }
  return ''
}

function systemTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/**
 * A node error in the UI language: this screen's own wording where it has one, else the
 * catalogue's (a link code given to "Join with an invite" fails with the link code's errors).
 */
function useErrorText() {
  const { t, i18n } = useTranslation('firstRun')
  const said = useCatalogueText()
  return (error: Error | undefined): Error | undefined => {
    if (!error) return undefined
    const code = error instanceof CallFailed ? error.code : ''
    return new Error(i18n.exists(`firstRun:errors.${code}`) ? t(`errors.${code}`) : said(error))
  }
}

export function FirstRun({ onReady }: { onReady: (networkId: string) => void }) {
  const { t } = useTranslation('firstRun')
  const identity = useQuery('identity.get', {})
  const networks = useQuery('network.list', {})
  const [editing, setEditing] = useState(false)
  // Restoring from the phrase, or linking to another device: the new phrase waits.
  const [restoring, setRestoring] = useState(false)
  const [linking, setLinking] = useState(false)
  const [restored, setRestored] = useState(false)
  const location = useLocation()
  const invite = useMemo(() => inviteFromAddress(location.search), [location.search])

  if (!identity.data) {
    return identity.error ? <ErrorMessage error={identity.error} /> : <Loading />
  }
  const name = identity.data.name.trim()
  const named = name !== '' && !editing
  const { phraseWritten } = identity.data
  // Restoring replaces who you are: the node allows it only outside every network.
  const canRestore = networks.data?.every((n) => n.left) ?? false

  const join = <JoinNetwork key="join" defaultName={name} invite={invite} onReady={onReady} />
  const create = <CreateNetwork key="create" defaultName={name} onReady={onReady} />
  return (
    <article className="first-run-screen" aria-labelledby="first-run-title">
      <h1 id="first-run-title">{t('title')}</h1>
      <p>{t('intro')}</p>
      {named ? (
        <p className="first-run-you">
          {t('profile.you', { name })}{' '}
          <button type="button" onClick={() => setEditing(true)}>
            {t('profile.change')}
          </button>
        </p>
      ) : (
        <ProfileStep
          initial={name}
          onDone={() => {
            setEditing(false)
            identity.reload()
          }}
        />
      )}
      {named && !phraseWritten && !restoring && !linking && (
        <PhraseStep onDone={() => identity.reload()} />
      )}
      {restored && (
        <p role="status" className="card">
          {t('restore.done')}
        </p>
      )}
      {named && phraseWritten && (
        <div className="first-run-choices">{invite ? [join, create] : [create, join]}</div>
      )}
      {named && canRestore && !restored && (
        <LinkStep open={linking} onOpen={setLinking} onReady={onReady} />
      )}
      {named && canRestore && !restored && (
        <RestoreStep
          open={restoring}
          onOpen={setRestoring}
          onRestored={() => {
            setRestoring(false)
            setRestored(true)
            identity.reload()
          }}
        />
      )}
    </article>
  )
}

function ProfileStep(props: { initial: string; onDone: () => void }) {
  const { t } = useTranslation('firstRun')
  const api = useApi()
  const [name, setName] = useState(props.initial)
  const save = useAction((n: string) => api.call('identity.set', { name: n }))
  const id = useId()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (await save.run(name.trim())) props.onDone()
  }
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>{t('profile.title')}</h2>
      <form onSubmit={submit}>
        <p>
          <label htmlFor={`${id}-name`}>{t('profile.name')}</label>
          <br />
          <input
            id={`${id}-name`}
            value={name}
            required
            maxLength={NAME_MAX}
            autoComplete="name"
            aria-describedby={`${id}-hint`}
            onChange={(e) => setName(e.target.value)}
          />
        </p>
        <p id={`${id}-hint`} className="muted">
          {t('profile.hint')}
        </p>
        <button type="submit" className="primary" disabled={save.busy || name.trim() === ''}>
          {t('profile.continue')}
        </button>
        <ErrorMessage error={save.error} />
      </form>
    </section>
  )
}

/** The new identity's 24 words, until the person says they wrote them down. */
function PhraseStep(props: { onDone: () => void }) {
  const { t } = useTranslation('firstRun')
  const api = useApi()
  const phrase = useQuery('identity.phrase', { confirm: true })
  const [written, setWritten] = useState(false)
  const done = useAction(() => api.call('identity.phraseWritten', {}))
  const id = useId()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (await done.run()) props.onDone()
  }
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>{t('phrase.title')}</h2>
      <p>{t('phrase.intro')}</p>
      <p>
        <strong>{t('phrase.warning')}</strong>
      </p>
      {phrase.data ? (
        <PhraseWords words={phrase.data.words} label={t('phrase.words')} />
      ) : phrase.error ? (
        <ErrorMessage error={phrase.error} />
      ) : (
        <Loading />
      )}
      <form onSubmit={submit}>
        <p>
          <input
            type="checkbox"
            id={`${id}-written`}
            checked={written}
            style={{ width: 'auto' }}
            onChange={(e) => setWritten(e.target.checked)}
          />{' '}
          <label htmlFor={`${id}-written`}>{t('phrase.written')}</label>
        </p>
        <button type="submit" className="primary" disabled={!written || !phrase.data || done.busy}>
          {t('phrase.continue')}
        </button>
        <ErrorMessage error={done.error} />
      </form>
    </section>
  )
}

/**
 * "Link to my other device": folded until asked for, then a field for the link code that
 * device shows. Once linked, this device is the person in their networks: the app opens.
 */
function LinkStep(props: {
  open: boolean
  onOpen: (open: boolean) => void
  onReady: (networkId: string) => void
}) {
  const { t } = useTranslation('firstRun')
  const api = useApi()
  const navigate = useNavigate()
  const errorText = useCatalogueText()
  const id = useId()
  const [code, setCode] = useState('')
  const link = useAction((text: string) => api.call('identity.link', { code: text }))
  const error = link.busy ? undefined : link.error
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const linked = await link.run(code.trim())
    const first = linked?.networks[0]
    if (!first) return
    props.onReady(first.id)
    navigate('/')
  }
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>{t('link.title')}</h2>
      <p className="muted">{t('link.intro')}</p>
      {props.open ? (
        <form onSubmit={submit}>
          <CodeField
            id={`${id}-code`}
            label={t('link.label')}
            value={code}
            rows={3}
            error={error ? errorText(error) : undefined}
            hint={t('link.hint')}
            onChange={(value) => {
              setCode(value)
              link.clearError()
            }}
          />
          <p>
            <button type="submit" className="primary" disabled={link.busy || code.trim() === ''}>
              {t('link.submit')}
            </button>{' '}
            <button type="button" disabled={link.busy} onClick={() => props.onOpen(false)}>
              {t('link.cancel')}
            </button>
          </p>
          <div aria-live="polite" role="status" className="join-progress">
            {link.busy && (
              <p>
                <span className="spinner" aria-hidden="true" /> {t('link.waiting')}
              </p>
            )}
          </div>
        </form>
      ) : (
        <button type="button" onClick={() => props.onOpen(true)}>
          {t('link.open')}
        </button>
      )}
    </section>
  )
}

/** "I have a recovery phrase": folded until asked for, then the form. */
function RestoreStep(props: {
  open: boolean
  onOpen: (open: boolean) => void
  onRestored: () => void
}) {
  const { t } = useTranslation('firstRun')
  const id = useId()
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>{t('restore.title')}</h2>
      <p className="muted">{t('restore.intro')}</p>
      {props.open ? (
        <RestoreForm onRestored={props.onRestored} onCancel={() => props.onOpen(false)} />
      ) : (
        <button type="button" onClick={() => props.onOpen(true)}>
          {t('restore.open')}
        </button>
      )}
    </section>
  )
}

function defaultCurrency(language: string): string {
  if (language.startsWith('ru')) return 'RUB'
  if (language.startsWith('uk')) return 'UAH'
  return 'EUR'
}

function CreateNetwork(props: { defaultName: string; onReady: (id: string) => void }) {
  const { t, i18n } = useTranslation('firstRun')
  const api = useApi()
  const navigate = useNavigate()
  const errorText = useErrorText()
  const id = useId()
  const [name, setName] = useState('')
  const [currency, setCurrency] = useState(() => defaultCurrency(i18n.language))
  const [otherUnit, setOtherUnit] = useState('')
  const [timeZone, setTimeZone] = useState(systemTimeZone)
  const [memberName, setMemberName] = useState(props.defaultName)
  const [invalid, setInvalid] = useState<Error>()
  const zones = useMemo(() => {
    try {
      return Intl.supportedValuesOf('timeZone')
    } catch {
      return []
    }
  }, [])
  const currencyName = useMemo(() => {
    try {
      const names = new Intl.DisplayNames([i18n.language], { type: 'currency' })
      return (code: string) => names.of(code) ?? code
    } catch {
      return (code: string) => code
    }
  }, [i18n.language])
  const create = useAction(
    (params: { name: string; currency: string; timeZone: string; memberName: string }) =>
      api.call('network.create', params),
  )

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setInvalid(undefined)
    const unit = currency === OTHER ? otherUnit.trim() : currency
    if (!CURRENCY_PATTERN.test(unit)) return setInvalid(new Error(t('errors.currency')))
    if (!knownTimeZone(timeZone.trim())) return setInvalid(new Error(t('errors.timeZone')))
    const created = await create.run({
      name: name.trim(),
      currency: unit,
      timeZone: timeZone.trim(),
      memberName: memberName.trim() || props.defaultName,
    })
    if (!created) return
    props.onReady(created.id)
    navigate('/')
  }

  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>{t('create.title')}</h2>
      <p className="muted">{t('create.hint')}</p>
      <form onSubmit={submit}>
        <p>
          <label htmlFor={`${id}-name`}>{t('create.name')}</label>
          <br />
          <input
            id={`${id}-name`}
            value={name}
            required
            maxLength={NAME_MAX}
            onChange={(e) => setName(e.target.value)}
          />
        </p>
        <p>
          <label htmlFor={`${id}-currency`}>{t('create.currency')}</label>
          <br />
          <select
            id={`${id}-currency`}
            value={currency}
            aria-describedby={`${id}-currency-hint`}
            onChange={(e) => setCurrency(e.target.value)}
          >
            {CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c} — {currencyName(c)}
              </option>
            ))}
            <option value={HOURS}>{t('create.hours')}</option>
            <option value={OTHER}>{t('create.other')}</option>
          </select>
          <br />
          <span id={`${id}-currency-hint`} className="muted">
            {t('create.currencyHint')}
          </span>
        </p>
        {currency === OTHER && (
          <p>
            <label htmlFor={`${id}-unit`}>{t('create.otherCode')}</label>
            <br />
            <input
              id={`${id}-unit`}
              value={otherUnit}
              required
              maxLength={10}
              pattern={CURRENCY_INPUT_PATTERN}
              aria-describedby={`${id}-unit-hint`}
              onChange={(e) => setOtherUnit(e.target.value)}
            />
            <br />
            <span id={`${id}-unit-hint`} className="muted">
              {t('create.otherHint')}
            </span>
          </p>
        )}
        <p>
          <label htmlFor={`${id}-tz`}>{t('create.timeZone')}</label>
          <br />
          <input
            id={`${id}-tz`}
            value={timeZone}
            required
            list={`${id}-zones`}
            aria-describedby={`${id}-tz-hint`}
            onChange={(e) => setTimeZone(e.target.value)}
          />
          <datalist id={`${id}-zones`}>
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <br />
          <span id={`${id}-tz-hint`} className="muted">
            {t('create.timeZoneHint')}
          </span>
        </p>
        <p>
          <label htmlFor={`${id}-member`}>{t('create.memberName')}</label>
          <br />
          <input
            id={`${id}-member`}
            value={memberName}
            required
            maxLength={NAME_MAX}
            onChange={(e) => setMemberName(e.target.value)}
          />
        </p>
        <button type="submit" className="primary" disabled={create.busy}>
          {t('create.submit')}
        </button>
        {create.busy && (
          <p role="status" aria-live="polite" className="muted">
            {t('create.busy')}
          </p>
        )}
        <ErrorMessage error={invalid ?? errorText(create.error)} />
      </form>
    </section>
  )
}

function JoinNetwork(props: {
  defaultName: string
  invite: string
  onReady: (id: string) => void
}) {
  const { t } = useTranslation('firstRun')
  const api = useApi()
  const navigate = useNavigate()
  const errorText = useErrorText()
  const id = useId()
  const [invite, setInvite] = useState(props.invite)
  const [name, setName] = useState(props.defaultName)
  const [waiting, setWaiting] = useState(false)
  const join = useAction((wait: boolean) =>
    api.call('network.join', {
      invite: invite.trim(),
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(wait ? { wait: true } : {}),
    }),
  )
  const noAnswer = join.error instanceof CallFailed && join.error.code === 'invite-no-answer'

  const run = async (wait: boolean) => {
    setWaiting(wait)
    const joined = await join.run(wait)
    setWaiting(false)
    if (!joined) return
    props.onReady(joined.network.id)
    navigate(joined.landing ? `/people/${joined.landing}` : '/')
  }

  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>{t('join.title')}</h2>
      <p className="muted">{t('join.hint')}</p>
      {props.invite && <p>{t('join.fromLink')}</p>}
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void run(false)
        }}
      >
        <CodeField
          id={`${id}-invite`}
          label={t('join.invite')}
          value={invite}
          rows={3}
          onChange={setInvite}
        />
        <p>
          <label htmlFor={`${id}-name`}>{t('join.name')}</label>
          <br />
          <input
            id={`${id}-name`}
            value={name}
            required
            maxLength={NAME_MAX}
            onChange={(e) => setName(e.target.value)}
          />
        </p>
        <button type="submit" className="primary" disabled={join.busy || invite.trim() === ''}>
          {t('join.submit')}
        </button>
        <div aria-live="polite" role="status" className="join-progress">
          {join.busy && (
            <p>
              <span className="spinner" aria-hidden="true" />{' '}
              {waiting ? t('join.stillWaiting') : t('join.waiting')}
            </p>
          )}
        </div>
        <ErrorMessage error={join.busy ? undefined : errorText(join.error)} />
        {noAnswer && !join.busy && (
          <button type="button" onClick={() => void run(true)}>
            {t('join.keepWaiting')}
          </button>
        )}
      </form>
    </section>
  )
}
