/**
 * Every `exodus` command: its syntax, and how it maps onto the API contract. Commands turn
 * friendly arguments (amounts in whole units, "7d") into contract parameters; the node
 * decides everything else.
 */
import { writeFile } from 'node:fs/promises'
import type {
  Appended,
  Command,
  NetworkSummary,
  Params,
  PledgeCommand,
  Results,
} from '../api/contract.ts'
import { parseAmount } from '../ledger/format.ts'
import {
  ABOUT_MAX,
  CURRENCY_PATTERN,
  INVITE_DAYS_MAX,
  INVITE_DAYS_MIN,
  isTimeZone,
  MAX_AMOUNT,
  NAME_MAX,
  NOTE_MAX,
  PAYMENT_LABEL_MAX,
  PAYMENT_VALUE_MAX,
} from '../ledger/limits.ts'
import type { PaymentDetail } from '../ledger/ops.ts'
import { readDaemonInfo } from '../daemon/info.ts'
import { parseDuration } from '../daemon/options.ts'
import {
  cardText,
  inviteText,
  invitesText,
  money,
  networkCreatedText,
  networksText,
  notificationsText,
  peersText,
  pledgeLine,
  short,
  stateText,
  type Names,
} from './output.ts'

export class UsageError extends Error {
  override name = 'UsageError'
}

export type OptionValues = Record<string, string | boolean | undefined>

export interface Context {
  args: string[]
  opts: OptionValues
  dataDir: string
  call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]>
  /** The network named by --network, or the only one. */
  network(): Promise<NetworkSummary>
  /** Member names for human output (falls back to short ids). */
  names(network: NetworkSummary, ids: Array<string | null | undefined>): Promise<Names>
}

export interface Output {
  /** What --json prints: the contract's result, as is. */
  result: unknown
  /** What a person reads. */
  human: () => string | Promise<string>
}

export interface CommandSpec {
  /** Words that select it: 'invite create'. */
  name: string
  /** Positional arguments, for the usage line. */
  args?: string
  /** Options this command accepts, as shown in its usage. */
  options?: Array<[flag: string, help: string]>
  summary: string
  group: string
  /** Positional count limits (default: exactly the number of words in `args`). */
  min?: number
  max?: number
  /** Whether it acts in one network (--network). */
  inNetwork?: boolean
  /** Runs it; absent for `daemon`, which main runs itself. */
  run?: (ctx: Context) => Promise<Output>
}

const NETWORK_OPT: [string, string] = ['--network NET', 'the network (id, prefix or name)']

/** The options part of a usage line; options whose help says "(required)" are not bracketed. */
export function optionsUsage(spec: CommandSpec): string {
  return (spec.options ?? [])
    .map(([flag, help]) => (help.includes('(required)') ? ` ${flag}` : ` [${flag}]`))
    .join('')
}

export function usageOf(spec: CommandSpec): string {
  const opts = optionsUsage(spec)
  const net = spec.inNetwork ? ' [--network NET]' : ''
  const json = spec.run ? ' [--json]' : ''
  return `exodus [--data DIR] ${spec.name}${spec.args ? ' ' + spec.args : ''}${opts}${net}${json}`
}

export function helpOf(spec: CommandSpec): string {
  const lines = [`Usage: ${usageOf(spec)}`, '', spec.summary]
  const opts = [...(spec.options ?? []), ...(spec.inNetwork ? [NETWORK_OPT] : [])]
  if (opts.length) {
    lines.push('', 'Options:')
    const width = Math.max(...opts.map(([f]) => f.length))
    for (const [flag, help] of opts) lines.push(`  ${flag.padEnd(width)}  ${help}`)
  }
  return lines.join('\n')
}

/** The option names (without dashes) a spec accepts. */
export function optionNames(spec: CommandSpec): string[] {
  return (spec.options ?? []).map(([flag]) => /--([\w-]+)/.exec(flag)?.[1] ?? flag)
}

// ---- argument helpers --------------------------------------------------------------------

// The node checks every value against the contract too, but its refusals name the contract's
// fields in minor units (`intention.create: amount: must be at most 1000000000000`): what a
// person typed is checked here first, against the same limits, in the words they typed.

function str(ctx: Context, name: string): string | undefined {
  const v = ctx.opts[name]
  return typeof v === 'string' ? v : undefined
}

