/**
 * Your status: green, orange (monthly support) or red (an emergency).
 */
import type { Params } from '../../api/contract.ts'
import { RED_DAYS_MAX } from '../../ledger/limits.ts'
import { money } from '../output.ts'
import { amountArg, intArg } from './args.ts'
import { appended, UsageError, type CommandSpec } from './spec.ts'

export const STATUS_COMMANDS: CommandSpec[] = [
  {
    name: 'status',
    args: 'green | orange AMOUNT | red AMOUNT DAYS',
    min: 1,
    max: 3,
    summary:
      'Set your status: green ✅ (no help needed), orange 🔆 AMOUNT (monthly support), or ' +
      `red 🆘 AMOUNT DAYS (an emergency, 1-${RED_DAYS_MAX} days).`,
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
        const days = intArg(daysText!, 'DAYS', 1, RED_DAYS_MAX)
        params = { network: net.id, status, amount, days }
        message = `You are red 🆘: asking for ${money(amount, net)} within ${days} days.`
      } else {
        throw new UsageError('write: status green, status orange AMOUNT, or status red AMOUNT DAYS')
      }
      return appended(ctx, net, await ctx.call('status.set', params), message)
    },
  },
]
