// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { Home } from '../../renderer/src/screens/Home.tsx'
import { renderScreen, retrying, until, World } from './support.tsx'

let world: World
beforeEach(async () => {
  world = await World.create()
})
afterEach(() => world.destroy())

const LIVE = { timeout: 15_000 }
const section = (name: string) => screen.getByRole('region', { name })

it('shows my progress, who needs help (emergencies first) and confirms help end to end', async () => {
  const { api: anna, network } = await world.founder('Anna')
  const boris = await world.node('Boris')
  const vera = await world.node('Vera')
  await world.join(anna, boris, network.id, 'Boris')
  await world.join(anna, vera, network.id, 'Vera')
  await anna.call('status.set', { network: network.id, status: 'orange', amount: 50_000 })
  const net = network.id

  const { i18n } = await renderScreen(anna, <Home />, { path: '/' })
  await screen.findByRole('heading', { level: 1, name: 'Home' })
  const status = section('My status')
  expect(within(status).getByText('🔆 Needs monthly support')).toBeTruthy()
  const meter = within(status).getByRole('meter', { name: 'My collection' })
  expect(meter.getAttribute('aria-valuetext')).toBe('€0 of €500 promised, €500 still missing')
  // Anna asks herself: nobody *else* is.
  expect(
    within(section('Who needs help now')).getByText(
      'Nobody else in the network is asking for help right now.',
    ),
  ).toBeTruthy()

  // Boris's intention, recorded on his node, shows in my progress.
  await until(boris, net, (s) => s.members.some((m) => m.name === 'Anna' && m.status === 'orange'))
  await boris.call('intention.create', { network: net, to: 'Anna', amount: 10_000 })
  await within(status).findByText('1 👥→👤 (100 ❤️ / 500 🙏)', undefined, LIVE)
  const intended = within(status).getByText('Intended').closest('div')!
  expect(intended.textContent).toContain('€100')
  expect(
    within(section('Recent activity')).getByText('Boris intends to give you €100 ❤️'),
  ).toBeTruthy()

  // Vera asks for monthly support, then Boris has an emergency: he comes first.
  await vera.call('status.set', { network: net, status: 'orange', amount: 20_000 })
  await boris.call('status.set', { network: net, status: 'red', amount: 30_000, days: 10 })
  const needs = section('Who needs help now')
  await waitFor(() => expect(within(needs).getAllByRole('link')).toHaveLength(2), LIVE)
  const links = within(needs).getAllByRole('link')
  expect(links.map((l) => l.textContent)).toEqual([
    'Boris 🆘 (300 🙏 / 10 days)',
    'Vera 🔆 0 👥→👤 (0 ❤️ / 200 🙏)',
  ])
  const state = await anna.call('state', { network: net })
  const id = (name: string) => state.members.find((m) => m.name === name)!.id
  expect(links[0]!.getAttribute('href')).toBe(`/people/${id('Boris')}`)
  expect(links[0]!.getAttribute('aria-label')).toBe(
    'Boris: emergency, €300 still missing, 10 days left',
  )
  expect(links[1]!.getAttribute('href')).toBe(`/people/${id('Vera')}`)

  // Vera gives me 50 and marks it given; I confirm from the home screen.
  await until(vera, net, (s) => s.members.some((m) => m.name === 'Anna' && m.status === 'orange'))
  const { pledge } = await vera.call('obligation.create', {
    network: net,
    to: 'Anna',
    amount: 5_000,
  })
  await vera.call('obligation.fulfil', { network: net, pledge: pledge!.id })
  const awaiting = section('Awaiting my action')
  await within(awaiting).findByText('Vera marked €50 as given to you', undefined, LIVE)
  const recent = section('Recent activity')
  expect(
    within(recent).getByText('Vera marked €50 to you as given: please confirm 👍'),
  ).toBeTruthy()
  const user = userEvent.setup()
  await user.click(within(awaiting).getByRole('button', { name: 'Confirm 👍' }))
  expect(within(awaiting).getByText(/Confirm that you received €50 from Vera\?/)).toBeTruthy()
  await user.click(within(awaiting).getByRole('button', { name: 'Yes' }))
  await within(awaiting).findByText('Nothing awaits you right now.', undefined, LIVE)
  await waitFor(() =>
    expect(within(status).getByRole('meter').getAttribute('aria-valuetext')).toBe(
      '€50 of €500 promised, €450 still missing',
    ),
  )
  expect(within(status).getByText('Confirmed').closest('div')!.textContent).toContain('€50')
  expect(within(status).getByText('2 👥→👤 (100 ❤️ / 450 🙏)')).toBeTruthy()
  expect(within(recent).getByText('You confirmed receiving €50 👍')).toBeTruthy()
  // Confirmed: what Vera did is still told, without asking for the confirmation again.
  expect(within(recent).getByText('Vera marked €50 to you as given')).toBeTruthy()
  expect(within(recent).queryByText(/please confirm/)).toBeNull()
  // Vera's node learns it too.
  await until(vera, net, (s) =>
    s.organizer.fulfilled.some((p) => p.id === pledge!.id && p.state === 'confirmed'),
  )

  // In Russian.
  await i18n.changeLanguage('ru')
  await screen.findByRole('heading', { level: 1, name: 'Главная' })
  const needsRu = screen.getByRole('region', { name: 'Кому нужна помощь сейчас' })
  expect(within(needsRu).getAllByRole('link')[0]!.textContent).toBe('Boris 🆘 (300 🙏 / 10 дней)')
  expect(screen.getByText('🔆 Нужна ежемесячная поддержка')).toBeTruthy()

  // A request addressed to Boris: Anna asks him to commit his intention; he does it from home.
  const intention = state.organizer.promisesToMe.find((p) => p.kind === 'intention')!
  await anna.call('request.commit', { network: net, pledge: intention.id })
  cleanup()
  await renderScreen(boris, <Home />, { path: '/' })
  const borisAwaiting = await screen.findByRole('region', { name: 'Awaiting my action' })
  await within(borisAwaiting).findByText(
    'Anna asks you to turn your intention of €100 into an obligation',
    undefined,
    LIVE,
  )
  await user.click(
    within(borisAwaiting).getByRole('button', { name: 'Turn into an obligation 🤝' }),
  )
  await user.click(within(borisAwaiting).getByRole('button', { name: 'Yes' }))
  // Answered: what is left is to give it.
  await within(borisAwaiting).findByText(/^You promised €100 to Anna: give it by /, undefined, LIVE)
  expect(within(borisAwaiting).queryByText(/asks you to turn/)).toBeNull()
  await until(anna, net, (s) =>
    s.organizer.promisesToMe.some((p) => p.id === intention.id && p.kind === 'obligation'),
  )
})

