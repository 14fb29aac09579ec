/**
 * Networks: create, list, join, leave, forget.
 */
import { CURRENCY_PATTERN, DECIMALS_MAX, isTimeZone } from '../../ledger/limits.ts'
import { networkCreatedText, networksText, short } from '../output.ts'
import { arg, intArg, nameOption, nameText, str } from './args.ts'
import { UsageError, type CommandSpec } from './spec.ts'

export const NETWORK_COMMANDS: CommandSpec[] = [
  {
    name: 'network create',
    args: 'NAME',
    options: [
      ['--currency CODE', '(required) EUR, USD, RUB, hours...'],
      ['--decimals N', `decimals of the currency, 0-${DECIMALS_MAX} (default 2)`],
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
        ...(decimals !== undefined
          ? { decimals: intArg(decimals, '--decimals', 0, DECIMALS_MAX) }
          : {}),
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
]
