/**
 * End to end: the clearing screen in Chromium, on two real nodes whose clocks are set to the
 * 26th of this month (the window is open). Anna owes Boris 30 and Boris owes her 20; Boris has
 * consented. Anna consents in the form, by role and label, sees what clearing would do with its
 * chain, "verified optimal", and axe finds nothing serious on the screen, the chosen
 * obligations shown; then the nodes start again a week later, past the month start, and the
 * clearing that ran is on her screen, checked by axe too.
 */
import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from 'vitest'
import { Daemon, loopbackTestnet, type Testnet } from '../support/daemons.ts'
import {
  BUILT_UI,
  ensureBuiltUi,
  nav,
  Person,
  reportFailure,
  requireChromium,
  sees,
  STEP,
  urlOf,
} from './browser.ts'

const DAY = 86_400_000

/** The offset that puts a clock on the 26th of this month, 12:00 UTC. */
function toThe26th(now = Date.now()): number {
  const d = new Date(now)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 26, 12) - now
}

async function serious(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

describe('the clearing screen in a browser', () => {
  let testnet: Testnet
  const nodes: Daemon[] = []
  const people: Person[] = []
  let offset = 0

  const start = (d: Daemon, port?: number) =>
    d.start([
      '--static',
      BUILT_UI,
      `--clock-offset=${offset}`,
      ...(port !== undefined ? ['--port', String(port)] : []),
    ])

  beforeAll(async () => {
    requireChromium()
    await ensureBuiltUi()
    testnet = await loopbackTestnet()
    offset = toThe26th()
    for (const name of ['Anna', 'Boris']) {
      const d = await Daemon.create(name, testnet)
      nodes.push(d)
      await start(d)
    }
    people.push(await Person.launch('Anna', { shots: 'clearing-anna' }))
  }, 120_000)

  afterAll(async () => {
    await Promise.all(people.map((p) => p.close()))
    await Promise.all(nodes.map((n) => n.destroy()))
    await testnet?.destroy()
  }, 60_000)

  test('consent, preview with its chain, and the clearing that ran, by role and label', async () => {
    const [annaNode, borisNode] = nodes as [Daemon, Daemon]
    const [anna] = people as [Person]
    const a = anna.page
    onTestFailed(() => reportFailure(people, nodes))

    const net = await annaNode.call('network.create', {
      name: 'Friends',
      currency: 'EUR',
      timeZone: 'Europe/Berlin',
      memberName: 'Anna',
    })
    const network = net.id
    await annaNode.call('status.set', { network, status: 'orange', amount: 50_000 })
    const invite = await annaNode.call('invite.create', { network })
    await borisNode.call('network.join', { invite: invite.code, name: 'Boris' })
    await borisNode.call('status.set', { network, status: 'orange', amount: 50_000 })
    await expect
      .poll(
        async () =>
          (await annaNode.call('members', { network })).members.filter((m) => m.status === 'orange')
            .length,
        { timeout: STEP },
      )
      .toBe(2)
    await annaNode.call('obligation.create', { network, to: 'Boris', amount: 3_000 })
    await borisNode.call('obligation.create', { network, to: 'Anna', amount: 2_000 })
    await borisNode.call('clearing.consent', { network, obligations: 'all' })

    await a.goto(urlOf(annaNode))
    await nav(a, 'Clearing').click()
    await a.getByRole('heading', { name: 'Clearing', level: 1 }).waitFor()
    const form = a.getByRole('region', { name: 'Your consent' })
    await sees(form, 'Now: you have not consented, so none of your obligations takes part.')
    await form.getByRole('radio', { name: 'All of them, owed by me or to me' }).check()
    await form.getByLabel('Most to take off each obligation (EUR), optional').fill('15')
    await form.getByRole('button', { name: 'Save consent' }).click()
    await sees(form, 'Now: all your open obligations, up to €15 each.')

    const preview = a.getByRole('region', { name: 'If clearing ran now' })
    await sees(preview, '€30 of €50 would be cleared (60%).')
    await sees(preview, '✓ Verified optimal: no clearing could settle more.')
    const chains = preview.getByRole('list', { name: 'Chains through this obligation' })
    await expect
      .poll(() => chains.first().textContent(), { timeout: STEP })
      .toBe('Chain of €15: You → Boris → You')

    // The obligations to choose from, shown, for axe too.
    await form.getByRole('radio', { name: 'Only the ones I choose' }).check()
    const chosen = form.getByRole('group', { name: 'Obligations that may take part' })
    await chosen.getByRole('checkbox', { name: 'You → Boris · €30' }).waitFor()
    await chosen.getByRole('checkbox', { name: 'Boris → you · €20' }).waitFor()
    await anna.screenshot('open')
    expect(await serious(a)).toEqual([])

    // A week later, past the month start: both nodes start again with their clocks there,
    // once Boris's has Anna's consent (one it has not seen may be ordered after the month start).
    await expect
      .poll(async () => (await borisNode.call('clearing.preview', { network })).totals.cleared, {
        timeout: STEP,
      })
      .toBe(3_000)
    offset += 7 * DAY
    const port = annaNode.info!.port
    await Promise.all(nodes.map((n) => n.stop()))
    await start(annaNode, port)
    await start(borisNode)
    await a.goto(urlOf(annaNode))
    await nav(a, 'Clearing').click()
    const past = a.getByRole('region', { name: 'Past clearings' })
    const table = past.getByRole('table', { name: 'Every clearing so far, newest first' })
    await table.waitFor({ timeout: 60_000 })
    await sees(past, 'Cleared €15, €15 left')
    await sees(past, 'Chain of €15: You → Boris → You')
    await anna.screenshot('ran')
    expect(await serious(a)).toEqual([])
    expect(anna.errors).toEqual([])
  }, 240_000)
})