it("counts an emergency's days left down by the node's clock, with no new op", async () => {
  // Mid-month, so that moving the clock crosses no month start (which would append an op).
  let now = Date.UTC(2026, 5, 10, 9)
  const { api: anna, network } = await world.founder('Anna', 'Friends', {
    clock: () => now,
    cycleCheckMs: 50,
  })
  await anna.call('status.set', { network: network.id, status: 'red', amount: 30_000, days: 10 })
  const before = (await anna.call('state', { network: network.id })).meta

  await renderScreen(anna, <Home />, { path: '/' })
  const status = await screen.findByRole('region', { name: 'My status' }, LIVE)
  await within(status).findByText(/· 10 days left$/, undefined, LIVE)

  now += 2 * 86_400_000
  await within(status).findByText(/· 8 days left$/, undefined, LIVE)
  now += 7 * 86_400_000 + 3_600_000
  await within(status).findByText(/· 1 day left$/, undefined, LIVE)
  // Network time and the ops behind it stayed where they were: only the clock moved.
  const after = (await anna.call('state', { network: network.id })).meta
  expect(after.now).toBe(before.now)
  expect(after.seq).toEqual(before.seq)
})

it('lists what I promised and have still to give, the closest deadline first', async () => {
  // Mid-June in the network's time zone: the month ends on 30 June, after the emergency's 3 days.
  const start = Date.UTC(2026, 5, 10, 9)
  const since = Date.now()
  const clock = { clock: () => start + (Date.now() - since) }
  const { api: anna, network } = await world.founder('Anna', 'Friends', clock)
  const boris = await world.node('Boris', clock)
  const vera = await world.node('Vera', clock)
  await world.join(anna, boris, network.id, 'Boris')
  await world.join(anna, vera, network.id, 'Vera')
  const net = network.id
  await retrying(() => vera.call('status.set', { network: net, status: 'orange', amount: 20_000 }))
  await retrying(() =>
    boris.call('status.set', { network: net, status: 'red', amount: 30_000, days: 3 }),
  )
  await until(anna, net, (s) => s.members.filter((m) => m.status !== 'green').length === 2)
  await anna.call('obligation.create', { network: net, to: 'Vera', amount: 2_000 })
  await anna.call('obligation.create', { network: net, to: 'Boris', amount: 10_000 })
  const deadline = (await anna.call('state', { network: net })).members.find(
    (m) => m.name === 'Boris',
  )!.red!.deadline
  const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'Europe/Berlin' })

  await renderScreen(anna, <Home />, { path: '/' })
  const awaiting = await screen.findByRole('region', { name: 'Awaiting my action' }, LIVE)
  const owed = await within(awaiting).findAllByText(/^You promised/, undefined, LIVE)
  expect(owed.map((p) => p.textContent)).toEqual([
    `You promised €100 to Boris's emergency: give it by ${day.format(deadline)} (3 days left)`,
    'You promised €20 to Vera: give it by Jun 30, 2026',
  ])

  // Given: it leaves the list.
  const user = userEvent.setup()
  const emergency = owed[0]!.closest('li')!
  await user.click(within(emergency).getByRole('button', { name: 'Mark as given' }))
  await user.click(within(emergency).getByRole('button', { name: 'Yes' }))
  await waitFor(() => expect(within(awaiting).getAllByText(/^You promised/)).toHaveLength(1), LIVE)
  expect(within(awaiting).getByText(/^You promised €20 to Vera/)).toBeTruthy()
})
