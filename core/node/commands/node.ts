/** The node itself: its identity, what it is, its log, and removing all its data. */
import { z } from 'zod'
import { LOG_LINES_MAX } from '../../ledger/limits.ts'
import { command, opFields } from './define.ts'
import type { NodeContext } from '../context.ts'

function identity(ctx: NodeContext) {
  const { name, publicKey } = ctx.state.state.identity
  return { name, publicKey }
}

export const nodeCommands = {
  'identity.get': command(z.object({}), async (ctx) => identity(ctx)),
  'identity.set': command(
    z.object({ name: opFields('member.join').shape.name }),
    async (ctx, { name }) => {
      ctx.state.state.identity.name = name
      await ctx.state.save()
      return identity(ctx)
    },
  ),
  /** Deletes all of this device's data, identity included, and starts afresh. */
  'data.remove': command(
    z.object({ confirm: z.literal(true, 'confirm: true is required') }),
    (ctx) => ctx.removeAllData(),
  ),
  /** The transports answer this one themselves, from their host's log file. */
  logs: command(
    z.object({ lines: z.number().int().min(1).max(LOG_LINES_MAX).optional() }),
    async (): Promise<string[]> => [],
  ),
  'node.info': command(z.object({}), async (ctx) => ({
    dataDir: ctx.dataDir,
    bootstrap: ctx.bootstrap,
    version: ctx.version,
  })),
}