/** Positional argument `i`, which the usage line calls `what` (MEMBER, PLEDGE...). */
function arg(ctx: Context, i: number, what: string): string {
  const v = ctx.args[i]
  if (v === undefined) throw new UsageError(`missing ${what}`)
  if (v.trim() === '') throw new UsageError(`${what} must not be empty`)
  return v
}

function limited(text: string, what: string, max: number): string {
  if (text.length > max)
    throw new UsageError(`${what} must be at most ${max} characters (this one has ${text.length})`)
  return text
}

/** A member's or network's name: the ledger keeps it trimmed, 1 to NAME_MAX characters. */
function nameText(text: string, what: string): string {
  if (text.trim() === '') throw new UsageError(`${what} must not be empty`)
  return limited(text.trim(), what, NAME_MAX)
}

function nameOption(ctx: Context, option: string): string | undefined {
  const v = str(ctx, option)
  return v === undefined ? undefined : nameText(v, `--${option}`)
}

/** "10,000,000,000 EUR": the most one amount may be, in the network's units. */
function maxAmountText(net: Pick<NetworkSummary, 'decimals' | 'currency'>): string {
  const units = new Intl.NumberFormat('en-US', { maximumFractionDigits: net.decimals })
  return `${units.format(MAX_AMOUNT / 10 ** net.decimals)} ${net.currency}`
}

/** A typed amount in whole units of the network (`75`, `75.50`, `75,5`) → minor units. */
function amountArg(text: string, net: NetworkSummary): number {
  const notAmount = (why: string) =>
    new UsageError(`${JSON.stringify(text)} is not an amount in ${net.currency}: ${why}`)
  // A minus typed as such (also the typographic one) is a sign, not a typo.
  const number = /^\s*([-\u2212]?)\s*(\d+)(?:[.,](\d+))?\s*$/.exec(text)
  if (!number || (number[3] ?? '').length > net.decimals) {
    const example = net.decimals > 0 ? `75 or 75.${'5'.padEnd(net.decimals, '0')}` : '75'
    throw notAmount(
      `write a number greater than 0 with at most ${net.decimals} decimals, e.g. ${example}`,
    )
  }
  const [, sign, whole, fraction] = number
  if (sign || /^0*$/.test(`${whole}${fraction ?? ''}`))
    throw notAmount(`the amount must be more than 0 ${net.currency}`)
  // Too many digits to parse is too much as well.
  const minor = parseAmount(fraction ? `${whole}.${fraction}` : whole!, net.decimals)
  if (minor === null || minor > MAX_AMOUNT)
    throw notAmount(`the amount must be at most ${maxAmountText(net)}`)
  return minor
}

function intArg(text: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max)
    throw new UsageError(
      `${what} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`,
    )
  return Number(text)
}

/** `IBAN=DE89…*` → a payment detail; the trailing `*` marks the default. */
export function parsePaymentDetails(words: string[]): PaymentDetail[] {
  const details = words.map((word) => {
    const eq = word.indexOf('=')
    if (eq <= 0 || eq === word.length - 1)
      throw new UsageError(
        `${JSON.stringify(word)} is not LABEL=VALUE (e.g. IBAN=DE89370400440532013000*)`,
      )
    const isDefault = word.endsWith('*')
    const label = limited(word.slice(0, eq).trim(), 'LABEL', PAYMENT_LABEL_MAX)
    const value = word.slice(eq + 1, isDefault ? -1 : undefined).trim()
    if (!label) throw new UsageError(`${JSON.stringify(word)} has no label`)
    if (!value) throw new UsageError(`${JSON.stringify(word)} has no value`)
    return { label, value: limited(value, 'VALUE', PAYMENT_VALUE_MAX), isDefault }
  })
  const defaults = details.filter((d) => d.isDefault).length
  if (defaults > 1) throw new UsageError('mark only one payment detail as the default with *')
  if (defaults === 0 && details[0]) details[0].isDefault = true
  return details
}

// ---- outputs ---------------------------------------------------------------------------

async function appended(
  ctx: Context,
  net: NetworkSummary,
  result: Appended,
  message: string,
): Promise<Output> {
  return {
    result,
    human: async () => {
      if (!result.pledge) return message
      const names = await ctx.names(net, [result.pledge.from, result.pledge.to])
      return `${message}\n${pledgeLine(result.pledge, net, names)}`
    },
  }
}

