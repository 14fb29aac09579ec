/**
 * End to end: axe (axe-core, in Chromium) checks every screen as a person meets it: the first
 * run, then Home, People, a member's page, Profile, Invites, Notifications, Organizer,
 * Clearing and Settings of a network where people ask and promise, once with every
 * notification read and once with unread ones (the navigation names them). Serious and
 * critical violations fail.
 * Fields are wide enough for what goes in them (an IBAN, the example of a note).
 */
import { AxeBuilder } from '@axe-core/playwright'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Daemon } from '../support/daemons.ts'
import { confirmStep, nav, Person, sees, Stage, STEP, urlOf, writePhraseDown } from './browser.ts'

/** What axe found wrong on one screen, enough to find and fix it. */
interface Finding {
  screen: string
  rule: string
  impact: string
  help: string
  nodes: string[]
}

async function audit(page: Page, screen: string, findings: Finding[]): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze()
  for (const v of result.violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue
    findings.push({
      screen,
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    })
  }
}

/** The longest IBAN there is (34 characters), written in groups of four. */
const LONGEST_IBAN = 'AB12 3456 7890 1234 5678 9012 3456 7890 12'

/** Whether an input shows its whole value, without scrolling. */
function fits(input: Locator): Promise<boolean> {
  return input.evaluate((el) => el.scrollWidth <= el.clientWidth)
}

