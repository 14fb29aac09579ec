/**
 * Settings: the networks on this device with their sync state (peers, last sync, whether my
 * latest entries reached anyone) and a switch between them, this node's identity and its
 * recovery phrase (shown after a warning), my devices in each network (link one, unlink
 * one: components/Devices.tsx), the UI language, and, folded away under "Advanced", where
 * the data folder and bootstrap nodes are set.
 */
import { useId, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { NetworkSummary, Results } from '../../../core/api/contract.ts'
import { YourDevices } from '../components/Devices.tsx'
import { LanguageSelect } from '../components/LanguageSelect.tsx'
import { ConfirmButton, ErrorMessage, Loading, Section } from '../components/Feedback.tsx'
import { PhraseWords } from '../components/RecoveryPhrase.tsx'
import { formatDateTime } from '../format.ts'
import { useAction, useApi, useQuery } from '../hooks.ts'
import { useNetwork } from '../network.tsx'

const NAME_MAX = 60

export function Settings() {
  const { t } = useTranslation('settings')
  return (
    <article aria-labelledby="settings-title" className="settings">
      <h1 id="settings-title">{t('title')}</h1>
      <LanguageChoice />
      <Networks />
      <NetworkData />
      <IdentitySettings />
      <RecoveryPhrase />
      <YourDevices />
      <DeviceSettings />
      <RemoveAllData />
    </article>
  )
}

function LanguageChoice() {
  const { t } = useTranslation('settings')
  return (
    <Section title={t('language.title')}>
      <p>
        <LanguageSelect label={t('language.label')} />
      </p>
      <p className="muted">{t('language.hint')}</p>
    </Section>
  )
}

function Networks() {
  const { t } = useTranslation('settings')
  const { network: current, select } = useNetwork()
  const list = useQuery('network.list', {})
  return (
    <Section title={t('networks.title')}>
      {list.error && !list.data && <ErrorMessage error={list.error} />}
      {!list.data && !list.error && <Loading />}
      {list.data && (
        <ul className="network-list">
          {list.data.map((n) => (
            <NetworkItem
              key={n.id}
              network={n}
              current={n.id === current.id}
              onSwitch={() => select(n.id)}
            />
          ))}
        </ul>
      )}
      <p>
        <Link to="/join">{t('networks.joinOrCreate')}</Link>
      </p>
    </Section>
  )
}

function NetworkItem(props: { network: NetworkSummary; current: boolean; onSwitch: () => void }) {
  const { t, i18n } = useTranslation(['settings', 'common'])
  const n = props.network
  const peers = useQuery('peers', { network: n.id })
  const sync = peers.data ?? n.sync
  const titleId = useId()
  return (
    <li
      className={props.current ? 'card network current' : 'card network'}
      aria-labelledby={titleId}
    >
      <h3 id={titleId}>
        {n.name} {props.current && <span className="muted">({t('networks.current')})</span>}
      </h3>
      <dl className="settings-facts">
        <div>
          <dt>{t('networks.currency')}</dt>
          <dd>{n.currency}</dd>
        </div>
        <div>
          <dt>{t('networks.timeZone')}</dt>
          <dd>{n.timeZone}</dd>
        </div>
        <div>
          <dt>{t('networks.id')}</dt>
          <dd>
            <code>{n.id.slice(0, 16)}…</code>
          </dd>
        </div>
        <div>
          <dt>{t('networks.peers')}</dt>
          <dd>
            {sync.peers > 0
              ? t('common:sync.peers', { count: sync.peers })
              : t('common:sync.offline')}
          </dd>
        </div>
        <div>
          <dt>{t('networks.lastSync')}</dt>
          <dd>
            {sync.lastSync ? formatDateTime(sync.lastSync, i18n.language) : t('common:sync.never')}
          </dd>
        </div>
        <div>
          <dt>{t('networks.shared')}</dt>
          <dd>{sync.ownEntriesShared ? t('common:sync.shared') : t('common:sync.notShared')}</dd>
        </div>
        <div>
          <dt>{t('networks.state')}</dt>
          <dd>{sync.stateComplete ? t('common:sync.complete') : t('common:sync.incomplete')}</dd>
        </div>
      </dl>
      {!sync.writable && <p className="muted">{t('networks.notWritable')}</p>}
      {!n.joined && <p className="muted">{t('networks.notJoined')}</p>}
      {n.needsUpdate && (
        <p role="alert" className="error">
          {t('networks.needsUpdate')}
        </p>
      )}
      {!props.current && (
        <button type="button" onClick={props.onSwitch}>
          {t('networks.switch', { name: n.name })}
        </button>
      )}
    </li>
  )
}

function IdentitySettings() {
  const { t } = useTranslation('settings')
  const api = useApi()
  const identity = useQuery('identity.get', {})
  const [name, setName] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const save = useAction((n: string) => api.call('identity.set', { name: n }))
  const id = useId()
  const value = name ?? identity.data?.name ?? ''
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setSaved(false)
    if (await save.run(value.trim())) {
      setSaved(true)
      setName(null)
      identity.reload()
    }
  }
  return (
    <Section title={t('identity.title')}>
      {identity.error && !identity.data && <ErrorMessage error={identity.error} />}
      {identity.data && (
        <>
          <form onSubmit={submit}>
            <label htmlFor={`${id}-name`}>{t('identity.name')}</label>{' '}
            <input
              id={`${id}-name`}
              value={value}
              required
              maxLength={NAME_MAX}
              aria-describedby={`${id}-hint`}
              onChange={(e) => {
                setSaved(false)
                setName(e.target.value)
              }}
            />{' '}
            <button type="submit" disabled={save.busy || value.trim() === ''}>
              {t('common:save')}
            </button>
            <span role="status" aria-live="polite" className="muted">
              {saved ? ` ${t('identity.saved')}` : ''}
            </span>
          </form>
          <p id={`${id}-hint`} className="muted">
            {t('identity.hint')}
          </p>
          <ErrorMessage error={save.error} />
          <p>
            {t('identity.key')} <code className="key">{identity.data.publicKey}</code>
          </p>
        </>
      )}
    </Section>
  )
}

