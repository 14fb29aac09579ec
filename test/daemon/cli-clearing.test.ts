/**
 * `exodus clearing consent|preview|results` as docs/cli.md documents them, against two daemons
 * running the real node on a local testnet, with clocks the test moves: refused before the
 * 25th, consent with a cap, the preview, the month start, the results on both sides.
 */
import { describe, expect, it } from 'vitest'
import type { ClearingPreviewState, ClearingResultsState } from '../../core/api/contract.ts'
import { eventually, testnet } from '../support/nodes.ts'
import { realDaemon, runCli } from './helpers.ts'

const exodus = (dir: string, ...argv: string[]) => runCli(['--data', dir, ...argv])
const DAY = 86_400_000

async function json<T>(dir: string, ...argv: string[]): Promise<T> {
  const r = await exodus(dir, ...argv, '--json')
  if (r.code !== 0) throw new Error(`exodus ${argv.join(' ')}: ${r.err}`)
  return JSON.parse(r.out) as T
}

describe('exodus clearing', () => {
  it('consents from the 25th, previews, and shows what ran at the month start', async () => {
    const t = await testnet()
    // 20 November 2030, 12:00 UTC, running on from there.
    const started = Date.now()
    let shift = 0
    const clock = () => Date.UTC(2030, 10, 20, 12) + (Date.now() - started) + shift
    const anna = await realDaemon(t, 'anna', { clock, cycleCheckMs: 200 })
    const boris = await realDaemon(t, 'boris', { clock, cycleCheckMs: 200 })
    await exodus(
      anna,
      'network',
      'create',
      'Friends',
      '--currency',
      'EUR',
      '--tz',
      'UTC',
      '--me',
      'Anna',
    )
    await exodus(anna, 'status', 'orange', '500')
    const invite = await json<{ code: string }>(anna, 'invite', 'create')
    expect((await exodus(boris, 'join', invite.code, '--name', 'Boris')).code).toBe(0)
    await exodus(boris, 'status', 'orange', '500')
    await eventually(
      () => exodus(anna, 'card', 'Boris'),
      (r) => r.out.includes('🔆 orange'),
    )
    const owed = await json<{ pledge: { id: string } }>(anna, 'obligation', 'create', 'Boris', '30')
    await json(boris, 'obligation', 'create', 'Anna', '20')

    // The 20th: not open yet.
    expect(await exodus(anna, 'clearing', 'consent', 'all')).toEqual({
      code: 1,
      out: '',
      err: 'exodus: clearing opens on the 25th: consent to it from then to the end of the month',
    })
    const before = await json<ClearingPreviewState>(anna, 'clearing', 'preview')
    expect(before).toMatchObject({ cycle: '2030-11', open: false, myConsent: null, taking: 0 })

    // Usage errors say what to write.
    const none = await exodus(anna, 'clearing', 'consent', 'none', '--cap', '5')
    expect(none.code).toBe(2)
    expect(none.err).toBe(
      'exodus: --cap goes with all or with the obligations named, not with none\n' +
        'Usage: exodus [--data DIR] clearing consent all | none | PLEDGE... [--cap AMOUNT] ' +
        '[--network NET] [--json]',
    )
    expect((await exodus(anna, 'clearing', 'consent', 'all', owed.pledge.id)).err).toMatch(
      /^exodus: give all alone, or name the obligations \(PLEDGE\.\.\.\)\n/,
    )
    expect((await exodus(anna, 'clearing', 'results', '2030-13')).err).toMatch(
      /^exodus: MONTH must be written YYYY-MM \(2025-01\), not "2030-13"\n/,
    )

    // The 26th: Anna consents to all, up to 15 EUR each; Boris to what he owes her, by its id.
    shift = 6 * DAY
    expect(await exodus(anna, 'clearing', 'consent', 'all', '--cap', '15')).toEqual({
      code: 0,
      out: 'You consent to clearing all your open obligations, up to 15 EUR each.',
      err: '',
    })
    const hers = await eventually(
      () => json<ClearingPreviewState>(boris, 'clearing', 'preview'),
      (p) => p.obligations.length === 2,
    )
    const toAnna = hers.obligations.find((o) => o.pledge.from === hers.me)!.pledge.id
    expect(await exodus(boris, 'clearing', 'consent', owed.pledge.id, toAnna)).toEqual({
      code: 0,
      out: 'You consent to clearing 2 obligations.',
      err: '',
    })
    // Both nodes see both consents before their clocks pass the month start.
    await eventually(
      () => json<ClearingPreviewState>(boris, 'clearing', 'preview'),
      (p) => p.members === 2 && p.totals.cleared === 3_000,
    )
    const preview = await eventually(
      () => json<ClearingPreviewState>(anna, 'clearing', 'preview'),
      (p) => p.members === 2,
    )
    expect(preview).toMatchObject({
      open: true,
      myConsent: { obligations: 'all', cap: 1_500 },
      totals: { debt: 5_000, consented: 3_000, cleared: 3_000 },
      percentBp: 6_000,
      taking: 2,
      mineCleared: 1_500,
      verified: true,
    })
    const text = (await exodus(anna, 'clearing', 'preview')).out.split('\n')
    expect(text.slice(0, 4)).toEqual([
      'Clearing of 2030-11: consent from 2030-11-25 00:00 to 2030-12-01 00:00 (UTC); it runs then. Open now.',
      'Your consent: all your open obligations, up to 15 EUR each.',
      'If it ran now: 30 EUR of 50 EUR cleared (60%); 2 members consenting, 2 obligations taking part · verified optimal.',
      'Yours: 15 EUR off what you owe, and as much off what you are owed.',
    ])
    expect(text).toContain(
      `  ${owed.pledge.id}  you → Boris  30 EUR  consent: you yes, Boris yes, up to 15 EUR  cleared 15 EUR, 15 EUR left`,
    )
    expect(text).toContain('      chain of 15 EUR: you → Boris → you')

    // The month starts on both clocks: the clearing runs, the same on both nodes.
    shift = 12 * DAY
    const ran = (dir: string) =>
      eventually(
        () => json<ClearingResultsState>(dir, 'clearing', 'results'),
        (r) => r.runs.length === 1,
        30_000,
      )
    const [forAnna, forBoris] = await Promise.all([ran(anna), ran(boris)])
    expect(forAnna.runs).toEqual(forBoris.runs)
    expect(forAnna.run).toMatchObject({
      cycle: '2030-11',
      totals: { debt: 5_000, consented: 3_000, cleared: 3_000 },
      percentBp: 6_000,
      members: 2,
      obligations: 2,
      reduced: 2,
      chains: 1,
      verified: true,
    })
    expect(forBoris.mine?.cleared).toBe(1_500)
    const results = (await exodus(anna, 'clearing', 'results')).out.split('\n')
    expect(results.slice(0, 4)).toEqual([
      'MONTH    DEBT    CLEARED  SHARE  MEMBERS  OBLIGATIONS  VERIFIED',
      '2030-11  50 EUR  30 EUR   60%    2        2/2          yes',
      '',
      'Yours in 2030-11: 15 EUR off what you owed, and as much off what you were owed.',
    ])
    expect(results).toContain(
      `  ${owed.pledge.id}  you → Boris  30 EUR  cleared 15 EUR, 15 EUR left`,
    )
    expect(results).toContain('      chain of 15 EUR: you → Boris → you')
    // Outside the window again.
    expect((await exodus(anna, 'clearing', 'consent', 'all')).code).toBe(1)
    expect(await json(anna, 'clearing', 'results', '2030-10')).toMatchObject({
      run: null,
      mine: null,
    })
  }, 120_000)
})
