/**
 * This device's data: export a network's pledges, remove everything.
 */
import { writeFile } from 'node:fs/promises'
import { str } from './args.ts'
import { UsageError, type CommandSpec } from './spec.ts'

export const DATA_COMMANDS: CommandSpec[] = [
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
]