describe('accessibility of every screen', () => {
  const stage = new Stage()
  const { nodes, people } = stage

  beforeAll(async () => {
    await stage.start('anna', 'boris')
    people.push(await Person.launch('Anna', { shots: 'a11y-anna' }))
  }, 120_000)

  afterAll(() => stage.stop(), 60_000)

  test('no serious or critical axe violations, with and without unread notifications', async () => {
    stage.reportFailures()
    const [annaNode, borisNode] = nodes as [Daemon, Daemon]
    const [anna] = people as [Person]
    const a = anna.page
    const findings: Finding[] = []

    // First run: the name step, the recovery phrase (and restoring from one, with what is
    // wrong shown next to the field), then the choice between a new network and an invite.
    await a.goto(urlOf(annaNode))
    await a.getByRole('heading', { name: 'Welcome to Exodus Circles' }).waitFor()
    await audit(a, 'first run: name', findings)
    await a.getByLabel('Your name', { exact: true }).fill('Anna')
    await a.getByRole('button', { name: 'Continue' }).click()
    await a.getByRole('list', { name: 'The 24 words of your recovery phrase' }).waitFor()
    await audit(a, 'first run: recovery phrase', findings)
    const restore = a.getByRole('region', { name: 'Already have a recovery phrase?' })
    await restore.getByRole('button', { name: 'Restore from recovery phrase' }).click()
    await restore.getByLabel('Recovery phrase (24 words)').fill('abandon art')
    await restore.getByRole('button', { name: 'Restore', exact: true }).click()
    await sees(restore.getByRole('alert'), /^A recovery phrase has 24 words; this one has 2\./)
    await audit(a, 'first run: restoring, with an error', findings)
    await restore.getByRole('button', { name: 'Cancel' }).click()
    await writePhraseDown(a)
    const create = a.getByRole('region', { name: 'Start a new network' })
    await create.getByLabel('Network name').waitFor()
    await audit(a, 'first run: create or join', findings)
    await create.getByLabel('Network name').fill('Friends')
    await create.getByLabel('Unit of account').selectOption('EUR')
    await create.getByLabel('Time zone').fill('Europe/Berlin')
    await create.getByRole('button', { name: 'Create the network' }).click()
    await a.getByRole('heading', { name: 'Home', exact: true }).waitFor()

    // A network with something on every screen: both ask, promise and give.
    const [net] = await annaNode.call('network.list', {})
    const network = net!.id
    const annaId = (await annaNode.call('state', { network })).me
    await annaNode.call('status.set', { network, status: 'orange', amount: 50_000 })
    await annaNode.call('payment.set', {
      network,
      details: [
        { label: 'IBAN', value: 'DE89 3704 0044 0532 0130 00', isDefault: true },
        { label: 'Phone', value: '+49 151 0000000', isDefault: false },
      ],
    })
    const invite = await annaNode.call('invite.create', { network, uses: 1 })
    await borisNode.call('network.join', { invite: invite.code, name: 'Boris' })
    await annaNode.call('invite.create', { network })
    const boris = (await borisNode.call('state', { network })).me
    await expect
      .poll(async () => (await annaNode.call('state', { network })).members.length, {
        timeout: STEP,
      })
      .toBe(2)
    await borisNode.call('status.set', { network, status: 'red', amount: 30_000, days: 10 })
    await borisNode.call('intention.create', { network, to: annaId, amount: 10_000 })
    const given = await borisNode.call('obligation.create', {
      network,
      to: annaId,
      amount: 5_000,
      note: 'a bicycle repair',
    })
    await borisNode.call('obligation.fulfil', { network, pledge: given.pledge!.id })
    await expect
      .poll(async () => (await annaNode.call('state', { network })).organizer.toConfirm.length, {
        timeout: STEP,
      })
      .toBe(1)
    await annaNode.call('obligation.create', { network, to: boris, amount: 2_000 })

    const tour = async (when: string) => {
      const screens: Array<[string, string | RegExp, string]> = [
        ['Home', 'Home', 'Who needs help now'],
        ['People', 'People', 'Network graph'],
        ['Organizer', 'Organizer', 'My promises'],
        ['Clearing', 'Clearing', 'Your consent'],
        ['Profile', 'Profile', 'Payment details'],
        ['Invites', 'Invites', 'My invites'],
        ['Notifications', /^Notifications/, 'Notifications'],
        ['Settings', 'Settings', 'Identity of this device'],
      ]
      for (const [name, link, heading] of screens) {
        await nav(a, link).click()
        await a.getByRole('heading', { name: heading, exact: true }).first().waitFor()
        if (name === 'People') {
          await a
            .getByRole('img', { name: /^Network graph:/ })
            .locator('canvas')
            .first()
            .waitFor()
        }
        // The consent form with the obligations to choose from, when the window is open.
        if (name === 'Clearing') {
          const chosen = a.getByRole('radio', { name: 'Only the ones I choose' })
          if (await chosen.isEnabled()) {
            await chosen.check()
            await a.getByRole('group', { name: 'Obligations that may take part' }).waitFor()
          }
        }
        // Folded-away parts are checked open, the recovery phrase shown.
        if (name === 'Settings') {
          await a.getByText('Advanced', { exact: true }).click()
          const phrase = a.getByRole('region', { name: 'Recovery phrase' })
          await confirmStep(phrase, 'Show recovery phrase…')
          await phrase.getByRole('list').waitFor()
        }
        await audit(a, `${name} (${when})`, findings)
        if (name === 'Profile') {
          // Status first: it is what someone in need comes to change.
          const main = a.getByRole('main')
          const sections = await main.getByRole('heading', { level: 2 }).allTextContents()
          expect(sections.slice(0, 3)).toEqual(['Status', 'Name and about', 'Payment details'])
          const value = main.getByRole('group', { name: 'Payment detail 1' }).getByLabel('Details')
          await value.fill(LONGEST_IBAN)
          expect(await fits(value), 'an IBAN fits its field').toBe(true)
        }
        if (name === 'People') {
          await a
            .getByRole('main')
            .getByRole('link', { name: 'Boris', exact: true })
            .first()
            .click()
          await a.getByRole('heading', { name: 'Relations' }).waitFor()
          await sees(a, 'Between you')
          await audit(a, `member page (${when})`, findings)
          const note = a.getByLabel('Note (optional)')
          await note.fill((await note.getAttribute('placeholder')) ?? '')
          expect(await fits(note), 'the note example fits its field').toBe(true)
        }
      }
      await a.getByRole('link', { name: 'Join or create another network' }).click()
      await a.getByRole('region', { name: 'Start a new network' }).waitFor()
      await audit(a, `join or create another network (${when})`, findings)
    }

    // Everything read: the navigation shows no count.
    await annaNode.call('notifications.read', { all: true })
    await a.reload()
    await a.getByRole('heading', { name: 'Home', exact: true }).waitFor()
    await nav(a, 'Notifications').waitFor()
    await tour('all read')

    // Boris reminds Anna to confirm: unread notifications, counted in the navigation.
    await borisNode.call('request.confirm', { network, pledge: given.pledge!.id })
    await nav(a, /^Notifications/)
      .getByText(/^\d+$/)
      .waitFor({ timeout: STEP })
    await tour('unread')
    await anna.screenshot('unread')

    expect(findings).toEqual([])
    expect(anna.errors).toEqual([])
  }, 300_000)
})
