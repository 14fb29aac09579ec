/**
 * The clearing of mutual obligations (domain.md §6): consent from the 25th to the end of the
 * month, what it would do now, and what it did.
 */
import type {
  ClearingPreviewState,
  ClearingResultsState,
  NetworkSummary,
} from '../../api/contract.ts'
import type { ChainView, ClearingItem } from '../../ledger/clearing-view.ts'
import { CLEARING_CHOSEN_MAX } from '../../ledger/limits.ts'
import type { ClearingConsent } from '../../ledger/model.ts'
import { percentText } from '../../ledger/notifications.ts'
import { formatTime, money, short, table } from '../output.ts'
import { amountArg, str } from './args.ts'
import { appended, UsageError, type CommandSpec } from './spec.ts'

type Named = Pick<ClearingPreviewState, 'names' | 'me'>

function nameIn(s: Named): (id: string) => string {
  return (id) => (id === s.me ? 'you' : (s.names[id] ?? short(id)))
}

/** "chain of 20 EUR: you → Boris → Vera → you"; a long one cut short, with its length. */
export function chainText(c: ChainView, net: NetworkSummary, name: (id: string) => string) {
  const shown = c.members.map(name)
  const cut = c.length > c.members.length
  const path = [...shown, ...(cut ? ['…'] : []), shown[0]!].join(' → ')
  return `chain of ${money(c.amount, net)}: ${path}${cut ? ` (${c.length} members)` : ''}`
}

function consentText(c: ClearingConsent | null, net: NetworkSummary): string {
  if (!c) return 'not given (none of your obligations takes part)'
  if (c.obligations === 'none') return 'none of your obligations'
  const what =
    c.obligations === 'all'
      ? 'all your open obligations'
      : `${c.obligations.length} chosen obligation${c.obligations.length === 1 ? '' : 's'}`
  return c.cap === undefined ? what : `${what}, up to ${money(c.cap, net)} each`
}

/** One of my obligations and what clearing does to it, with its chains, indented. */
function itemLines(
  o: ClearingItem,
  net: NetworkSummary,
  name: (id: string) => string,
  extra = '',
): string[] {
  const p = o.pledge
  const head =
    `  ${p.id}  ${name(p.from)} → ${name(p.to)}  ${money(o.cleared + o.remaining, net)}` +
    `${extra}  cleared ${money(o.cleared, net)}, ${money(o.remaining, net)} left`
  const lines = [head]
  for (const c of o.chains) lines.push(`      ${chainText(c, net, name)}`)
  if (o.chainCount > o.chains.length)
    lines.push(`      … and ${o.chainCount - o.chains.length} more chains`)
  return lines
}

export function previewText(s: ClearingPreviewState, net: NetworkSummary): string {
  const name = nameIn(s)
  const out = [
    `Clearing of ${s.cycle}: consent from ${formatTime(s.opens, net.timeZone)} to ` +
      `${formatTime(s.closes, net.timeZone)} (${net.timeZone}); it runs then. ` +
      (s.open ? 'Open now.' : 'Not open now.'),
    `Your consent: ${consentText(s.myConsent, net)}.`,
    `If it ran now: ${money(s.totals.cleared, net)} of ${money(s.totals.debt, net)} cleared ` +
      `(${percentText(s.percentBp)}); ${s.members} members consenting, ${s.taking} obligations ` +
      `taking part` +
      (s.taking === 0 ? '.' : s.verified ? ' · verified optimal.' : ' · NOT verified.'),
    `Yours: ${money(s.mineCleared, net)} off what you owe, and as much off what you are owed.`,
  ]
  if (s.obligations.length === 0) {
    out.push('', 'You have no open obligations, either way.')
    return out.join('\n')
  }
  out.push('', 'Your open obligations:')
  for (const o of s.obligations) {
    const other = o.pledge.from === s.me ? o.pledge.to : o.pledge.from
    const consent = `  consent: you ${o.mine ? 'yes' : 'no'}, ${name(other)} ${o.theirs ? 'yes' : 'no'}`
    const cap = o.cap === null ? '' : `, up to ${money(o.cap, net)}`
    out.push(...itemLines(o, net, name, consent + cap))
  }
  return out.join('\n')
}

