/**
 * The texts the shell shows outside the window, in the language chosen in the page: each
 * network's sync state in the tray and the app menu ("Friends: 2 peers"), the tray's and the
 * menu's own items, and the body of a desktop notification. The words are the page's
 * (renderer/src/locales: namespace `desktop` for the shell's own), and a notification is said
 * with the page's templates (renderer/src/sentences.ts), not the node's English text.
 */
import type { MenuItemConstructorOptions } from 'electron'
import i18next, { type i18n } from 'i18next'
import type { NetworkSummary, NotificationEntry } from '../core/api/contract.ts'
import { formatMoney } from '../renderer/src/format.ts'
import enDesktop from '../renderer/src/locales/en/desktop.json' with { type: 'json' }
import enNotifications from '../renderer/src/locales/en/notifications.json' with { type: 'json' }
import enRejections from '../renderer/src/locales/en/rejections.json' with { type: 'json' }
import ruDesktop from '../renderer/src/locales/ru/desktop.json' with { type: 'json' }
import ruNotifications from '../renderer/src/locales/ru/notifications.json' with { type: 'json' }
import ruRejections from '../renderer/src/locales/ru/rejections.json' with { type: 'json' }
import ukDesktop from '../renderer/src/locales/uk/desktop.json' with { type: 'json' }
import ukNotifications from '../renderer/src/locales/uk/notifications.json' with { type: 'json' }
import ukRejections from '../renderer/src/locales/uk/rejections.json' with { type: 'json' }
import { eventSentence } from '../renderer/src/sentences.ts'
import type { DesktopLanguage } from './desktop-language.ts'

const RESOURCES: Record<DesktopLanguage, Record<string, object>> = {
  en: { desktop: enDesktop, notifications: enNotifications, rejections: enRejections },
  ru: { desktop: ruDesktop, notifications: ruNotifications, rejections: ruRejections },
  uk: { desktop: ukDesktop, notifications: ukNotifications, rejections: ukRejections },
}

/** What the shell knows of a network (from network.list, sync from the node's events). */
export type NetworkInfo = Pick<NetworkSummary, 'name' | 'sync' | 'me' | 'currency' | 'decimals'>

export interface ShellLabels {
  open: string
  quit: string
  file: string
  view: string
  networks: string
}

export class DesktopText {
  private readonly i18n: i18n

  constructor(readonly language: DesktopLanguage) {
    this.i18n = i18next.createInstance()
    // Resources are here already: with initAsync false, init is done when it returns.
    void this.i18n.init({
      lng: language,
      fallbackLng: 'en',
      resources: RESOURCES,
      defaultNS: 'desktop',
      interpolation: { escapeValue: false },
      initAsync: false,
      showSupportNotice: false,
    })
  }

  syncLine({ name, sync }: Pick<NetworkInfo, 'name' | 'sync'>): string {
    if (sync.peers === 0) return this.i18n.t('network.offline', { name })
    return this.i18n.t('network.peers', { name, count: sync.peers })
  }

  /** One line per network, by name; a single line saying so when there is none yet. */
  syncLines(networks: Iterable<Pick<NetworkInfo, 'name' | 'sync'>>): string[] {
    const sorted = [...networks].sort((a, b) => a.name.localeCompare(b.name, this.language))
    return sorted.length > 0 ? sorted.map((n) => this.syncLine(n)) : [this.i18n.t('network.none')]
  }

  /** The tray icon's tooltip: the app and how connected it is at a glance. */
  trayTooltip(appName: string, networks: Iterable<Pick<NetworkInfo, 'name' | 'sync'>>): string {
    return [appName, ...this.syncLines(networks)].join('\n')
  }

  /** A line per network for the tray and the app menu's Networks submenu, not clickable. */
  statusItems(
    networks: Iterable<Pick<NetworkInfo, 'name' | 'sync'>>,
  ): MenuItemConstructorOptions[] {
    return this.syncLines(networks).map((label) => ({ label, enabled: false }))
  }

  /** The tray's menu: how each network is connected, then open the window or quit. */
  trayMenu(
    appName: string,
    networks: Iterable<Pick<NetworkInfo, 'name' | 'sync'>>,
    actions: { open: () => void; quit: () => void },
  ): MenuItemConstructorOptions[] {
    const labels = this.labels(appName)
    return [
      ...this.statusItems(networks),
      { type: 'separator' },
      { label: labels.open, click: actions.open },
      { label: labels.quit, click: actions.quit },
    ]
  }

  /** The tray's own items and the app menu's own submenus. */
  labels(appName: string): ShellLabels {
    const t = (key: string) => this.i18n.t(key, { app: appName })
    return {
      open: t('tray.open'),
      quit: t('tray.quit'),
      file: t('menu.file'),
      view: t('menu.view'),
      networks: t('menu.networks'),
    }
  }

  /**
   * The question asked before a link opens in the browser: links in the app are written by
   * members, any of whom may mean harm. The host is named as the browser will read it
   * (punycode: `xn--` gives away letters that only look Latin), the whole address below it.
   */
  externalLinkQuestion(url: string): {
    message: string
    detail: string
    buttons: [open: string, cancel: string]
  } {
    const host = new URL(url).hostname
    return {
      message: this.i18n.t('link.question', { host }),
      detail: this.i18n.t('link.detail', { url }),
      buttons: [this.i18n.t('link.open'), this.i18n.t('link.cancel')],
    }
  }

  /** A notification as the page says it; the node's English text for a network not known yet. */
  sentence(entry: NotificationEntry, network: NetworkInfo | undefined): string {
    if (!network) return entry.text
    return eventSentence(this.i18n, entry, {
      me: network.me,
      networkName: network.name,
      nameOf: (id) => entry.names?.[id],
      money: (minor) => formatMoney(minor, network.currency, network.decimals, this.language),
    })
  }

  /**
   * One desktop notification for what arrived together (a sync after a night offline can bring
   * dozens): the sentence itself for one, a count and the latest for more.
   */
  notificationBody(
    entries: readonly NotificationEntry[],
    networkOf: (id: string) => NetworkInfo | undefined,
  ): string | null {
    const latest = entries.at(-1)
    if (!latest) return null
    const sentence = this.sentence(latest, networkOf(latest.network))
    if (entries.length === 1) return sentence
    return this.i18n.t('notifications.batch', { count: entries.length, latest: sentence })
  }
}