function onPledge(
  name: string,
  command: PledgeCommand,
  summary: string,
  done: string,
  group: string,
): CommandSpec {
  return {
    name,
    args: 'PLEDGE',
    summary,
    group,
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call(command, { network: net.id, pledge: arg(ctx, 0, 'PLEDGE') })
      return appended(ctx, net, result, done)
    },
  }
}

function pledgeCreate(kind: 'intention' | 'obligation'): CommandSpec {
  const command = kind === 'intention' ? 'intention.create' : 'obligation.create'
  return {
    name: `${kind} create`,
    args: 'MEMBER AMOUNT',
    options: [['--note TEXT', 'what it is for (a lesson, a repair...), at most 140 characters']],
    summary:
      kind === 'intention'
        ? 'Promise revocably ❤️ to give AMOUNT to MEMBER (short id or unique name) this month.'
        : 'Promise irrevocably 🤝 to give AMOUNT to MEMBER (short id or unique name).',
    group: 'Helping',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const note = str(ctx, 'note')
      const result = await ctx.call(command, {
        network: net.id,
        to: arg(ctx, 0, 'MEMBER'),
        amount: amountArg(arg(ctx, 1, 'AMOUNT'), net),
        ...(note !== undefined ? { note: limited(note, '--note', NOTE_MAX) } : {}),
      })
      return appended(
        ctx,
        net,
        result,
        kind === 'intention' ? 'Intention ❤️ recorded.' : 'Obligation 🤝 recorded (irrevocable).',
      )
    },
  }
}

// ---- the commands ----------------------------------------------------------------------

