/**
 * End to end: an emergency runs to success. Vera, asking for monthly support, goes red in
 * her browser; Anna sees it on her home screen, gives an obligation towards it and marks it
 * given; Vera confirms. The emergency ends funded: Vera is back to monthly support and the
 * emergency line is gone from both screens, all without a reload.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Daemon } from '../support/daemons.ts'
import {
  confirmStep,
  markPage,
  nav,
  notReloaded,
  Person,
  sees,
  Stage,
  STEP,
  urlOf,
} from './browser.ts'

describe('an emergency in the browser', () => {
  const stage = new Stage()
  const { nodes, people } = stage

  beforeAll(async () => {
    const [vera, anna] = (await stage.start('vera', 'anna')) as [Daemon, Daemon]
    // Already done through the UI by the other end-to-end test: set up over the API.
    await vera.call('identity.set', { name: 'Vera' })
    await anna.call('identity.set', { name: 'Anna' })
    const net = await vera.call('network.create', {
      name: 'Neighbours',
      currency: 'EUR',
      timeZone: 'Europe/Berlin',
    })
    await vera.call('status.set', { network: net.id, status: 'orange', amount: 20_000 })
    const invite = await vera.call('invite.create', { network: net.id, uses: 1 })
    await anna.call('network.join', { invite: invite.code })
    people.push(
      await Person.launch('Vera', { shots: 'emergency-vera' }),
      await Person.launch('Anna', { shots: 'emergency-anna' }),
    )
  }, 120_000)

  afterAll(() => stage.stop(), 60_000)

  test('Vera goes red, Anna gives, Vera confirms: the emergency ends funded', async () => {
    stage.reportFailures()
    const [veraNode, annaNode] = nodes as [Daemon, Daemon]
    const [vera, anna] = people as [Person, Person]
    const v = vera.page
    const a = anna.page

    await a.goto(urlOf(annaNode))
    await a.getByRole('heading', { name: 'Home', exact: true }).waitFor()
    const needs = a.getByRole('region', { name: 'Who needs help now' })
    await sees(needs, 'Vera 🔆 0 👥→👤 (0 ❤️ / 200 🙏)')
    await markPage(a)

    // Vera goes red: 300 within 10 days, through the confirmation step.
    await v.goto(urlOf(veraNode))
    await v.getByRole('heading', { name: 'Home', exact: true }).waitFor()
    await markPage(v)
    await nav(v, 'Profile').click()
    const status = v.getByRole('region', { name: 'Status' })
    await sees(status, 'Monthly amount 💰 €200', false)
    await status.getByRole('radio', { name: '🆘 Needs emergency help' }).check()
    await status.getByLabel('Amount needed (EUR)').fill('300')
    await status.getByLabel(/^Deadline in days/).fill('10')
    await sees(status, 'Everyone in the network is told you need emergency help.', false)
    await confirmStep(status, 'Change status to 🆘 Needs emergency help')
    await sees(status, 'Your status is now 🆘 Needs emergency help.')
    await vera.screenshot('profile-red')
    await nav(v, 'Home').click()
    await sees(v, /^🆘 Needs emergency help · emergency goal €300 · 10 days left$/, false)
    await sees(v, '0 👥→👤 (0 ❤️ / 300 🙏)')

    // Anna's home shows the emergency first, live; she opens Vera's card from there.
    const emergency = needs.getByRole('link', { name: /^Vera: emergency, €300 still missing/ })
    await emergency.waitFor({ timeout: STEP })
    await sees(needs, 'Vera 🆘 (300 🙏 / 10 days)')
    await anna.screenshot('home-emergency')
    await emergency.click()
    await a.getByRole('heading', { name: 'Vera', exact: true }).waitFor()
    await sees(a, 'Emergency collection')
    const help = a.getByRole('region', { name: 'Help Vera' })
    await sees(help, /only obligations are accepted/, false)
    expect(await help.getByRole('radio').count()).toBe(0)
    await help.getByLabel('Amount (EUR)').fill('300')
    await help.getByRole('button', { name: 'Give obligation 🤝' }).click()
    await sees(help, 'Your obligation of €300 to Vera is recorded.')
    await sees(a, 'Vera 🆘 (0 🙏 / 10 days)')
    await sees(v, '1 👥→👤 (0 ❤️ / 0 🙏)')
    await anna.screenshot('member-emergency')

    const between = a.getByRole('region', { name: 'Between you' })
    await confirmStep(between, 'Mark as given')
    await sees(between, '(given, awaiting confirmation)')

    // Vera confirms on her home screen; the emergency is funded.
    const awaiting = v.getByRole('region', { name: 'Awaiting my action' })
    await sees(awaiting, 'Anna marked €300 as given to you')
    await vera.screenshot('home-red-confirm')
    await confirmStep(awaiting, 'Confirm 👍')
    await sees(v, 'Your emergency is funded: thank you all!')

    // Both screens: Vera back to monthly support, no emergency line left.
    await sees(v, /^🔆 Needs monthly support · monthly goal €200$/, false)
    await sees(a, '🔆 Needs monthly support')
    await sees(a, 'Monthly support')
    for (const page of [a, v]) {
      await expect.poll(() => page.getByText(/🆘/).count(), { timeout: STEP }).toBe(0)
    }
    await nav(a, 'Home').click()
    await sees(needs, /^Vera 🔆 /, false)
    await sees(a, "Vera's emergency is funded: thank you!")
    await anna.screenshot('home-after-emergency')
    await vera.screenshot('home-after-emergency')
    expect(await notReloaded(a)).toBe(true)
    expect(await notReloaded(v)).toBe(true)
    expect(anna.errors).toEqual([])
    expect(vera.errors).toEqual([])
  }, 120_000)
})
