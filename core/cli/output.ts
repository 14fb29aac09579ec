/**
 * Human output of the CLI. Amounts and the display lines come from core/ledger/format.ts
 * and MemberCard.lines; this file only lays them out for a terminal.
 */
import type {
  InviteInfo,
  NetworkState,
  NetworkSummary,
  NotificationEntry,
  Results,
} from '../api/contract.ts'
import { formatAmount } from '../ledger/format.ts'
import type { Pledge } from '../ledger/model.ts'
import type { MemberCard } from '../ledger/queries.ts'

export type Names = (id: string) => string

export const short = (id: string) => id.slice(0, 8)

/** `2025-01-31 14:05` in the network's time zone (or this machine's). */
export function formatTime(ms: number | null | undefined, timeZone?: string): string {
  if (ms === null || ms === undefined) return 'never'
  const parts = new Intl.DateTimeFormat('en-CA', {
    ...(timeZone ? { timeZone } : {}),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms))
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`
}

export function money(minor: number, net: Pick<NetworkSummary, 'decimals' | 'currency'>): string {
  return `${formatAmount(minor, net.decimals)} ${net.currency}`
}

const STATUS_ICON = { green: '✅', orange: '🔆', red: '🆘' } as const

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** Columns padded to the widest cell (by code points, close enough for a terminal). */
export function table(rows: string[][]): string[] {
  const widths: number[] = []
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)))
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length),
      )
      .join('  ')
      .trimEnd(),
  )
}

export function pledgeLine(p: Pledge, net: NetworkSummary, names: Names): string {
  const note = p.note ? `  "${p.note}"` : ''
  const overdue = p.overdue ? ' ⌛ overdue' : ''
  return (
    `${p.id}  ${p.kind} ${p.state}${overdue}  ${money(p.amount, net)}  ` +
    `${names(p.from)} → ${names(p.to)}${note}`
  )
}

export function networksText(list: NetworkSummary[]): string {
  if (list.length === 0)
    return (
      'This node is in no network yet. Create one with: exodus network create NAME --currency EUR\n' +
      'or join one with: exodus join CODE'
    )
  const rows = [['NAME', 'ID', 'CURRENCY', 'CYCLE', 'PEERS', 'LAST SYNC', 'SHARED']]
  for (const n of list) {
    rows.push([
      n.name + (n.needsUpdate ? ' (update the app)' : '') + (n.joined ? '' : ' (joining)'),
      short(n.id),
      n.currency,
      n.cycle ?? '-',
      String(n.sync.peers),
      formatTime(n.sync.lastSync),
      n.sync.ownEntriesShared ? 'yes' : 'not yet',
    ])
  }
  return table(rows).join('\n')
}

export function networkCreatedText(n: NetworkSummary): string {
  return [
    `Created network ${n.name} (${short(n.id)}) in ${n.currency}, time zone ${n.timeZone}.`,
    `You are its first member (${short(n.me)}). Invite friends with: exodus invite create`,
  ].join('\n')
}

export function inviteText(i: InviteInfo, names: Names): string {
  const lines = [
    `Invite ${short(i.id)}${i.for ? ` to help ${names(i.for)}` : ''}: ` +
      `${plural(i.uses, 'use')} (${i.used} used), valid until ${formatTime(i.expiresAt)}` +
      (i.revoked ? ', REVOKED' : ''),
    `Code: ${i.code}`,
    `Link: ${i.link}`,
  ]
  return lines.join('\n')
}

export function invitesText(list: InviteInfo[], names: Names, now: number): string {
  if (list.length === 0) return 'No invites. Create one with: exodus invite create'
  const rows = [['ID', 'FOR', 'USED', 'EXPIRES', 'STATE', 'CODE']]
  for (const i of list) {
    const state = i.revoked
      ? 'revoked'
      : i.used >= i.uses
        ? 'used up'
        : i.expiresAt <= now
          ? 'expired'
          : 'open'
    rows.push([
      short(i.id),
      i.for ? names(i.for) : '-',
      `${i.used}/${i.uses}`,
      formatTime(i.expiresAt),
      state,
      i.code,
    ])
  }
  return table(rows).join('\n')
}

export function cardText(c: MemberCard, net: NetworkSummary, names: Names): string {
  const lines = [
    `${c.name} (${c.shortId}) ${STATUS_ICON[c.status]} ${c.status}${c.left ? ' · left the network' : ''}`,
  ]
  if (c.about) lines.push(`About: ${c.about}`)
  if (c.status === 'orange') lines.push(`Asks for ${money(c.monthly, net)} a month`)
  if (c.red) {
    lines.push(
      `Emergency: ${money(c.red.amount, net)} by ${formatTime(c.red.deadline, net.timeZone)} ` +
        `(${plural(c.red.daysLeft, 'day')} left)`,
    )
  }
  if (c.lines.emergency) lines.push(c.lines.emergency)
  lines.push(c.lines.incoming, c.lines.outgoing)
  if (c.status !== 'green') {
    const p = c.progress
    lines.push(
      `💰 ${money(p.goal, net)} · ❤️ ${formatAmount(p.intended, net.decimals)} · ` +
        `🤝 ${formatAmount(p.committed, net.decimals)} · 👍 ${formatAmount(p.confirmed, net.decimals)} · ` +
        `🙏 ${formatAmount(p.missing, net.decimals)}`,
    )
    if (c.payment === null || c.payment.length === 0) lines.push('Payment: ask in person')
    else
      for (const d of c.payment)
        lines.push(`Payment: ${d.label}: ${d.value}${d.isDefault ? ' (default)' : ''}`)
  }
  if (c.overdue > 0) lines.push(`Overdue obligations ⌛: ${c.overdue}`)
  if (c.supporters.length) lines.push(`Supported by: ${c.supporters.map(names).join(', ')}`)
  if (c.supporting.length) lines.push(`Supports: ${c.supporting.map(names).join(', ')}`)
  return lines.join('\n')
}

export function stateText(s: NetworkState): string {
  const net = s.network
  const byId = new Map(s.members.map((m) => [m.id, m.name]))
  const names: Names = (id) => byId.get(id) ?? short(id)
  const out: string[] = []
  out.push(
    `${net.name} (${short(net.id)}) · ${net.currency} · cycle ${s.meta.cycle} · ${net.timeZone}`,
  )
  const sync = net.sync
  out.push(
    `Sync: ${plural(sync.peers, 'peer')} connected · last sync ${formatTime(sync.lastSync)} · ` +
      `your latest entries ${sync.ownEntriesShared ? 'have reached a peer' : 'have not reached a peer yet'}` +
      (sync.writable ? '' : ' · not writable yet') +
      (sync.stateComplete ? '' : ' · the rest of the state is still arriving'),
  )
  if (net.needsUpdate) out.push('Some members use a newer app version: update the app.')

  const me = s.members.find((m) => m.id === s.me)
  out.push('', me ? `You: ${me.name} (${me.shortId})` : `You: ${short(s.me)} (not a member yet)`)

  out.push('', `Members (${s.members.length})`)
  const rows = s.members.map((m) => [
    m.name + (m.id === s.me ? ' (you)' : ''),
    m.shortId,
    `${STATUS_ICON[m.status]} ${m.left ? 'left' : m.status}`,
    m.lines.incoming,
    m.lines.outgoing,
  ])
  out.push(...table(rows).map((l) => '  ' + l))

  const needy = s.home.needsHelp
  if (needy.length) {
    out.push('', 'Needs help now')
    for (const c of needy)
      out.push('  ' + (c.lines.emergency ?? `${c.name} 🔆 ${c.lines.incoming}`))
  }

  const section = (title: string, pledges: Pledge[], limit = 20) => {
    if (!pledges.length) return
    out.push('', `${title} (${pledges.length})`)
    for (const p of pledges.slice(0, limit)) out.push('  ' + pledgeLine(p, net, names))
    if (pledges.length > limit) out.push(`  … ${pledges.length - limit} more (see --json)`)
  }
  const o = s.organizer
  section('To confirm 👍', o.toConfirm)
  section('My promises', o.myPromises)
  section('Promises to me', o.promisesToMe)
  section('Awaiting their confirmation', o.awaitingTheirConfirmation)
  section('Overdue ⌛', o.overdue)
  section('Fulfilled', o.fulfilled, 5)

  const unread = s.notifications.filter((n) => !n.read).length
  out.push(
    '',
    `Notifications: ${unread} unread of ${s.notifications.length}` +
      (unread ? ' (exodus notifications --unread)' : ''),
  )
  if (s.rejected.length)
    out.push(`Refused entries: ${s.rejected.length} (exodus state --json shows why)`)
  return out.join('\n')
}

export function peersText(p: Results['peers']): string {
  const lines = [
    `${plural(p.peers, 'peer')} connected · last sync ${formatTime(p.lastSync)}`,
    p.ownEntriesShared
      ? 'Your latest entries have reached at least one peer.'
      : 'Your latest entries have not reached any peer yet.',
  ]
  if (!p.stateComplete) {
    lines.push('The latest state is here; the rest of it is still arriving from peers.')
  }
  if (!p.writable) lines.push('Not writable yet: waiting to be admitted by a member.')
  for (const r of p.remotes) lines.push(`  ${short(r.key)}  connected since ${formatTime(r.since)}`)
  if (p.peers === 0)
    lines.push('No peers: nobody else in this network is online, or they cannot be reached.')
  return lines.join('\n')
}

export function notificationsText(list: NotificationEntry[], networks: NetworkSummary[]): string {
  if (list.length === 0) return 'No notifications.'
  const byId = new Map(networks.map((n) => [n.id, n]))
  const several = new Set(list.map((n) => n.network)).size > 1
  return list
    .map((n) => {
      const net = byId.get(n.network)
      const where = several ? `[${net?.name ?? short(n.network)}] ` : ''
      return `${n.read ? ' ' : '•'} ${formatTime(n.at, net?.timeZone)}  ${where}${n.text}  (${n.id})`
    })
    .join('\n')
}
