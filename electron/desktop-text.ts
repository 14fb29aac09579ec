/**
 * The few texts the shell shows outside the window: each network's sync state in the tray and
 * the app menu ("Friends: 2 peers"), and the body of a desktop notification. The node writes
 * notification texts in English (core/ledger/notifications.ts); so does the tray.
 */
import type { NotificationEntry, SyncState } from '../core/api/contract.ts'

export interface NetworkSync {
  name: string
  sync: SyncState
}

export function syncLine({ name, sync }: NetworkSync): string {
  if (sync.peers === 0) return `${name}: offline`
  return `${name}: ${sync.peers} ${sync.peers === 1 ? 'peer' : 'peers'}`
}

/** One line per network, by name; a single line saying so when there is none yet. */
export function syncLines(networks: Iterable<NetworkSync>): string[] {
  const lines = [...networks].sort((a, b) => a.name.localeCompare(b.name)).map((n) => syncLine(n))
  return lines.length > 0 ? lines : ['No networks yet']
}

/** The tray icon's tooltip: the app and how connected it is at a glance. */
export function trayTooltip(appName: string, networks: Iterable<NetworkSync>): string {
  return [appName, ...syncLines(networks)].join('\n')
}

/**
 * One desktop notification for what arrived together (a sync after a night offline can bring
 * dozens): the text itself for one, a count and the latest for more.
 */
export function notificationBody(entries: readonly NotificationEntry[]): string | null {
  const latest = entries.at(-1)
  if (!latest) return null
  if (entries.length === 1) return latest.text
  return `${entries.length} new notifications. Latest: ${latest.text}`
}