export function resultsText(s: ClearingResultsState, net: NetworkSummary): string {
  if (s.runs.length === 0)
    return 'No clearing has run yet: it runs as a month ends, over the obligations both sides consented to.'
  const rows = [['MONTH', 'DEBT', 'CLEARED', 'SHARE', 'MEMBERS', 'OBLIGATIONS', 'VERIFIED']]
  for (const r of s.runs) {
    rows.push([
      r.cycle,
      money(r.totals.debt, net),
      money(r.totals.cleared, net),
      percentText(r.percentBp),
      String(r.members),
      `${r.reduced}/${r.obligations}`,
      r.verified ? 'yes' : 'no',
    ])
  }
  const out = table(rows)
  if (!s.run) return out.join('\n')
  const name = nameIn(s)
  out.push('')
  if (!s.mine) {
    out.push(`Nothing of yours was cleared in ${s.run.cycle}.`)
    return out.join('\n')
  }
  out.push(
    `Yours in ${s.run.cycle}: ${money(s.mine.cleared, net)} off what you owed, and as much off ` +
      'what you were owed.',
  )
  for (const o of s.mine.obligations) out.push(...itemLines(o, net, name))
  return out.join('\n')
}

export const CLEARING_COMMANDS: CommandSpec[] = [
  {
    name: 'clearing consent',
    args: 'all | none | PLEDGE...',
    options: [['--cap AMOUNT', 'the most clearing may take off each obligation']],
    min: 1,
    max: CLEARING_CHOSEN_MAX,
    summary:
      "Consent to this month's clearing (from the 25th to the end of the month): all your open " +
      'obligations, owed by you or to you, none, or the PLEDGEs named. The last one counts.',
    group: 'Clearing',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const [first] = ctx.args
      const word = first === 'all' || first === 'none' ? first : null
      if (word && ctx.args.length > 1)
        throw new UsageError(`give ${word} alone, or name the obligations (PLEDGE...)`)
      const capText = str(ctx, 'cap')
      if (word === 'none' && capText !== undefined)
        throw new UsageError('--cap goes with all or with the obligations named, not with none')
      const cap = capText === undefined ? undefined : amountArg(capText, net)
      const obligations = word ?? ctx.args
      const result = await ctx.call('clearing.consent', {
        network: net.id,
        obligations,
        ...(cap !== undefined ? { cap } : {}),
      })
      const upTo = cap === undefined ? '' : `, up to ${money(cap, net)} each`
      const message =
        word === 'none'
          ? "Consent withdrawn: none of your obligations takes part in this month's clearing."
          : word === 'all'
            ? `You consent to clearing all your open obligations${upTo}.`
            : `You consent to clearing ${ctx.args.length} obligation${ctx.args.length === 1 ? '' : 's'}${upTo}.`
      return appended(ctx, net, result, message)
    },
  },
  {
    name: 'clearing preview',
    summary:
      "What this month's clearing would do now with the consents given so far: for your " +
      'obligations, with their chains, and in all.',
    group: 'Clearing',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('clearing.preview', { network: net.id })
      return { result, human: () => previewText(result, net) }
    },
  },
  {
    name: 'clearing results',
    args: '[MONTH]',
    min: 0,
    max: 1,
    summary:
      'The clearings that ran, and what one did for you: that of MONTH (YYYY-MM), by default ' +
      'the latest.',
    group: 'Clearing',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const [cycle] = ctx.args
      if (cycle !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(cycle))
        throw new UsageError(
          `MONTH must be written YYYY-MM (2025-01), not ${JSON.stringify(cycle)}`,
        )
      const result = await ctx.call('clearing.results', {
        network: net.id,
        ...(cycle !== undefined ? { cycle } : {}),
      })
      return { result, human: () => resultsText(result, net) }
    },
  },
]
