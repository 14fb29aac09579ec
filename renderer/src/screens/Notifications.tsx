/**
 * The notifications centre (domain.md §10): what happened that concerns me, newest first,
 * unread ones highlighted, each leading to the screen where I can act on it. Texts are the
 * UI's own translated templates; the node's English `text` is only a fallback.
 */
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { NotificationEntry } from '../../../core/api/contract.ts'
import { useDescribe, targetOf } from '../components/EventText.ts'
import { ErrorMessage, Loading } from '../components/Feedback.tsx'
import { formatDateTime } from '../format.ts'
import { useAction, useApi, useQuery } from '../hooks.ts'
import { useNetwork } from '../network.tsx'

/**
 * The names the notifications carry (of their actor and subject), for sentences about them:
 * the list needs no list of every member.
 */
function useNames(list: NotificationEntry[] | undefined): (id: string) => string | undefined {
  return useMemo(() => {
    const names = new Map<string, string>()
    for (const n of list ?? [])
      for (const [id, name] of Object.entries(n.names ?? {})) names.set(id, name)
    return (id: string) => names.get(id)
  }, [list])
}

export function Notifications() {
  const { t, i18n } = useTranslation('notifications')
  const api = useApi()
  const { network } = useNetwork()
  const list = useQuery('notifications.list', { network: network.id })
  const describe = useDescribe(useNames(list.data))
  const markRead = useAction((ids: string[]) => api.call('notifications.read', { ids }))
  const items = list.data ?? []
  const unread = items.filter((n) => !n.read)

  const read = async (ids: string[]) => {
    if (ids.length === 0) return
    await markRead.run(ids)
    list.reload()
  }

  return (
    <article aria-labelledby="notifications-title" className="notifications">
      <h1 id="notifications-title">{t('title')}</h1>
      <div className="notifications-bar">
        <p role="status" aria-live="polite" className="notifications-count">
          {list.data ? (unread.length ? t('unread', { count: unread.length }) : t('allRead')) : ''}
        </p>
        {unread.length > 0 && (
          <button
            type="button"
            onClick={() => read(unread.map((n) => n.id))}
            disabled={markRead.busy}
          >
            {t('markAllRead')}
          </button>
        )}
      </div>
      <ErrorMessage error={markRead.error} />
      {list.error && !list.data && <ErrorMessage error={list.error} />}
      {!list.data && !list.error && <Loading />}
      {list.data && items.length === 0 && <p className="muted">{t('empty')}</p>}
      {items.length > 0 && (
        <ol className="notification-list">
          {items.map((n) => (
            <NotificationItem
              key={`${n.network}:${n.id}`}
              entry={n}
              text={describe(n)}
              me={network.me}
              locale={i18n.language}
              busy={markRead.busy}
              onRead={() => read([n.id])}
            />
          ))}
        </ol>
      )}
    </article>
  )
}

function NotificationItem(props: {
  entry: NotificationEntry
  text: string
  me: string
  locale: string
  busy: boolean
  onRead: () => void
}) {
  const { t } = useTranslation('notifications')
  const { entry: n, text } = props
  const target = targetOf(n, props.me)
  return (
    <li className={n.read ? 'notification read' : 'notification unread'}>
      {!n.read && <span className="notification-new">{t('newBadge')}</span>}
      <span className="notification-text">
        {target ? (
          <Link to={target} onClick={() => !n.read && props.onRead()}>
            {text}
          </Link>
        ) : (
          text
        )}
      </span>
      <time className="muted" dateTime={new Date(n.at).toISOString()}>
        {formatDateTime(n.at, props.locale)}
      </time>
      {!n.read && (
        <button
          type="button"
          className="notification-mark"
          aria-label={t('markReadOf', { text })}
          disabled={props.busy}
          onClick={props.onRead}
        >
          {t('markRead')}
        </button>
      )}
    </li>
  )
}
