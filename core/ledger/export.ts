/**
 * Export of a network's record for people to keep or to open in a spreadsheet: every pledge
 * of the network (its history), or only the promises one member made. Amounts are written in
 * the network's units (decimal text, "75.50") next to its currency, times as ISO 8601 (UTC),
 * members by name and id. The columns are documented in docs/cli.md ("Export").
 */
import { stringify } from 'csv-stringify/sync'
import { formatAmount } from './format.ts'
import { keys, type Member, type NetworkMeta, type Pledge } from './model.ts'
import type { ReadKV } from './kv.ts'
import { listMembers } from './queries.ts'

export type ExportFormat = 'json' | 'csv'

/** One row of the export: a pledge as a person reads it. */
export interface ExportRow {
  id: string
  kind: Pledge['kind']
  state: Pledge['state']
  from: string
  fromId: string
  to: string
  toId: string
  amount: string
  currency: string
  note: string
  /** 'monthly' or 'emergency'. */
  collection: string
  cycle: string
  created: string
  committed: string
  fulfilled: string
  confirmed: string
  closed: string
  overdue: boolean
  /** The cycle whose clearing confirmed it (domain.md §6), else empty. */
  clearedIn: string
  /** What clearings took off it so far (it still owes `amount`), else empty. */
  cleared: string
  /** The obligation this one is the cleared part of, else empty. */
  splitFrom: string
}

export const EXPORT_COLUMNS: ReadonlyArray<keyof ExportRow> = [
  'id',
  'kind',
  'state',
  'from',
  'fromId',
  'to',
  'toId',
  'amount',
  'currency',
  'note',
  'collection',
  'cycle',
  'created',
  'committed',
  'fulfilled',
  'confirmed',
  'closed',
  'overdue',
  'clearedIn',
  'cleared',
  'splitFrom',
]

export interface NetworkExport {
  network: { id: string; name: string; currency: string; decimals: number; timeZone: string }
  /** Whose promises, when only one member's are exported. */
  member: { id: string; name: string } | null
  exportedAt: string
  pledges: ExportRow[]
}

function iso(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString()
}

/** An amount in the network's units with all its decimals, as docs/cli.md says ("75.50", "10.00"). */
function units(minor: number, decimals: number): string {
  const text = formatAmount(minor, decimals)
  return decimals > 0 && !text.includes('.') ? `${text}.${'0'.repeat(decimals)}` : text
}

function rowOf(p: Pledge, meta: NetworkMeta, names: Map<string, string>): ExportRow {
  return {
    id: p.id,
    kind: p.kind,
    state: p.state,
    from: names.get(p.from) ?? '',
    fromId: p.from,
    to: names.get(p.to) ?? '',
    toId: p.to,
    amount: units(p.amount, meta.decimals),
    currency: meta.currency,
    note: p.note,
    collection: p.collection === 'monthly' ? 'monthly' : 'emergency',
    cycle: p.cycle,
    created: iso(p.createdAt),
    committed: iso(p.committedAt),
    fulfilled: iso(p.fulfilledAt),
    confirmed: iso(p.confirmedAt),
    closed: iso(p.closedAt),
    overdue: p.overdue,
    clearedIn: p.clearedIn ?? '',
    cleared: p.cleared ? units(p.cleared, meta.decimals) : '',
    splitFrom: p.splitFrom ?? '',
  }
}

/**
 * The network's pledges, oldest first, or (with `author`) only those that member made.
 * Reads the whole history: an export is asked for by a person, not on every update.
 */
export async function exportNetwork(
  kv: ReadKV,
  opts: { networkId: string; author?: string; now: number },
): Promise<NetworkExport | null> {
  const meta = await kv.get<NetworkMeta>(keys.meta)
  if (!meta) return null
  const members: Member[] = await listMembers(kv)
  const names = new Map(members.map((m) => [m.id, m.name]))
  let pledges: Pledge[]
  if (opts.author) {
    const ids = (await kv.list(keys.outgoingOf(opts.author))).map((e) =>
      e.key.slice(keys.outgoingOf(opts.author!).length),
    )
    pledges = (await Promise.all(ids.map((id) => kv.get<Pledge>(keys.pledge(id))))).filter(
      (p): p is Pledge => p !== null,
    )
  } else {
    pledges = (await kv.list<Pledge>(keys.pledges)).map((e) => e.value)
  }
  pledges.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return {
    network: {
      id: opts.networkId,
      name: meta.name,
      currency: meta.currency,
      decimals: meta.decimals,
      timeZone: meta.timeZone,
    },
    member: opts.author ? { id: opts.author, name: names.get(opts.author) ?? '' } : null,
    exportedAt: iso(opts.now),
    pledges: pledges.map((p) => rowOf(p, meta, names)),
  }
}

/** The export as file text: JSON (the whole object) or CSV (one pledge a line, a header). */
export function exportText(data: NetworkExport, format: ExportFormat): string {
  if (format === 'json') return JSON.stringify(data, null, 2) + '\n'
  return stringify(
    data.pledges.map((row) => EXPORT_COLUMNS.map((c) => row[c])),
    {
      header: true,
      columns: [...EXPORT_COLUMNS],
      cast: { boolean: (b) => (b ? 'yes' : 'no') },
      // A note starting with = + - @ would run as a formula in a spreadsheet: members write them.
      escape_formulas: true,
    },
  )
}

/** The export as a file to save: its name, type and text. */
export function exportFile(
  data: NetworkExport,
  opts: { format: ExportFormat; mine: boolean; now: number },
): { filename: string; mimeType: string; rows: number; text: string } {
  const slug = data.network.name.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'network'
  const day = new Date(opts.now).toISOString().slice(0, 10)
  const what = opts.mine ? 'my-promises' : 'history'
  return {
    filename: `exodus-${slug}-${what}-${day}.${opts.format}`,
    mimeType: opts.format === 'json' ? 'application/json' : 'text/csv',
    rows: data.pledges.length,
    text: exportText(data, opts.format),
  }
}
