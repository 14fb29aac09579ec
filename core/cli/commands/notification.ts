/**
 * Notifications: list them, mark them read.
 */
import { notificationsText } from '../output.ts'
import { str } from './args.ts'
import { UsageError, type CommandSpec } from './spec.ts'

export const NOTIFICATION_COMMANDS: CommandSpec[] = [
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
]
