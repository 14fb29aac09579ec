/**
 * The app shell: picks the network, shows the navigation, and routes to the screens. With no
 * network yet, the first-run screen takes the whole window.
 */
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { HashRouter, NavLink, Navigate, Route, Routes } from 'react-router-dom'
import { ErrorMessage, Loading } from './components/Feedback.tsx'
import { useQuery } from './hooks.ts'
import { NetworkProvider, rememberedNetwork, rememberNetwork } from './network.tsx'
import { FirstRun } from './screens/FirstRun.tsx'
import { Clearing } from './screens/Clearing.tsx'
import { Home } from './screens/Home.tsx'
import { Invites } from './screens/Invites.tsx'
import { MemberPage } from './screens/MemberPage.tsx'
import { Notifications } from './screens/Notifications.tsx'
import { Organizer } from './screens/Organizer.tsx'
import { People } from './screens/People.tsx'
import { Profile } from './screens/Profile.tsx'
import { Settings } from './screens/Settings.tsx'

export function App() {
  return (
    <HashRouter>
      <Shell />
    </HashRouter>
  )
}

function Shell() {
  const { t } = useTranslation()
  const networks = useQuery('network.list', {})
  const [selected, setSelected] = useState<string | null>(rememberedNetwork())
  const list = useMemo(() => networks.data ?? [], [networks.data])
  const network = list.find((n) => n.id === selected) ?? list[0]
  const context = useMemo(
    () =>
      network && {
        network,
        networks: list,
        select: (id: string) => {
          rememberNetwork(id)
          setSelected(id)
        },
      },
    [network, list],
  )
  const unread = useQuery(
    'notifications.list',
    network ? { network: network.id, unreadOnly: true } : null,
  )

  useEffect(() => {
    document.title = t('appName')
  }, [t])

  if (networks.error && !networks.data) return <ErrorMessage error={networks.error} />
  if (!networks.data) return <Loading />
  if (!context) {
    return (
      <main className="first-run">
        <FirstRun
          onReady={(id) => {
            rememberNetwork(id)
            setSelected(id)
            networks.reload()
          }}
        />
      </main>
    )
  }
  const unreadCount = unread.data?.length ?? 0
  return (
    <NetworkProvider value={context}>
      <div className="layout">
        <nav aria-label={t('nav.label')}>
          <h1 className="brand">{t('appName')}</h1>
          {list.length > 1 && (
            <label>
              {t('nav.network')}{' '}
              <select value={context.network.id} onChange={(e) => context.select(e.target.value)}>
                {list.map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <ul>
            <li>
              <NavLink to="/" end>
                {t('nav.home')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/people">{t('nav.people')}</NavLink>
            </li>
            <li>
              <NavLink to="/organizer">{t('nav.organizer')}</NavLink>
            </li>
            <li>
              <NavLink to="/clearing">{t('nav.clearing')}</NavLink>
            </li>
            <li>
              <NavLink to="/profile">{t('nav.profile')}</NavLink>
            </li>
            <li>
              <NavLink to="/invites">{t('nav.invites')}</NavLink>
            </li>
            <li>
              {/* The name is the visible text and more ("Notifications 4 unread"), so that
                  people who speak the visible words to voice control reach the link. */}
              <NavLink to="/notifications">
                {t('nav.notifications')}
                {unreadCount > 0 && (
                  <>
                    {' '}
                    <span className="badge">{unreadCount}</span>
                    <span className="visually-hidden">
                      {' '}
                      {t('nav.unread', { count: unreadCount })}
                    </span>
                  </>
                )}
              </NavLink>
            </li>
            <li>
              <NavLink to="/settings">{t('nav.settings')}</NavLink>
            </li>
          </ul>
        </nav>
        <main>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/people" element={<People />} />
            <Route path="/people/:member" element={<MemberPage />} />
            <Route path="/organizer" element={<Organizer />} />
            <Route path="/clearing" element={<Clearing />} />
            <Route path="/profile" element={<Profile />} />
            <Route path="/invites" element={<Invites />} />
            <Route path="/notifications" element={<Notifications />} />
            <Route path="/settings" element={<Settings />} />
            <Route
              path="/join"
              element={
                <FirstRun
                  onReady={(id) => {
                    context.select(id)
                    networks.reload()
                  }}
                />
              }
            />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </main>
      </div>
    </NetworkProvider>
  )
}
