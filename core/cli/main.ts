/**
 * `exodus`: runs a data folder's node (`exodus daemon`) or talks to it over the local API
 * (every other command). It never opens the store itself. Exit codes: 0 success, 1 the
 * command failed (the node refused, no node running...), 2 usage error.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Command, NetworkSummary, Params, Results } from '../api/contract.ts'
import type { CreateNode, Daemon } from '../daemon/daemon.ts'
import { DataFolderError, LockError } from '../daemon/lock.ts'
import { isLevel } from '../daemon/log.ts'
import { OptionError, defaultDataDir, parseBootstrap, parseClockOffset } from '../daemon/options.ts'
import { CliError, connect } from './client.ts'
import {
  COMMAND_SPECS,
  UsageError,
  helpOf,
  optionNames,
  optionsUsage,
  usageOf,
  type CommandSpec,
  type Context,
  type OptionValues,
} from './commands/index.ts'
import { reasonText } from '../errors.ts'
import { money, short, type Names } from './output.ts'

export interface CliDeps {
  /** Opens the real node; needed by `exodus daemon` only. */
  createNode?: CreateNode
  stdout?: (text: string) => void
  stderr?: (text: string) => void
  env?: NodeJS.ProcessEnv
  /** `exodus daemon`: install signal handlers (default true). */
  handleSignals?: boolean
  /** `exodus daemon`: called once the daemon runs (tests stop it through this). */
  onDaemon?: (daemon: Daemon) => void
}

const GLOBAL_OPTIONS = ['data', 'network', 'json', 'help']

