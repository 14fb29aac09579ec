/**
 * End to end, as people use it: two real nodes on a local testnet, each with its own
 * Chromium showing the UI the node serves. Anna starts a network and asks for monthly
 * support; Boris joins with her invite, promises, commits and gives; Anna confirms. Both
 * screens follow every step live, and Boris reads the same card in Russian.
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
  tour,
  urlOf,
  writePhraseDown,
} from './browser.ts'

describe('two people in their browsers', () => {
  const stage = new Stage()
  const { nodes, people } = stage

  beforeAll(async () => {
    await stage.start('anna', 'boris')
    people.push(await Person.launch('Anna'), await Person.launch('Boris'))
  }, 120_000)

  afterAll(() => stage.stop(), 60_000)

  test('Anna asks, Boris joins, promises and gives, Anna confirms; live, then in Russian', async () => {
    stage.reportFailures()
    const [annaNode, borisNode] = nodes as [Daemon, Daemon]
    const [anna, boris] = people as [Person, Person]
    const a = anna.page
    const b = boris.page

    // Anna: first run, her profile and a new network.
    await a.goto(urlOf(annaNode))
    await a.getByRole('heading', { name: 'Welcome to Exodus Circles' }).waitFor()
    await anna.screenshot('first-run')
    await a.getByLabel('Your name', { exact: true }).fill('Anna')
    await a.getByRole('button', { name: 'Continue' }).click()
    await writePhraseDown(a)
    const create = a.getByRole('region', { name: 'Start a new network' })
    await create.getByLabel('Network name').fill('Friends')
    await create.getByLabel('Unit of account').selectOption('EUR')
    await create.getByLabel('Time zone').fill('Europe/Berlin')
    expect(await create.getByLabel('Your name in this network').inputValue()).toBe('Anna')
    await create.getByRole('button', { name: 'Create the network' }).click()
    await a.getByRole('heading', { name: 'Home', exact: true }).waitFor()
    await sees(a, 'Anna in Friends')

    // Anna goes orange 500.
    await nav(a, 'Profile').click()
    const status = a.getByRole('region', { name: 'Status' })
    await status.getByRole('radio', { name: '🔆 Needs monthly support' }).check()
    await status.getByLabel('Monthly amount (EUR)').fill('500')
    await confirmStep(status, 'Change status to 🔆 Needs monthly support')
    await sees(status, 'Your status is now 🔆 Needs monthly support.')
    await sees(status, /Monthly amount 💰 €500/, false)

    // Anna creates an invite for herself and reads its code from the page.
    await nav(a, 'Invites').click()
    const invites = a.getByRole('region', { name: 'New invite' })
    await invites.getByLabel('Who is it for?').selectOption({ label: 'Me: come and help me' })
    await invites.getByRole('button', { name: 'Create invite' }).click()
    await sees(invites, 'Your invite is ready')
    await sees(invites, "Whoever joins with it is taken to Anna's card.")
    const code = await invites.getByLabel('Code', { exact: true }).inputValue()
    expect(code.length).toBeGreaterThan(20)
    await a.getByRole('img', { name: 'QR code of the invite link' }).waitFor()

    // Anna watches her home screen from now on; it must follow Boris without a reload.
    await nav(a, 'Home').click()
    await sees(a, '0 👥→👤 (0 ❤️ / 500 🙏)')
    await markPage(a)

    // Boris: first run, his profile, then joining with Anna's code.
    await b.goto(urlOf(borisNode))
    await b.getByLabel('Your name', { exact: true }).fill('Boris')
    await b.getByRole('button', { name: 'Continue' }).click()
    await writePhraseDown(b)
    const join = b.getByRole('region', { name: 'Join with an invite' })
    await join.getByLabel('Invite code or link').fill(code)
    expect(await join.getByLabel('Your name in this network').inputValue()).toBe('Boris')
    await join.getByRole('button', { name: 'Join', exact: true }).click()

    // He lands on Anna's card, with the form to help her.
    await b.getByRole('heading', { name: 'Anna', exact: true }).waitFor({ timeout: 60_000 })
    await sees(b, '🔆 Needs monthly support')
    await sees(b, '0 👥→👤 (0 ❤️ / 500 🙏)')
    await markPage(b)
    const help = b.getByRole('region', { name: 'Help Anna' })
    await help.getByRole('radio', { name: 'Intention ❤️ (revocable)' }).check()
    await help.getByLabel('Amount (EUR)').fill('100')
    await help.getByRole('button', { name: 'Record intention ❤️' }).click()
    await sees(help, 'Your intention of €100 to Anna is recorded.')

    // Both screens: one supporter, 100 intended, nothing committed yet.
    await sees(b, '1 👥→👤 (100 ❤️ / 500 🙏)')
    await sees(a, '1 👥→👤 (100 ❤️ / 500 🙏)')

    // Boris turns it into an obligation, then gives it.
    const between = b.getByRole('region', { name: 'Between you' })
    await sees(between, 'Intention ❤️: you → Anna, €100')
    await confirmStep(between, 'Turn into obligation 🤝')
    await sees(between, 'Obligation 🤝: you → Anna, €100')
    await sees(b, '1 👥→👤 (0 ❤️ / 400 🙏)')
    await sees(a, '1 👥→👤 (0 ❤️ / 400 🙏)')
    await confirmStep(between, 'Mark as given')
    await sees(between, '(given, awaiting confirmation)')

    // Anna is told: an unread count, and the notification in the centre.
    await nav(a, /^Notifications \d+ unread$/).waitFor({ timeout: STEP })
    await anna.screenshot('home-awaiting')
    await nav(a, /^Notifications/).click()
    await sees(a, 'Boris marked €100 to you as given: please confirm 👍')
    await sees(a, /^\d+ unread notifications?$/, false)
    await a.getByRole('button', { name: 'Mark all as read' }).click()
    await sees(a, 'All caught up: nothing unread')
    await nav(a, /^Notifications$/).waitFor()

    // She confirms on Home.
    await nav(a, 'Home').click()
    const awaiting = a.getByRole('region', { name: 'Awaiting my action' })
    await sees(awaiting, 'Boris marked €100 as given to you')
    await confirmStep(awaiting, 'Confirm 👍')
    await sees(awaiting, 'Nothing awaits you right now.')
    await sees(a, '1 👥→👤 (0 ❤️ / 400 🙏)')

    // Boris's card of Anna follows: the promise is archived as confirmed.
    await sees(between, '1 fulfilled promise')
    await sees(b, '1 👥→👤 (0 ❤️ / 400 🙏)')
    expect(await notReloaded(a)).toBe(true)
    expect(await notReloaded(b)).toBe(true)

    // Boris switches to Russian; Anna's card reads in Russian with the same counters.
    await nav(b, 'Settings').click()
    await b.getByLabel('Language of the app').selectOption('ru')
    await b.getByRole('heading', { name: 'Настройки' }).waitFor()
    await nav(b, 'Люди').click()
    await b.getByRole('heading', { name: 'Люди', exact: true }).waitFor()
    await b.getByRole('main').getByRole('link', { name: 'Anna', exact: true }).first().click()
    await b.getByRole('heading', { name: 'Anna', exact: true }).waitFor()
    await sees(b, '🔆 Нужна ежемесячная поддержка')
    await sees(b, 'Ежемесячная поддержка')
    await b.getByRole('region', { name: 'Помочь: Anna' }).waitFor()
    await sees(b.getByRole('region', { name: 'Между вами' }), '1 выполненное обещание')
    await sees(b, '1 👥→👤 (0 ❤️ / 400 🙏)')
    await boris.screenshot('member-ru')
    await nav(b, 'Настройки').click()
    await b.getByLabel('Язык приложения').selectOption('en')
    await b.getByRole('heading', { name: 'Settings' }).waitFor()

    // Screenshots of every main screen, for both.
    await tour(anna, 'Boris')
    await tour(boris, 'Anna')
    expect(anna.errors).toEqual([])
    expect(boris.errors).toEqual([])
  }, 150_000)
})
