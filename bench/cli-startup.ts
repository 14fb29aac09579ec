/**
 * How long an `exodus` command takes from the shell, next to a bare `node -e 0` measured in
 * the same run: `exodus --help` (no node involved) and `exodus networks` against a running
 * daemon, as built by `npm install` (out/cli) and, for comparison, through tsx from the
 * sources. Runs alternate between the variants so the machine's load hits them alike.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
// @ts-expect-error: a plain JavaScript build script without declarations
import { buildCli } from '../scripts/build-cli.js'
import { Lab } from './net-lab.ts'
import { fmtMs, heading, table } from './report.ts'

/** `exodus` within this many times a bare `node -e 0` (issue "A newcomer's first hour"). */
export const CLI_TARGET_RATIO = 3
const ROUNDS = Number(process.env.BENCH_CLI_ROUNDS ?? 15)
const ROOT = join(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin', 'exodus.js')
const SOURCES = join(ROOT, 'core', 'cli', 'run.ts')

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Wall time of one run; a failing command (exit code not 0) throws. */
function timed(args: string[]): number {
  const started = performance.now()
  execFileSync(process.execPath, args, { stdio: 'ignore' })
  return performance.now() - started
}

export interface CliStartup {
  nodeMs: number
  helpMs: number
  networksMs: number
  tsxHelpMs: number
  tsxNetworksMs: number
}

export async function cliStartup(): Promise<CliStartup> {
  heading(`CLI start-up (median of ${ROUNDS} runs each, alternating)`)
  await buildCli()
  const lab = await Lab.open()
  try {
    const daemon = await lab.start(await lab.daemon('cli'))
    const data = ['--data', daemon.dataDir]
    const variants = {
      node: ['-e', '0'],
      help: [BIN, '--help'],
      networks: [BIN, ...data, 'networks'],
      tsxHelp: ['--import', 'tsx', SOURCES, '--help'],
      tsxNetworks: ['--import', 'tsx', SOURCES, ...data, 'networks'],
    }
    const times = Object.fromEntries(Object.keys(variants).map((k) => [k, [] as number[]]))
    for (let round = 0; round < ROUNDS; round++)
      for (const [name, args] of Object.entries(variants)) times[name]!.push(timed(args))
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))
    const result: CliStartup = {
      nodeMs: m.node!,
      helpMs: m.help!,
      networksMs: m.networks!,
      tsxHelpMs: m.tsxHelp!,
      tsxNetworksMs: m.tsxNetworks!,
    }
    const ratio = (ms: number) => `${(ms / result.nodeMs).toFixed(2)}x`
    table([
      ['command', 'built (out/cli)', 'x node -e 0', 'tsx (sources)', 'x node -e 0'],
      ['node -e 0', fmtMs(result.nodeMs), '1.00x', '', ''],
      [
        'exodus --help',
        fmtMs(result.helpMs),
        ratio(result.helpMs),
        fmtMs(result.tsxHelpMs),
        ratio(result.tsxHelpMs),
      ],
      [
        'exodus networks',
        fmtMs(result.networksMs),
        ratio(result.networksMs),
        fmtMs(result.tsxNetworksMs),
        ratio(result.tsxNetworksMs),
      ],
    ])
    return result
  } finally {
    await lab.dispose()
  }
}
