/**
 * Invites (the "Help" link of domain.md §2): create one for anybody, for me or for a member
 * in need; share it as a code, an exodus:// link or a QR code; see my invites and revoke.
 */
import QRCode from 'qrcode'
import { useEffect, useId, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { InviteInfo } from '../../../core/api/contract.ts'
import { ConfirmButton, ErrorMessage, Loading, Section } from '../components/Feedback.tsx'
import { formatDate } from '../format.ts'
import { useAction, useApi, useQuery } from '../hooks.ts'
import { useNetwork } from '../network.tsx'

export type InviteState = 'active' | 'revoked' | 'usedUp' | 'expired'

export function inviteState(invite: InviteInfo, now = Date.now()): InviteState {
  if (invite.revoked) return 'revoked'
  if (invite.used >= invite.uses) return 'usedUp'
  if (invite.expiresAt <= now) return 'expired'
  return 'active'
}

/** The QR code of `text` as an SVG image. */
export function QrImage({ text, alt }: { text: string; alt: string }) {
  const [src, setSrc] = useState<string>()
  useEffect(() => {
    let live = true
    QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then(
      (svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
      () => live && setSrc(undefined),
    )
    return () => {
      live = false
    }
  }, [text])
  if (!src) return null
  return <img className="qr" src={src} alt={alt} width={192} height={192} />
}

/** Copies to the clipboard; where the system refuses, says how to copy by hand. */
export function useCopy() {
  const { t } = useTranslation('invites')
  const [message, setMessage] = useState('')
  const copy = async (text: string, what: 'code' | 'link') => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard')
      await navigator.clipboard.writeText(text)
      setMessage(t(`copied.${what}`))
    } catch {
      setMessage(t('copyFailed'))
    }
  }
  return { message, copy }
}

/** A created invite ready to pass on: code, link, copy buttons and QR code. */
export function InviteShare({ invite, forName }: { invite: InviteInfo; forName?: string }) {
  const { t } = useTranslation('invites')
  const { message, copy } = useCopy()
  const ids = useId()
  return (
    <div className="invite-share">
      {forName && <p>{t('share.for', { name: forName })}</p>}
      <p>
        <label htmlFor={`${ids}-code`}>{t('share.code')}</label>{' '}
        <input
          id={`${ids}-code`}
          readOnly
          value={invite.code}
          className="invite-code"
          onFocus={(e) => e.target.select()}
        />{' '}
        <button type="button" onClick={() => void copy(invite.code, 'code')}>
          {t('share.copyCode')}
        </button>
      </p>
      <p>
        <label htmlFor={`${ids}-link`}>{t('share.link')}</label>{' '}
        <input
          id={`${ids}-link`}
          readOnly
          value={invite.link}
          className="invite-code"
          onFocus={(e) => e.target.select()}
        />{' '}
        <button type="button" onClick={() => void copy(invite.link, 'link')}>
          {t('share.copyLink')}
        </button>
      </p>
      <p role="status" aria-live="polite" className="muted">
        {message}
      </p>
      {invite.link && <QrImage text={invite.link} alt={t('share.qr')} />}
      <p className="muted">{t('share.hint')}</p>
    </div>
  )
}