/**
 * The recovery phrase (domain.md §12), shown only after a plain warning and hidden again on
 * request or when the screen is left; a phrase not yet written down is said so.
 */
function RecoveryPhrase() {
  const { t } = useTranslation('settings')
  const api = useApi()
  const identity = useQuery('identity.get', {})
  const [words, setWords] = useState<string[] | null>(null)
  const show = useAction(() => api.call('identity.phrase', { confirm: true }))
  const written = useAction(() => api.call('identity.phraseWritten', {}))
  const notWritten = identity.data?.phraseWritten === false
  return (
    <Section title={t('phrase.title')}>
      <p>{t('phrase.explain')}</p>
      {notWritten && <p className="muted">{t('phrase.notWritten')}</p>}
      {words ? (
        <>
          <PhraseWords words={words} label={t('phrase.words')} focus />
          <p>
            {notWritten && (
              <>
                <button
                  type="button"
                  className="primary"
                  disabled={written.busy}
                  onClick={async () => {
                    if (await written.run()) identity.reload()
                  }}
                >
                  {t('phrase.written')}
                </button>{' '}
              </>
            )}
            <button type="button" onClick={() => setWords(null)}>
              {t('phrase.hide')}
            </button>
          </p>
        </>
      ) : (
        <p>
          <ConfirmButton
            label={t('phrase.show')}
            question={t('phrase.warning')}
            disabled={show.busy}
            onConfirm={async () => {
              const shown = await show.run()
              if (shown) setWords(shown.words)
            }}
          />
        </p>
      )}
      <ErrorMessage error={show.error ?? written.error} />
    </Section>
  )
}

