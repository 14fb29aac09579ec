/**
 * The clearing of mutual obligations (core/clearing) on seeded graphs of 1k, 10k and 100k
 * obligations shaped like a network of friends: members = obligations / 4 on a ring, nine
 * links in ten to a near neighbour, the rest anywhere, a tenth of them capped. Per size: the
 * solver's time (median of several runs), the verifier's, the share of the debt it clears,
 * its total against the LP optimum (HiGHS, up to 10k) and against greedy cycle cancelling in
 * the same run. Part of `npm run bench`; alone: `npx tsx bench/clearing.ts`
 * (BENCH_CLEARING_SIZES=1000,10000 picks the sizes).
 */
import { pathToFileURL } from 'node:url'
import { verifyClearing } from '../core/clearing/certificate.ts'
import { solveClearing } from '../core/clearing/solve.ts'
import { benchObligations, lpOptimum } from '../test/support/clearing-graphs.ts'
import { greedyClearing } from '../test/support/greedy-clearing.ts'
import { clearingApplyBench, type ClearingApplyRow } from './clearing-apply.ts'
import { fmtInt, fmtMs, fmtPct, heading, median, note, table } from './report.ts'

/** Targets of issue 13, in ms by number of obligations. */
const TARGET_MS: Record<number, number> = { 10_000: 500, 100_000: 10_000 }
/** Above this the LP is not run: HiGHS takes too long for a bench. */
const LP_MAX = 10_000
const SEED = 1

export interface ClearingRow {
  obligations: number
  solveMs: number
  verifyMs: number
  debt: number
  cleared: number
  /** NaN where the LP was not run. */
  lp: number
  lpMs: number
  greedy: number
  greedyMs: number
  verified: boolean
  /** At 10k: the month-start op that runs the clearing inside apply (clearing-apply.ts). */
  apply?: ClearingApplyRow
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now()
  const value = fn()
  return { ms: performance.now() - start, value }
}

export async function clearingBench(
  sizes = (process.env.BENCH_CLEARING_SIZES ?? '1000,10000,100000').split(',').map(Number),
): Promise<ClearingRow[]> {
  heading('Clearing of mutual obligations (seeded, members = obligations / 4, mostly local)')
  solveClearing(benchObligations(SEED + 1, 2_000)) // warm the JIT up on another graph
  const rows: ClearingRow[] = []
  for (const n of sizes) {
    const input = benchObligations(SEED, n)
    const runs = n <= 10_000 ? 5 : 3
    const times: number[] = []
    let result = solveClearing(input)
    for (let i = 0; i < runs; i++) {
      const run = time(() => solveClearing(input))
      times.push(run.ms)
      result = run.value
    }
    const verify = time(() => verifyClearing(input, result))
    const greedy = time(() => greedyClearing(input))
    const lpStart = performance.now()
    const lp = n <= LP_MAX ? await lpOptimum(input) : NaN
    rows.push({
      obligations: n,
      solveMs: median(times),
      verifyMs: verify.ms,
      debt: result.totals.debt,
      cleared: result.totals.cleared,
      lp,
      lpMs: performance.now() - lpStart,
      greedy: greedy.value,
      greedyMs: greedy.ms,
      verified: verify.value.ok,
    })
    note(
      `  ${fmtInt(n)}: ${fmtInt(result.chains.length)} chains of ` +
        `${fmtInt(result.chains.reduce((s, c) => s + c.obligations.length, 0))} links in all`,
    )
  }
  table([
    [
      'obligations',
      'solve (median)',
      'target',
      'verify',
      'cleared / debt',
      'cleared / LP',
      'LP time',
      'greedy / debt',
      'greedy time',
      'optimum >= greedy',
    ],
    ...rows.map((r) => [
      fmtInt(r.obligations),
      fmtMs(r.solveMs),
      TARGET_MS[r.obligations] ? `< ${fmtMs(TARGET_MS[r.obligations]!)}` : '',
      `${fmtMs(r.verifyMs)}${r.verified ? '' : ' FAILED'}`,
      fmtPct(r.cleared / r.debt),
      Number.isNaN(r.lp) ? 'n/a' : fmtPct(r.cleared / r.lp),
      Number.isNaN(r.lp) ? 'n/a' : fmtMs(r.lpMs),
      fmtPct(r.greedy / r.debt),
      fmtMs(r.greedyMs),
      r.cleared >= r.greedy ? `yes (+${fmtPct(r.cleared / r.greedy - 1)})` : 'NO',
    ]),
  ])
  const at10k = rows.find((r) => r.obligations === 10_000)
  if (at10k) at10k.apply = await clearingApplyBench(10_000)
  return rows
}

/** The bench summary's rows: per size, the time and both ratios next to their targets. */
export function clearingSummary(rows: ClearingRow[]): string[][] {
  const inApply = rows.flatMap((r) =>
    r.apply
      ? [
          [
            `clearing in apply, ${fmtInt(r.apply.obligations)} obligations: run; op; algorithm`,
            `${fmtMs(r.apply.clearingMs)}; ${fmtMs(r.apply.applyMs)} (without consents ` +
              `${fmtMs(r.apply.rolloverMs)}); ${fmtMs(r.apply.solveMs)}`,
            '',
          ],
        ]
      : [],
  )
  return [
    ...rows.map((r) => [
      `clearing ${fmtInt(r.obligations)} obligations: time; cleared / LP, / greedy`,
      `${fmtMs(r.solveMs)}; ${Number.isNaN(r.lp) ? 'n/a' : fmtPct(r.cleared / r.lp)}, ` +
        fmtPct(r.cleared / r.greedy) +
        (r.verified ? '' : ' (NOT VERIFIED)'),
      (TARGET_MS[r.obligations] ? `< ${fmtMs(TARGET_MS[r.obligations]!)}; ` : '') + '100%, >= 100%',
    ]),
    ...inApply,
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  clearingBench().then(
    () => process.exit(0),
    (err) => {
      console.error('bench crashed:', err)
      process.exit(1)
    },
  )
}
