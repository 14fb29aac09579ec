/**
 * Your devices (domain.md §12), in Settings: for each network you are a member of, the
 * devices that act as you there, this one marked, the others with "Unlink" and "Unlink and
 * change recovery phrase" (for a lost or stolen one: its copy of the phrase stops working),
 * each behind a question that says what it does; then the new phrase, to write down. And
 * "Link a device", which shows a link code (with a copy button and a QR code) that the other
 * device enters at its first run, valid once for 10 minutes.
 */
import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DeviceLinkCode, NetworkSummary, Rekeyed } from '../../../core/api/contract.ts'
import { formatDateTime } from '../format.ts'
import { useAction, useApi, useQuery } from '../hooks.ts'
import { QrImage, useCopy } from '../screens/Invites.tsx'
import { ConfirmButton, ErrorMessage, Loading, Section } from './Feedback.tsx'
import { PhraseWords } from './RecoveryPhrase.tsx'

export function YourDevices() {
  const { t } = useTranslation('settings')
  const list = useQuery('network.list', {})
  const networks = (list.data ?? []).filter((n) => n.joined && !n.left)
  return (
    <Section title={t('devices.title')}>
      <p>{t('devices.explain')}</p>
      {list.error && !list.data && <ErrorMessage error={list.error} />}
      {!list.data && !list.error && <Loading />}
      {list.data && networks.length === 0 && <p className="muted">{t('devices.none')}</p>}
      {networks.map((n) => (
        <NetworkDevices key={n.id} network={n} others={networks.length > 1} />
      ))}
    </Section>
  )
}

/** True once `at` (ms) has passed, re-rendering then. */
function usePassed(at: number | undefined): boolean {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (at === undefined || at <= now) return
    const timer = setTimeout(() => setNow(Date.now()), at - now + 50)
    return () => clearTimeout(timer)
  }, [at, now])
  return at !== undefined && at <= now
}

