/**
 * What an `exodus` command is: its syntax (usage and help lines) and the context it runs in.
 * Commands turn friendly arguments (amounts in whole units, "7d") into contract parameters;
 * the node decides everything else. The commands themselves live beside this file, one file
 * per domain; index.ts assembles them.
 */
import type { Appended, Command, NetworkSummary, Params, Results } from '../../api/contract.ts'
import { pledgeLine, type Names } from '../output.ts'

export class UsageError extends Error {
  override name = 'UsageError'
}

export type OptionValues = Record<string, string | boolean | undefined>

export interface Context {
  args: string[]
  opts: OptionValues
  dataDir: string
  call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]>
  /** The network named by --network, or the only one. */
  network(): Promise<NetworkSummary>
  /** Member names for human output (falls back to short ids). */
  names(network: NetworkSummary, ids: Array<string | null | undefined>): Promise<Names>
}

export interface Output {
  /** What --json prints: the contract's result, as is. */
  result: unknown
  /** What a person reads. */
  human: () => string | Promise<string>
}

export interface CommandSpec {
  /** Words that select it: 'invite create'. */
  name: string
  /** Positional arguments, for the usage line. */
  args?: string
  /** Options this command accepts, as shown in its usage. */
  options?: Array<[flag: string, help: string]>
  summary: string
  group: string
  /** Positional count limits (default: exactly the number of words in `args`). */
  min?: number
  max?: number
  /** Whether it acts in one network (--network). */
  inNetwork?: boolean
  /** Runs it; absent for `daemon`, which main runs itself. */
  run?: (ctx: Context) => Promise<Output>
}

const NETWORK_OPT: [string, string] = ['--network NET', 'the network (id, prefix or name)']

/** The options part of a usage line; options whose help says "(required)" are not bracketed. */
export function optionsUsage(spec: CommandSpec): string {
  return (spec.options ?? [])
    .map(([flag, help]) => (help.includes('(required)') ? ` ${flag}` : ` [${flag}]`))
    .join('')
}

export function usageOf(spec: CommandSpec): string {
  const opts = optionsUsage(spec)
  const net = spec.inNetwork ? ' [--network NET]' : ''
  const json = spec.run ? ' [--json]' : ''
  return `exodus [--data DIR] ${spec.name}${spec.args ? ' ' + spec.args : ''}${opts}${net}${json}`
}

export function helpOf(spec: CommandSpec): string {
  const lines = [`Usage: ${usageOf(spec)}`, '', spec.summary]
  const opts = [...(spec.options ?? []), ...(spec.inNetwork ? [NETWORK_OPT] : [])]
  if (opts.length) {
    lines.push('', 'Options:')
    const width = Math.max(...opts.map(([f]) => f.length))
    for (const [flag, help] of opts) lines.push(`  ${flag.padEnd(width)}  ${help}`)
  }
  return lines.join('\n')
}

/** The option names (without dashes) a spec accepts. */
export function optionNames(spec: CommandSpec): string[] {
  return (spec.options ?? []).map(([flag]) => /--([\w-]+)/.exec(flag)?.[1] ?? flag)
}

/** The output of a command that appended an entry: `message`, then the pledge it touched. */
export async function appended(
  ctx: Context,
  net: NetworkSummary,
  result: Appended,
  message: string,
): Promise<Output> {
  return {
    result,
    human: async () => {
      if (!result.pledge) return message
      const names = await ctx.names(net, [result.pledge.from, result.pledge.to])
      return `${message}\n${pledgeLine(result.pledge, net, names)}`
    },
  }
}
