/** The notification list of every network, or one, and marking notifications read. */
import { z } from 'zod'
import type { NotificationEntry } from '../../api/results.ts'
import { command, network } from './define.ts'

export const notificationCommands = {
  'notifications.list': command(
    z.object({ network: network.optional(), unreadOnly: z.boolean().optional() }),
    async (ctx, p): Promise<NotificationEntry[]> => {
      const nets = p.network ? [ctx.networks.get(p.network)] : ctx.networks.list()
      const all = (await Promise.all(nets.map((n) => n.feed.list()))).flat()
      return all.filter((n) => !p.unreadOnly || !n.read).sort((a, b) => b.at - a.at)
    },
  ),
  'notifications.read': command(
    z.object({ ids: z.array(z.string()).optional(), all: z.boolean().optional() }),
    async (ctx, p) => {
      let read = 0
      for (const n of ctx.networks.list())
        read += await n.feed.markRead(p.all ? 'all' : (p.ids ?? []))
      await ctx.state.save()
      return { read }
    },
  ),
}