/** `others`: I am a member of other networks too, where my devices have other ids. */
function NetworkDevices({ network, others }: { network: NetworkSummary; others: boolean }) {
  const { t, i18n } = useTranslation('settings')
  const api = useApi()
  const id = useId()
  const devices = useQuery('device.list', { network: network.id })
  const unlink = useAction((device: string) =>
    api.call('device.unlink', { network: network.id, device }),
  )
  const rekey = useAction((device: string) =>
    api.call('identity.rekey', { confirm: true, unlink: [device] }),
  )
  const [unlinked, setUnlinked] = useState<string>()
  const [rekeyed, setRekeyed] = useState<Rekeyed>()
  const busy = unlink.busy || rekey.busy
  const list = devices.data ?? []
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h3 id={`${id}-title`}>{t('devices.in', { name: network.name })}</h3>
      {devices.error && !devices.data && <ErrorMessage error={devices.error} />}
      {!devices.data && !devices.error && <Loading />}
      {devices.data && (
        <ul aria-label={t('devices.listLabel', { name: network.name })} className="device-list">
          {list.map((d) => (
            <li key={d.key} data-device={d.key}>
              <strong>{t('devices.device', { id: d.id })}</strong>
              {d.thisDevice && <> · {t('devices.this')}</>}
              {d.linkedAt !== null && (
                <span className="muted">
                  {' '}
                  · {t('devices.linkedAt', { date: formatDateTime(d.linkedAt, i18n.language) })}
                </span>
              )}
              {d.indexer && <span className="muted"> · {t('devices.indexer')}</span>}
              {!d.thisDevice && (
                <>
                  {' '}
                  <ConfirmButton
                    danger
                    label={t('devices.unlink', { id: d.id })}
                    question={t('devices.unlinkQuestion', { id: d.id })}
                    disabled={busy}
                    onConfirm={async () => {
                      setUnlinked(undefined)
                      if (await unlink.run(d.key)) {
                        setUnlinked(d.id)
                        devices.reload()
                      }
                    }}
                  />{' '}
                  <ConfirmButton
                    danger
                    label={t('devices.rekey', { id: d.id })}
                    question={
                      t('devices.rekeyQuestion', { id: d.id }) +
                      (others ? ` ${t('devices.rekeyOthers')}` : '')
                    }
                    disabled={busy}
                    onConfirm={async () => {
                      setUnlinked(undefined)
                      setRekeyed(undefined)
                      const done = await rekey.run(d.key)
                      if (done) {
                        setUnlinked(d.id)
                        setRekeyed(done)
                        devices.reload()
                      }
                    }}
                  />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <p role="status" aria-live="polite" className="muted">
        {unlinked ? t('devices.unlinked', { id: unlinked }) : ''}
      </p>
      <ErrorMessage error={unlink.error ?? rekey.error} />
      {rekeyed && <NewPhrase rekeyed={rekeyed} onWritten={() => setRekeyed(undefined)} />}
      <LinkDevice network={network} devices={devices.data?.length} />
    </section>
  )
}

/**
 * The recovery phrase a change made, shown once, at once (the old one no longer works), until
 * the person says they wrote it down; networks this device could not change yet are named.
 */
function NewPhrase({ rekeyed, onWritten }: { rekeyed: Rekeyed; onWritten: () => void }) {
  const { t } = useTranslation('settings')
  const api = useApi()
  const id = useId()
  const written = useAction(() => api.call('identity.phraseWritten', {}))
  const later = rekeyed.networks.filter((n) => !n.rekeyed).map((n) => n.name)
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h4 id={`${id}-title`}>{t('devices.newPhrase')}</h4>
      <p>
        <strong>{t('devices.newPhraseExplain')}</strong>
      </p>
      <PhraseWords words={rekeyed.words} label={t('devices.newPhraseWords')} focus />
      {later.length > 0 && <p>{t('devices.newPhraseLater', { names: later.join(', ') })}</p>}
      <p>
        <button
          type="button"
          className="primary"
          disabled={written.busy}
          onClick={async () => {
            if (await written.run()) onWritten()
          }}
        >
          {t('devices.newPhraseWritten')}
        </button>
      </p>
      <ErrorMessage error={written.error} />
    </section>
  )
}

/** "Link a device": a link code for this network, until it is used or expires. */
function LinkDevice({ network, devices }: { network: NetworkSummary; devices?: number }) {
  const { t, i18n } = useTranslation('settings')
  const api = useApi()
  const ids = useId()
  const { message, copy } = useCopy()
  const [made, setMade] = useState<{ link: DeviceLinkCode; devices: number }>()
  const create = useAction(() => api.call('device.link', { network: network.id }))
  const expired = usePassed(made?.link.expires)
  // A device more than when the code was made: the code was used.
  const linked = made !== undefined && devices !== undefined && devices > made.devices
  const showing = made && !expired && !linked
  return (
    <>
      <p className="muted">{t('devices.linkHint')}</p>
      {showing ? (
        <div className="invite-share" aria-live="polite">
          <p>
            <label htmlFor={`${ids}-code`}>{t('devices.code')}</label>{' '}
            <input
              id={`${ids}-code`}
              readOnly
              value={made.link.code}
              className="invite-code"
              aria-describedby={`${ids}-expires ${ids}-warning`}
              onFocus={(e) => e.target.select()}
            />{' '}
            <button type="button" onClick={() => void copy(made.link.code, 'code')}>
              {t('devices.copy')}
            </button>
          </p>
          <p role="status" aria-live="polite" className="muted">
            {message}
          </p>
          <QrImage text={made.link.link} alt={t('devices.qr')} />
          <p id={`${ids}-expires`}>
            {t('devices.expires', { time: formatDateTime(made.link.expires, i18n.language) })}
          </p>
          <p id={`${ids}-warning`}>
            <strong>{t('devices.warning')}</strong>
          </p>
          <button type="button" onClick={() => setMade(undefined)}>
            {t('devices.hide')}
          </button>
        </div>
      ) : (
        <>
          {made && (
            <p role="status" aria-live="polite">
              {linked ? t('devices.linked') : t('devices.expired')}
            </p>
          )}
          <p>
            <button
              type="button"
              className="primary"
              disabled={create.busy || devices === undefined}
              onClick={async () => {
                const link = await create.run()
                if (link) setMade({ link, devices: devices ?? 0 })
              }}
            >
              {made ? t('devices.linkAgain') : t('devices.link')}
            </button>
          </p>
        </>
      )}
      <ErrorMessage error={create.error} />
    </>
  )
}
