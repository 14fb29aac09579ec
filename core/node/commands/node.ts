/**
 * The node itself: its identity (and recovery phrase), what it is, its log, and removing all
 * its data.
 */
import { z } from 'zod'
import { LOG_LINES_MAX } from '../../ledger/limits.ts'
import { command, opFields } from './define.ts'
import type { NodeContext } from '../context.ts'

function identity(ctx: NodeContext) {
  const { name, publicKey, phraseWritten } = ctx.state.state.identity
  return { name, publicKey, phraseWritten }
}

/** A network's name as this node knows it (its short id before its state has arrived). */
function networkName(ctx: NodeContext, key: string): string {
  const n = ctx.networks.list().find((s) => s.key === key)
  return n?.name ?? n?.short ?? key.slice(0, 8)
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
  /**
   * The recovery phrase's 24 words (domain.md §12). Anyone with them can act as this person:
   * `confirm: true` says the caller warned them.
   */
  'identity.phrase': command(
    z.object({ confirm: z.literal(true, 'confirm: true is required') }),
    async (ctx) => ({ words: ctx.state.phraseWords() }),
  ),
  /** The person has written the phrase down: the app stops asking them to. */
  'identity.phraseWritten': command(z.object({}), async (ctx) => {
    await ctx.state.markPhraseWritten()
    // Every screen that asks the person to write it down stops asking.
    ctx.push({ type: 'state', network: '*' })
    return identity(ctx)
  }),
  /**
   * Makes this install the person of a recovery phrase (typed however: spaces, lines, case),
   * while it is in no network. Joining a network with an invite then brings back the
   * membership that phrase had there.
   */
  'identity.restore': command(
    z.object({ phrase: z.string().max(2_000, 'a recovery phrase is 24 words') }),
    async (ctx, { phrase }) => {
      await ctx.state.restoreIdentity(phrase, (key) => networkName(ctx, key))
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