/** Every option any command takes; parseArgs needs one table, commands check their own. */
const OPTIONS = {
  data: { type: 'string' },
  network: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  currency: { type: 'string' },
  decimals: { type: 'string' },
  tz: { type: 'string' },
  me: { type: 'string' },
  name: { type: 'string' },
  wait: { type: 'boolean' },
  for: { type: 'string' },
  expires: { type: 'string' },
  uses: { type: 'string' },
  about: { type: 'string' },
  note: { type: 'string' },
  cap: { type: 'string' },
  unread: { type: 'boolean' },
  mine: { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  yes: { type: 'boolean' },
  unlink: { type: 'boolean' },
  all: { type: 'boolean' },
  lines: { type: 'string', short: 'n' },
  bootstrap: { type: 'string' },
  'clock-offset': { type: 'string' },
  port: { type: 'string' },
  static: { type: 'string' },
  'log-level': { type: 'string' },
} as const

const GROUPS = [
  'The node',
  'Devices',
  'Networks and invites',
  'You',
  'Helping',
  'Clearing',
  'Looking',
  'Notifications',
  'Diagnostics',
]

export function helpText(): string {
  const lines = [
    'exodus: the Exodus Circles node and its command line',
    '',
    'Usage: exodus --data DIR daemon [options]        run the node of a data folder',
    '       exodus --data DIR COMMAND [args] [--json]  talk to that running node',
    '',
    'Global options: --data DIR (or env EXODUS_DATA; default ~/.local/share/exodus-circles',
    'on Linux), --network NET (needed when the node',
    'is in several networks), --json (print the result as JSON), -h/--help.',
    'Amounts are in whole units of the network currency, with optional decimals: 75, 75.50.',
    'Members are named by short id or unique name; pledges by the id commands print.',
  ]
  for (const group of GROUPS) {
    lines.push('', `${group}:`)
    for (const spec of COMMAND_SPECS.filter((s) => s.group === group)) {
      const opts = optionsUsage(spec)
      const head = `${spec.name}${spec.args ? ' ' + spec.args : ''}${opts}`
      const summary = spec.summary.split(/(?<=\.) |: /)[0]!.replace(/\.$/, '')
      if (head.length <= 34) lines.push(`  ${head.padEnd(34)}  ${summary}`)
      else lines.push(`  ${head}`, `  ${''.padEnd(34)}  ${summary}`)
    }
  }
  lines.push('', 'More on one command: exodus COMMAND --help. Field names of --json: docs/cli.md')
  return lines.join('\n')
}

/** Marks a dash-led number for parseArgs to take as an argument; no argv string holds a NUL. */
const NUMBER_MARK = '\0'

/**
 * Dash-led numbers are values, never options. `--clock-offset -2h` would read as a missing
 * value: the number is glued to its option. `intention create Vera -5` would read as an
 * unknown option -5 (and a hint about `--`): the number is marked to pass as an argument, so
 * the command says what is wrong with it.
 */
function protectNumbers(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const next = argv[i + 1]
    const name = a.startsWith('--') ? a.slice(2) : null
    const option = name !== null ? (OPTIONS as Record<string, { type: string }>)[name] : undefined
    if (option?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`)
      i++
    } else out.push(/^-\d/.test(a) ? NUMBER_MARK + a : a)
  }
  return out
}

/** The spec whose words start the positionals (longest match first). */
function findSpec(positionals: string[]): { spec: CommandSpec; rest: string[] } | null {
  let best: { spec: CommandSpec; rest: string[] } | null = null
  for (const spec of COMMAND_SPECS) {
    const words = spec.name.split(' ')
    if (words.every((w, i) => positionals[i] === w)) {
      if (!best || words.length > best.spec.name.split(' ').length)
        best = { spec, rest: positionals.slice(words.length) }
    }
  }
  return best
}

function unknownCommand(positionals: string[]): UsageError {
  const first = positionals[0] ?? ''
  const subs = COMMAND_SPECS.filter((s) => s.name.startsWith(first + ' ')).map((s) => s.name)
  if (subs.length)
    return new UsageError(
      `${JSON.stringify(positionals.slice(0, 2).join(' '))} is not a command. Did you mean: ${subs.join(', ')}?`,
    )
  return new UsageError(`unknown command ${JSON.stringify(first)}. Run exodus --help`)
}

/** A network by exact id, unique id prefix, or unique name (as the node resolves them). */
export function pickNetwork(list: NetworkSummary[], selector: string | undefined): NetworkSummary {
  const names = list.map((n) => `${n.name} (${short(n.id)})`).join(', ')
  if (selector === undefined) {
    if (list.length === 1) return list[0]!
    if (list.length === 0)
      throw new CliError(
        'no-network',
        'This node is in no network yet. Create one with: exodus network create NAME --currency EUR, ' +
          'or join one with: exodus join CODE',
      )
    throw new CliError(
      'which-network',
      `This node is in ${list.length} networks (${names}): choose one with --network NAME`,
    )
  }
  const s = selector.trim()
  const exact = list.find((n) => n.id === s)
  if (exact) return exact
  const byPrefix = /^[0-9a-f]+$/i.test(s)
    ? list.filter((n) => n.id.startsWith(s.toLowerCase()))
    : []
  const byName = list.filter((n) => n.name.toLowerCase() === s.toLowerCase())
  const matches = [...new Set([...byPrefix, ...byName])]
  if (matches.length === 1) return matches[0]!
  if (matches.length > 1)
    throw new CliError(
      'ambiguous-network',
      `--network ${s} matches several networks: use more of its id`,
    )
  throw new CliError(
    'unknown-network',
    `No network of this node matches ${JSON.stringify(s)}. Its networks: ${names || 'none'}`,
  )
}

export async function main(argv: string[], deps: CliDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? ((t: string) => void process.stdout.write(t + '\n'))
  const stderr = deps.stderr ?? ((t: string) => void process.stderr.write(t + '\n'))
  const env = deps.env ?? process.env
  let spec: CommandSpec | null = null
  let json = argv.includes('--json')

  try {
    let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>
    try {
      parsed = parseArgs({
        args: protectNumbers(argv),
        options: OPTIONS,
        allowPositionals: true,
        strict: true,
      })
    } catch (err) {
      spec = findSpec(argv.filter((a) => !a.startsWith('-')))?.spec ?? null
      throw new UsageError((err as Error).message.split('\n')[0] ?? 'invalid arguments')
    }
    const { values } = parsed
    const positionals = parsed.positionals.map((p) =>
      p.startsWith(NUMBER_MARK) ? p.slice(NUMBER_MARK.length) : p,
    )
    json = values.json === true

    if (positionals.length === 0 || (positionals[0] === 'help' && positionals.length === 1)) {
      stdout(helpText())
      return values.help || positionals[0] === 'help' ? 0 : 2
    }
    const helpFor = positionals[0] === 'help' ? positionals.slice(1) : positionals
    const found = findSpec(helpFor)
    if (!found) throw unknownCommand(helpFor)
    spec = found.spec
    if (values.help || positionals[0] === 'help') {
      stdout(helpOf(spec))
      return 0
    }

    const allowed = new Set([...GLOBAL_OPTIONS, ...optionNames(spec)])
    for (const [name, value] of Object.entries(values)) {
      if (value !== undefined && !allowed.has(name))
        throw new UsageError(`exodus ${spec.name} has no option --${name}`)
    }
    const args = found.rest
    const min = spec.min ?? (spec.args ? spec.args.split(' ').length : 0)
    const max = spec.max ?? min
    if (args.length < min)
      throw new UsageError(
        `missing ${spec.args?.split(' ').slice(args.length).join(' ') ?? 'arguments'}`,
      )
    if (args.length > max)
      throw new UsageError(
        `unexpected ${JSON.stringify(args.slice(max).join(' '))} (put text with spaces in quotes)`,
      )

    const dataDir = values.data ?? env.EXODUS_DATA ?? defaultDataDir(env)

    if (spec.name === 'daemon') return await runDaemon(dataDir, values, env, deps, stdout)

    const client = connect(dataDir)
    let networks: NetworkSummary[] | null = null
    const ctx: Context = {
      args,
      opts: values as OptionValues,
      dataDir,
      async call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]> {
        try {
          return await client.call(command, params)
        } catch (err) {
          const network = (params as { network?: unknown }).network
          throw inNetworkUnits(
            err,
            networks?.find((n) => n.id === network),
          )
        }
      },
      async network() {
        networks ??= await client.call('network.list', {})
        return pickNetwork(networks, values.network)
      },
      async names(network, ids) {
        const known = new Map<string, string>()
        for (const id of new Set(ids)) {
          if (!id) continue
          try {
            known.set(
              id,
              (await client.call('member.card', { network: network.id, member: id })).name,
            )
          } catch {
            // A name is a nicety: the short id will do.
          }
        }
        return ((id: string) => known.get(id) ?? short(id)) satisfies Names
      },
    }
    const output = await spec.run!(ctx)
    stdout(json ? JSON.stringify(output.result, null, 2) : await output.human())
    return 0
  } catch (err) {
    return report(err, spec, json, stderr)
  }
}

/**
 * The ledger's reasons name amounts in minor units, as every peer stores them ("your monthly
 * amount is already 50000"): said again in the network's units.
 */
function inNetworkUnits(err: unknown, net: NetworkSummary | undefined): unknown {
  if (!(err instanceof CliError) || !err.reason || !net) return err
  const { code, params } = err.reason
  if (params.amount === undefined) return err
  const amount = money(Number(params.amount), net)
  return new CliError(err.code, reasonText({ code, params: { ...params, amount } }), err.reason)
}

function report(
  err: unknown,
  spec: CommandSpec | null,
  json: boolean,
  stderr: (t: string) => void,
): number {
  const usage = err instanceof UsageError || err instanceof OptionError
  const code =
    err instanceof CliError
      ? err.code
      : usage
        ? 'usage'
        : err instanceof LockError
          ? 'locked'
          : err instanceof DataFolderError
            ? 'data-folder'
            : 'error'
  const message = err instanceof Error ? err.message : String(err)
  if (json) stderr(JSON.stringify({ error: { code, message } }))
  else stderr(`exodus: ${message}`)
  if (usage && !json)
    stderr(spec ? `Usage: ${usageOf(spec)}` : 'Run exodus --help for the commands.')
  return usage ? 2 : 1
}

/** The UI built by `npm run build` (dist/renderer at the package root), when there is one. */
function builtRenderer(): string | undefined {
  const dir = fileURLToPath(new URL('../../dist/renderer', import.meta.url))
  return existsSync(`${dir}/index.html`) ? dir : undefined
}

async function runDaemon(
  dataDir: string,
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
  deps: CliDeps,
  stdout: (t: string) => void,
): Promise<number> {
  const text = (name: string) =>
    typeof values[name] === 'string' ? (values[name] as string) : undefined
  const clockOffsetMs = parseClockOffset(text('clock-offset') ?? env.EXODUS_CLOCK_OFFSET)
  const bootstrap = parseBootstrap(text('bootstrap') ?? env.EXODUS_BOOTSTRAP)
  const portText = text('port')
  let port: number | undefined
  if (portText !== undefined) {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535)
      throw new UsageError(
        `--port must be a port number (0-65535), not ${JSON.stringify(portText)}`,
      )
    port = Number(portText)
  }
  const level = text('log-level') ?? env.EXODUS_LOG_LEVEL ?? 'info'
  if (!isLevel(level)) throw new UsageError('--log-level must be debug, info, warn or error')
  if (!deps.createNode) throw new CliError('no-node', 'This build of exodus cannot run a node.')
  const staticDir = text('static') ?? builtRenderer()
  // The server and the node load only here: every other command starts without them.
  const { startDaemon } = await import('../daemon/daemon.ts')
  const daemon = await startDaemon({
    dataDir,
    bootstrap,
    clockOffsetMs,
    ...(port !== undefined ? { port } : {}),
    ...(staticDir !== undefined ? { staticDir } : {}),
    createNode: deps.createNode,
    logLevel: level,
    echoLevel: 'warn',
    handleSignals: deps.handleSignals ?? true,
    print: stdout,
  })
  deps.onDaemon?.(daemon)
  await daemon.stopped
  return 0
}