export function Invites() {
  const { t, i18n } = useTranslation('invites')
  const api = useApi()
  const { network } = useNetwork()
  const asking = useQuery('members.inNeed', { network: network.id })
  const invites = useQuery('invite.list', { network: network.id })
  const ids = useId()
  const [forWhom, setForWhom] = useState<string | null>(null)
  const [days, setDays] = useState('7')
  const [uses, setUses] = useState('1')
  const [created, setCreated] = useState<InviteInfo>()
  const create = useAction((params: { for?: string; expiresInDays: number; uses: number }) =>
    api.call('invite.create', { network: network.id, ...params }),
  )
  const revoke = useAction((invite: string) =>
    api.call('invite.revoke', { network: network.id, invite }),
  )

  if (!asking.data) return asking.error ? <ErrorMessage error={asking.error} /> : <Loading />
  const me = network.me
  const inNeed = asking.data.filter((m) => m.id !== me)
  // Default: for me while I ask for help, otherwise for nobody in particular.
  const target = forWhom ?? (asking.data.some((m) => m.id === me) ? me : '')

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const result = await create.run({
      ...(target ? { for: target } : {}),
      expiresInDays: Number(days),
      uses: Number(uses),
    })
    if (result) setCreated(result)
  }

  const list = invites.data ?? []
  // The invite just made (or shown again), while it can still be used.
  const listed = created && list.find((i) => i.id === created.id)
  const sharing = created && (!listed || inviteState(listed) === 'active') ? created : undefined
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <Section title={t('create.title')}>
        <form onSubmit={submit} className="invite-form">
          <p>
            <label htmlFor={`${ids}-for`}>{t('create.for')}</label>{' '}
            <select id={`${ids}-for`} value={target} onChange={(e) => setForWhom(e.target.value)}>
              <option value="">{t('create.anyone')}</option>
              <option value={me}>{t('create.me')}</option>
              {inNeed.map((m) => (
                <option key={m.id} value={m.id}>
                  {t('create.member', { name: m.name, status: t(`common:status.${m.status}`) })}
                </option>
              ))}
            </select>
          </p>
          <p>
            <label htmlFor={`${ids}-days`}>{t('create.days')}</label>{' '}
            <input
              id={`${ids}-days`}
              type="number"
              min={1}
              max={365}
              step={1}
              required
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </p>
          <p>
            <label htmlFor={`${ids}-uses`}>{t('create.uses')}</label>{' '}
            <input
              id={`${ids}-uses`}
              type="number"
              min={1}
              max={1000}
              step={1}
              required
              value={uses}
              onChange={(e) => setUses(e.target.value)}
            />
          </p>
          <button type="submit" className="primary" disabled={create.busy}>
            {t('create.submit')}
          </button>
          <ErrorMessage error={create.error} />
        </form>
        {sharing && (
          <div aria-live="polite">
            <h3>{t('create.ready')}</h3>
            <InviteShare invite={sharing} forName={sharing.forName ?? undefined} />
          </div>
        )}
      </Section>
      <Section title={t('list.title')}>
        <ErrorMessage error={invites.error ?? revoke.error} />
        {list.length === 0 ? (
          <p className="muted">{t('list.empty')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('list.for')}</th>
                <th scope="col">{t('list.code')}</th>
                <th scope="col">{t('list.used')}</th>
                <th scope="col">{t('list.expires')}</th>
                <th scope="col">{t('list.state')}</th>
                <th scope="col">
                  <span className="sr-only">{t('list.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((invite) => {
                const s = inviteState(invite)
                const who = invite.for
                  ? invite.for === me
                    ? t('list.forMe')
                    : (invite.forName ?? invite.for.slice(0, 8))
                  : t('list.forAnyone')
                return (
                  <tr key={invite.id} data-invite={invite.id}>
                    <td>{who}</td>
                    <td>
                      <code>{invite.code ? `${invite.code.slice(0, 10)}…` : '—'}</code>
                    </td>
                    <td>{t('list.usedOf', { used: invite.used, uses: invite.uses })}</td>
                    <td>{formatDate(invite.expiresAt, i18n.language)}</td>
                    <td>{t(`list.states.${s}`)}</td>
                    <td>
                      {s === 'active' && (
                        <>
                          {invite.code && (
                            <button type="button" onClick={() => setCreated(invite)}>
                              {t('list.show')}
                            </button>
                          )}{' '}
                          <ConfirmButton
                            label={t('list.revoke')}
                            question={t('list.revokeQuestion', { who })}
                            danger
                            disabled={revoke.busy}
                            onConfirm={() => revoke.run(invite.id)}
                          />
                        </>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
      </Section>
    </>
  )
}
