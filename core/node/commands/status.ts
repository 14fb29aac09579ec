/** A member's status: green, orange (monthly need) or red (an emergency with a deadline). */
import { z } from 'zod'
import { command, network, opFields } from './define.ts'

const STATUS_OPS = { green: 'status.green', orange: 'status.orange', red: 'status.red' } as const

export const statusCommands = {
  'status.set': command(
    z.discriminatedUnion('status', [
      opFields('status.green').extend({ network, status: z.literal('green') }),
      opFields('status.orange').extend({ network, status: z.literal('orange') }),
      opFields('status.red').extend({ network, status: z.literal('red') }),
    ]),
    async (ctx, { network, status, ...fields }) =>
      ctx.networks.get(network).append({ type: STATUS_OPS[status], ...fields } as never),
  ),
}
