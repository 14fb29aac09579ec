/**
 * The node itself: `daemon` (which main runs), `url`, `info`, `identity`; and its `logs`.
 */
import { readDaemonInfo } from '../../daemon/info.ts'
import { LOG_LINES_MAX } from '../../ledger/limits.ts'
import { intArg, nameOption, str } from './args.ts'
import type { CommandSpec } from './spec.ts'

export const NODE_COMMANDS: CommandSpec[] = [
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
]

export const DIAGNOSTIC_COMMANDS: CommandSpec[] = [
  {
    name: 'logs',
    options: [['-n, --lines N', 'how many lines (default 100)']],
    summary: "The node's recent log lines (also when the node is not running).",
    group: 'Diagnostics',
    async run(ctx) {
      const n = str(ctx, 'lines')
      const lines = n !== undefined ? intArg(n, '--lines', 1, LOG_LINES_MAX) : 100
      let result: string[]
      try {
        result = await ctx.call('logs', { lines })
      } catch (err) {
        if (!(err instanceof Error && 'code' in err && err.code === 'no-daemon')) throw err
        const { tailLog } = await import('../../daemon/log.ts')
        result = tailLog(ctx.dataDir, lines)
      }
      return { result, human: () => (result.length ? result.join('\n') : 'The log is empty.') }
    },
  },
]
