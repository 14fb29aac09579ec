/**
 * Invites: create, list, revoke.
 */
import { parseDuration } from '../../daemon/options.ts'
import { INVITE_DAYS_MAX, INVITE_DAYS_MIN, INVITE_USES_MAX } from '../../ledger/limits.ts'
import { inviteText, invitesText, short } from '../output.ts'
import { arg, intArg, str } from './args.ts'
import { UsageError, type CommandSpec } from './spec.ts'

export const INVITE_COMMANDS: CommandSpec[] = [
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
        ...(uses !== undefined ? { uses: intArg(uses, '--uses', 1, INVITE_USES_MAX) } : {}),
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
]