export const COMMAND_SPECS: CommandSpec[] = [
  {
    name: 'daemon',
    options: [
      [
        '--bootstrap HOST:PORT,...',
        'HyperDHT bootstrap nodes (env EXODUS_BOOTSTRAP); default: the public DHT',
      ],
      [
        '--clock-offset OFFSET',
        'shift the node clock: +35d, -2h, 3600000 (ms) (env EXODUS_CLOCK_OFFSET)',
      ],
      ['--port N', 'port on 127.0.0.1 for the UI and API; default: a free one'],
      ['--static DIR', 'serve this built UI folder instead of the placeholder page'],
      ['--log-level LEVEL', 'debug, info (default), warn or error (env EXODUS_LOG_LEVEL)'],
    ],
    summary:
      'Run the node of the data folder in the foreground: the always-on peer, with the UI and ' +
      'API on a printed 127.0.0.1 address. Stop with Ctrl-C.',
    group: 'The node',
  },
  {
    name: 'url',
    summary: "Print the address of the running node's UI (with its token).",
    group: 'The node',
    async run(ctx) {
      await ctx.call('identity.get', {}) // checks the node answers
      const info = readDaemonInfo(ctx.dataDir)
      return { result: { url: info?.url ?? null }, human: () => info?.url ?? '' }
    },
  },
  {
    name: 'info',
    summary: 'The running node: its data folder, DHT bootstrap nodes and version.',
    group: 'The node',
    async run(ctx) {
      const result = await ctx.call('node.info', {})
      return {
        result,
        human: () =>
          [
            `Data folder: ${result.dataDir}`,
            `Bootstrap: ${result.bootstrap?.join(', ') ?? 'public HyperDHT'}`,
            `Version: ${result.version}`,
          ].join('\n'),
      }
    },
  },
  {
    name: 'identity',
    options: [['--name NAME', 'set the name this install uses by default in new networks']],
    summary: "Show (or set) this install's identity: its name and public key.",
    group: 'The node',
    async run(ctx) {
      const name = nameOption(ctx, 'name')
      const result =
        name !== undefined
          ? await ctx.call('identity.set', { name })
          : await ctx.call('identity.get', {})
      return { result, human: () => `Name: ${result.name}\nPublic key: ${result.publicKey}` }
    },
  },
  {
    name: 'network create',
    args: 'NAME',
    options: [
      ['--currency CODE', '(required) EUR, USD, RUB, hours...'],
      ['--decimals N', 'decimals of the currency, 0-3 (default 2)'],
      [
        '--tz ZONE',
        'time zone of the monthly cycles, e.g. Europe/Berlin (default: this machine’s)',
      ],
      ['--me NAME', 'your name in the network (default: your identity name)'],
    ],
    summary: 'Create a network and become its first member.',
    group: 'Networks and invites',
    async run(ctx) {
      const currency = str(ctx, 'currency')
      if (!currency) throw new UsageError('say the unit of the network with --currency (e.g. EUR)')
      if (!CURRENCY_PATTERN.test(currency))
        throw new UsageError(
          `--currency must be a currency code such as EUR, or a unit of 1 to 10 letters such as ` +
            `hours, not ${JSON.stringify(currency)}`,
        )
      const decimals = str(ctx, 'decimals')
      const tz = str(ctx, 'tz')
      if (tz !== undefined && !isTimeZone(tz))
        throw new UsageError(
          `--tz ${JSON.stringify(tz)} is not a known time zone: use one such as Europe/Berlin`,
        )
      const me = nameOption(ctx, 'me')
      const result = await ctx.call('network.create', {
        name: nameText(arg(ctx, 0, 'NAME'), 'NAME'),
        currency,
        ...(decimals !== undefined ? { decimals: intArg(decimals, '--decimals', 0, 3) } : {}),
        ...(tz !== undefined ? { timeZone: tz } : {}),
        ...(me !== undefined ? { memberName: me } : {}),
      })
      return { result, human: () => networkCreatedText(result) }
    },
  },
  {
    name: 'networks',
    summary: 'List the networks of this node, with their sync state.',
    group: 'Networks and invites',
    async run(ctx) {
      const result = await ctx.call('network.list', {})
      return { result, human: () => networksText(result) }
    },
  },
  {
    name: 'network list',
    summary: 'Same as `exodus networks`.',
    group: 'Networks and invites',
    async run(ctx) {
      const result = await ctx.call('network.list', {})
      return { result, human: () => networksText(result) }
    },
  },
  {
    name: 'join',
    args: 'CODE',
    options: [
      ['--name NAME', 'your name in the network'],
      ['--wait', 'keep waiting until a member is online to admit you'],
    ],
    summary: 'Join a network with an invite code or exodus:// link.',
    group: 'Networks and invites',
    async run(ctx) {
      const name = nameOption(ctx, 'name')
      const result = await ctx.call('network.join', {
        invite: arg(ctx, 0, 'CODE'),
        ...(name !== undefined ? { name } : {}),
        ...(ctx.opts.wait === true ? { wait: true } : {}),
      })
      return {
        result,
        human: async () => {
          const net = result.network
          const lines = [`Joined ${net.name} (${short(net.id)}) as ${short(net.me)}.`]
          if (result.landing) {
            const names = await ctx.names(net, [result.landing])
            lines.push(
              `The invite asks you to help ${names(result.landing)}: ` +
                `exodus card ${short(result.landing)}`,
            )
          }
          return lines.join('\n')
        },
      }
    },
  },
  {
    name: 'leave',
    summary:
      'Leave the network: your intentions are cancelled, your profile and payment details removed; obligations you gave are still owed.',
    group: 'Networks and invites',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('network.leave', { network: net.id })
      return { result, human: () => `Left ${net.name}. ${result.note}`.trim() }
    },
  },
  {
    name: 'forget',
    options: [['--yes', 'confirm (required): the copy cannot be brought back from this device']],
    summary:
      "Delete this device's copy of a network (its history, keys and invites); members keep theirs.",
    group: 'Networks and invites',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      if (ctx.opts.yes !== true)
        throw new UsageError(
          `This deletes this device's copy of ${net.name}: its history, its keys and your invites. ` +
            'Other members keep theirs; rejoining needs a new invite. Run again with --yes to confirm.',
        )
      const result = await ctx.call('network.forget', { network: net.id })
      return { result, human: () => `Deleted this device's copy of ${result.name}.` }
    },
  },
  {
    name: 'export',
    options: [
      ['--mine', "only the promises you made (default: the network's whole history)"],
      ['--format json|csv', 'json (default) or csv'],
      ['--out FILE', 'write to FILE instead of the standard output'],
    ],
    summary: "Export the network's pledges (or only yours) as JSON or CSV; columns in docs/cli.md.",
    group: 'Networks and invites',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const format = str(ctx, 'format') ?? 'json'
      if (format !== 'json' && format !== 'csv')
        throw new UsageError(`--format must be json or csv, not ${JSON.stringify(format)}`)
      const result = await ctx.call('export', {
        network: net.id,
        format,
        ...(ctx.opts.mine === true ? { mine: true } : {}),
      })
      const out = str(ctx, 'out')
      if (out === undefined) return { result, human: () => result.text.replace(/\n$/, '') }
      await writeFile(out, result.text, { mode: 0o600 })
      return {
        result: { ...result, path: out },
        human: () => `Wrote ${result.rows} ${result.rows === 1 ? 'pledge' : 'pledges'} to ${out}.`,
      }
    },
  },
  {
    name: 'data remove',
    options: [['--yes', 'confirm (required)']],
    summary:
      "Delete all of this device's data: every network copy, your identity and invites. Other members keep theirs.",
    group: 'Networks and invites',
    async run(ctx) {
      if (ctx.opts.yes !== true)
        throw new UsageError(
          `This deletes everything the node keeps in ${ctx.dataDir}: every network copy, your identity ` +
            'and your invites. Other members keep their copies; you would need new invites to rejoin. ' +
            'Run again with --yes to confirm.',
        )
      const result = await ctx.call('data.remove', { confirm: true })
      return {
        result,
        human: () =>
          `Removed all local data (${result.removed.join(', ')}). The node starts afresh.`,
      }
    },
  },
  {
    name: 'invite create',
    options: [
      ['--for MEMBER', 'the member in need the invite leads to ("come and help Anna")'],
      ['--expires DURATION', 'valid for 7d (default), 12h, 30d... (a bare number is days)'],
      ['--uses N', 'how many people may join with it (default 1)'],
    ],
    summary: 'Create an invite ("Help" link): a code and an exodus:// link to send a friend.',
    group: 'Networks and invites',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const expires = str(ctx, 'expires')
      const uses = str(ctx, 'uses')
      const forMember = str(ctx, 'for')
      if (forMember?.trim() === '') throw new UsageError('--for must not be empty')
      let expiresInDays: number | undefined
      if (expires !== undefined) {
        const ms = parseDuration(expires, 'd')
        if (ms <= 0) throw new UsageError('--expires must be a positive duration such as 7d')
        expiresInDays = ms / 86_400_000
        if (expiresInDays < INVITE_DAYS_MIN)
          throw new UsageError('--expires is too short for anyone to use it: give at least 2m')
        if (expiresInDays > INVITE_DAYS_MAX)
          throw new UsageError(`--expires must be at most ${INVITE_DAYS_MAX}d (a year)`)
      }
      const result = await ctx.call('invite.create', {
        network: net.id,
        ...(forMember !== undefined ? { for: forMember } : {}),
        ...(expiresInDays !== undefined ? { expiresInDays } : {}),
        ...(uses !== undefined ? { uses: intArg(uses, '--uses', 1, 1000) } : {}),
      })
      return {
        result,
        human: async () => inviteText(result, await ctx.names(net, [result.for])),
      }
    },
  },
  {
    name: 'invite list',
    summary: 'List the invites of the network.',
    group: 'Networks and invites',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('invite.list', { network: net.id })
      return {
        result,
        human: async () =>
          invitesText(
            result,
            await ctx.names(
              net,
              result.map((i) => i.for),
            ),
            Date.now(),
          ),
      }
    },
  },
  {
    name: 'invite revoke',
    args: 'ID',
    summary: 'Revoke an invite: nobody can join with it any more.',
    group: 'Networks and invites',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('invite.revoke', {
        network: net.id,
        invite: arg(ctx, 0, 'ID'),
      })
      return { result, human: () => `Invite ${short(result.id)} revoked.` }
    },
  },
  {
    name: 'profile',
    options: [
      ['--name NAME', 'your name in this network'],
      ['--about TEXT', 'a few words about you (at most 180 characters; a link is fine)'],
    ],
    summary: 'Change your name or "about me" in the network; without options, show your card.',
    group: 'You',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const name = nameOption(ctx, 'name')
      const about = str(ctx, 'about')
      if (name === undefined && about === undefined) {
        const card = await ctx.call('member.card', { network: net.id, member: net.me })
        return {
          result: card,
          human: async () =>
            cardText(card, net, await ctx.names(net, card.supporters.concat(card.supporting))),
        }
      }
      const result = await ctx.call('profile.set', {
        network: net.id,
        ...(name !== undefined ? { name } : {}),
        ...(about !== undefined ? { about: limited(about, '--about', ABOUT_MAX) } : {}),
      })
      return appended(ctx, net, result, 'Profile updated.')
    },
  },
  {
    name: 'payment set',
    args: 'LABEL=VALUE[*] ...',
    min: 1,
    max: 10,
    summary:
      'Set how people can pay you (replaces the list). Mark the default with a trailing * ' +
      '(else the first is): exodus payment set "IBAN=DE89 3704 0044*" PayPal=anna@example.org',
    group: 'You',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const details = parsePaymentDetails(ctx.args)
      const result = await ctx.call('payment.set', { network: net.id, details })
      return appended(ctx, net, result, `Payment details saved (${details.length}).`)
    },
  },
  {
    name: 'payment clear',
    summary: 'Remove your payment details: members will see "ask in person".',
    group: 'You',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('payment.set', { network: net.id, details: [] })
      return appended(
        ctx,
        net,
        result,
        'Payment details removed: members will see "ask in person".',
      )
    },
  },
  {
    name: 'status',
    args: 'green | orange AMOUNT | red AMOUNT DAYS',
    min: 1,
    max: 3,
    summary:
      'Set your status: green ✅ (no help needed), orange 🔆 AMOUNT (monthly support), or ' +
      'red 🆘 AMOUNT DAYS (an emergency, 1-31 days).',
    group: 'You',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const [status, amountText, daysText] = ctx.args
      let params: Params<'status.set'>
      let message: string
      if (status === 'green' && ctx.args.length === 1) {
        params = { network: net.id, status }
        message = 'You are green ✅: not asking for help.'
      } else if (status === 'orange' && ctx.args.length === 2) {
        const amount = amountArg(amountText!, net)
        params = { network: net.id, status, amount }
        message = `You are orange 🔆: asking for ${money(amount, net)} a month.`
      } else if (status === 'red' && ctx.args.length === 3) {
        const amount = amountArg(amountText!, net)
        const days = intArg(daysText!, 'DAYS', 1, 31)
        params = { network: net.id, status, amount, days }
        message = `You are red 🆘: asking for ${money(amount, net)} within ${days} days.`
      } else {
        throw new UsageError('write: status green, status orange AMOUNT, or status red AMOUNT DAYS')
      }
      return appended(ctx, net, await ctx.call('status.set', params), message)
    },
  },
  pledgeCreate('intention'),
  {
    name: 'intention change',
    args: 'PLEDGE AMOUNT',
    summary: 'Change the amount of your intention.',
    group: 'Helping',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('intention.change', {
        network: net.id,
        pledge: arg(ctx, 0, 'PLEDGE'),
        amount: amountArg(arg(ctx, 1, 'AMOUNT'), net),
      })
      return appended(ctx, net, result, 'Intention changed.')
    },
  },
  onPledge(
    'intention cancel',
    'intention.cancel',
    'Cancel your intention (no reason needed).',
    'Intention cancelled.',
    'Helping',
  ),
  onPledge(
    'intention commit',
    'intention.commit',
    'Turn your intention into an obligation 🤝 (irrevocable).',
    'Intention turned into an obligation 🤝 (irrevocable).',
    'Helping',
  ),
  onPledge(
    'intention fulfil',
    'intention.fulfil',
    'Fulfil your intention at once: it waits for the recipient to confirm 👍.',
    'Marked fulfilled: waiting for the recipient to confirm 👍.',
    'Helping',
  ),
  pledgeCreate('obligation'),
  onPledge(
    'obligation fulfil',
    'obligation.fulfil',
    'Mark your obligation fulfilled (you gave it): the recipient is asked to confirm 👍.',
    'Marked fulfilled: waiting for the recipient to confirm 👍.',
    'Helping',
  ),
  onPledge(
    'obligation confirm',
    'obligation.confirm',
    'Confirm 👍 that you received what an obligation to you promised.',
    'Confirmed 👍.',
    'Helping',
  ),
  onPledge(
    'obligation forgive',
    'obligation.forgive',
    'Release someone from their obligation to you.',
    'Obligation forgiven: its author is released.',
    'Helping',
  ),
  onPledge(
    'ask-commit',
    'request.commit',
    'Ask the author of an intention to you to turn it into an obligation.',
    'Asked the author to turn the intention into an obligation.',
    'Helping',
  ),
  onPledge(
    'ask-fulfil',
    'request.fulfil',
    'Ask the author of an obligation to you to fulfil it now.',
    'Asked the author to fulfil now.',
    'Helping',
  ),
  onPledge(
    'remind',
    'request.confirm',
    'Remind the recipient to confirm 👍 the obligation you fulfilled.',
    'Reminded the recipient to confirm.',
    'Helping',
  ),
  {
    name: 'state',
    summary:
      'The network as you see it: members with their cards, who needs help, your promises, archives, notifications.',
    group: 'Looking',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('state', { network: net.id })
      return { result, human: () => stateText(result) }
    },
  },
  {
    name: 'card',
    args: 'MEMBER',
    summary: "A member's card (by short id or unique name).",
    group: 'Looking',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('member.card', {
        network: net.id,
        member: arg(ctx, 0, 'MEMBER'),
      })
      return {
        result,
        human: async () =>
          cardText(result, net, await ctx.names(net, result.supporters.concat(result.supporting))),
      }
    },
  },
  {
    name: 'relations',
    args: 'MEMBER',
    summary: "A member's circles: who supports them, whom they support, and around them.",
    group: 'Looking',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('member.relations', {
        network: net.id,
        member: arg(ctx, 0, 'MEMBER'),
      })
      return {
        result,
        human: async () => {
          const names = await ctx.names(net, result.network)
          const list = (ids: string[]) => (ids.length ? ids.map((id) => names(id)).join(', ') : '-')
          return [
            `Supporters: ${list(result.supporters)}`,
            `Supporting: ${list(result.supporting)}`,
            `Also supporting the people they support: ${list(result.coSupporters)}`,
            `Supporting their supporters: ${list(result.supportersOfSupporters)}`,
            `Also supported by their supporters: ${list(result.alsoSupportedBySupporters)}`,
            `Supported by the people they support: ${list(result.supportedBySupported)}`,
            `Network: ${list(result.network)}`,
          ].join('\n')
        },
      }
    },
  },
  {
    name: 'peers',
    summary: 'Who this node is connected to in the network, and whether your entries reached them.',
    group: 'Looking',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('peers', { network: net.id })
      return { result, human: () => peersText(result) }
    },
  },
  {
    name: 'notifications',
    options: [['--unread', 'only unread ones']],
    summary: 'Your notifications (of every network, unless --network is given).',
    group: 'Notifications',
    async run(ctx) {
      const selector = str(ctx, 'network')
      const net = selector !== undefined ? await ctx.network() : null
      const result = await ctx.call('notifications.list', {
        ...(net ? { network: net.id } : {}),
        ...(ctx.opts.unread === true ? { unreadOnly: true } : {}),
      })
      return {
        result,
        human: async () => notificationsText(result, await ctx.call('network.list', {})),
      }
    },
  },
  {
    name: 'read',
    args: '[ID...]',
    options: [['--all', 'mark every notification read']],
    min: 0,
    max: 1000,
    summary: 'Mark notifications read, by id, or all of them with --all.',
    group: 'Notifications',
    async run(ctx) {
      const all = ctx.opts.all === true
      if (!all && ctx.args.length === 0)
        throw new UsageError('name the notifications to mark read, or use --all')
      if (all && ctx.args.length > 0) throw new UsageError('give either ids or --all, not both')
      const result = await ctx.call('notifications.read', all ? { all: true } : { ids: ctx.args })
      return { result, human: () => `Marked ${result.read} read.` }
    },
  },
  {
    name: 'logs',
    options: [['-n, --lines N', 'how many lines (default 100)']],
    summary: "The node's recent log lines (also when the node is not running).",
    group: 'Diagnostics',
    async run(ctx) {
      const n = str(ctx, 'lines')
      const lines = n !== undefined ? intArg(n, '--lines', 1, 10_000) : 100
      let result: string[]
      try {
        result = await ctx.call('logs', { lines })
      } catch (err) {
        if (!(err instanceof Error && 'code' in err && err.code === 'no-daemon')) throw err
        const { tailLog } = await import('../daemon/log.ts')
        result = tailLog(ctx.dataDir, lines)
      }
      return { result, human: () => (result.length ? result.join('\n') : 'The log is empty.') }
    },
  },
]