function DeviceSettings() {
  const { t } = useTranslation('settings')
  const info = useQuery('node.info', {})
  // Paths, addresses and commands mean nothing to most members: closed until asked for.
  return (
    <details className="advanced">
      <summary>{t('advanced')}</summary>
      <Section title={t('device.title')}>
        {info.data && (
          <dl>
            <dt>{t('device.folder')}</dt>
            <dd>
              <code>{info.data.dataDir}</code>
            </dd>
            <dt>{t('device.bootstrap')}</dt>
            <dd>
              {info.data.bootstrap ? (
                <code>{info.data.bootstrap.join(', ')}</code>
              ) : (
                t('device.public')
              )}
            </dd>
            <dt>{t('device.version')}</dt>
            <dd>{info.data.version}</dd>
          </dl>
        )}
        <ErrorMessage error={info.error} />
        <p>{t('device.explain')}</p>
        <pre className="command">exodus --data DIR daemon --bootstrap HOST:PORT,HOST:PORT</pre>
      </Section>
    </details>
  )
}

/** Hands a file made by the node to the browser's (or Electron's) download. */
function download(file: Results['export']) {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.mimeType }))
  const link = document.createElement('a')
  link.href = url
  link.download = file.filename
  link.click()
  URL.revokeObjectURL(url)
}

const EXPORTS = [
  { key: 'historyCsv', mine: false, format: 'csv' },
  { key: 'historyJson', mine: false, format: 'json' },
  { key: 'mineCsv', mine: true, format: 'csv' },
  { key: 'mineJson', mine: true, format: 'json' },
] as const

/**
 * The current network's data on this device (domain.md §9): export it, and delete this
 * device's copy, which a member who left is offered first.
 */
function NetworkData() {
  const { t } = useTranslation('settings')
  const api = useApi()
  const { network } = useNetwork()
  const [saved, setSaved] = useState<Results['export'] | null>(null)
  const exporter = useAction((mine: boolean, format: 'csv' | 'json') =>
    api.call('export', { network: network.id, mine, format }),
  )
  const forget = useAction(() => api.call('network.forget', { network: network.id }))
  const name = network.name
  return (
    <Section title={t('data.title', { name })}>
      {network.left && (
        <p role="status">{network.syncing ? t('data.leftSyncing') : t('data.leftStopped')}</p>
      )}
      <h3>{t('data.export')}</h3>
      <p className="muted">{t('data.exportHint')}</p>
      <p>
        {EXPORTS.map((e) => (
          <button
            key={e.key}
            type="button"
            disabled={exporter.busy}
            onClick={async () => {
              setSaved(null)
              const file = await exporter.run(e.mine, e.format)
              if (file) {
                download(file)
                setSaved(file)
              }
            }}
          >
            {t(`data.${e.key}`)}
          </button>
        ))}
      </p>
      <p role="status" aria-live="polite" className="muted">
        {saved ? t('data.saved', { filename: saved.filename, count: saved.rows }) : ''}
      </p>
      <ErrorMessage error={exporter.error} />
      <h3>{t('data.deleteTitle')}</h3>
      <p>
        <ConfirmButton
          danger
          label={t('data.delete', { name })}
          question={t('data.deleteWarning', { name })}
          disabled={forget.busy}
          onConfirm={() => forget.run()}
        />
      </p>
      <ErrorMessage error={forget.error} />
    </Section>
  )
}

/** Everything this device keeps, identity included (domain.md §9), after a plain warning. */
function RemoveAllData() {
  const { t } = useTranslation('settings')
  const api = useApi()
  const remove = useAction(() => api.call('data.remove', { confirm: true }))
  return (
    <Section title={t('removeAll.title')}>
      <p>{t('removeAll.explain')}</p>
      <p>
        <ConfirmButton
          danger
          label={t('removeAll.button')}
          question={t('removeAll.warning')}
          disabled={remove.busy}
          onConfirm={async () => {
            // The node starts afresh with a new identity: so does the UI.
            if (await remove.run()) window.location.reload()
          }}
        />
      </p>
      <ErrorMessage error={remove.error} />
    </Section>
  )
}
