// @vitest-environment jsdom
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { graphElements } from '../../renderer/src/components/NetworkGraph.tsx'
import { People } from '../../renderer/src/screens/People.tsx'
import { renderScreen, until, retrying, World } from './support.tsx'

/** Screens wait on real nodes: give them time when the machine is busy. */
const slow = { timeout: 10_000 }

let world: World
beforeEach(async () => {
  world = await World.create()
})
afterEach(() => world.destroy())

/** Anna (orange 500) is supported by Boris with an intention of 75; Vera is just there. */
async function threeMembers() {
  const { api: anna, network } = await world.founder('Anna')
  const boris = await world.node('Boris')
  const vera = await world.node('Vera')
  await world.join(anna, boris, network.id, 'Boris')
  await world.join(anna, vera, network.id, 'Vera')
  await retrying(() =>
    anna.call('status.set', { network: network.id, status: 'orange', amount: 50_000 }),
  )
  await until(boris, network.id, (s) =>
    s.members.some((m) => m.name === 'Anna' && m.status === 'orange'),
  )
  await retrying(() =>
    boris.call('intention.create', { network: network.id, to: 'Anna', amount: 7_500 }),
  )
  await until(boris, network.id, (s) => s.members.length === 3)
  return { anna, boris, vera, network }
}

it('lists members with their lines and filters the graph', async () => {
  const { boris, network } = await threeMembers()
  const state = await boris.call('state', { network: network.id })
  const id = (name: string) => state.members.find((m) => m.name === name)!.id
  const [anna, bo, vera] = [id('Anna'), id('Boris'), id('Vera')]

  // The graph's data, per filter.
  const all = graphElements(state.members, 'all', state.me, state.relations.network)
  expect(all.nodes.map((n) => n.label).sort()).toEqual(['Anna', 'Boris', 'Vera'])
  expect(all.edges).toEqual([{ id: `${bo}>${anna}`, source: bo, target: anna }])
  expect(all.nodes.find((n) => n.id === bo)!.me).toBe(true)
  expect(all.nodes.find((n) => n.id === anna)!.status).toBe('orange')

  const monthly = graphElements(state.members, 'monthly', state.me, state.relations.network)
  expect(monthly.nodes.map((n) => [n.label, n.context])).toEqual(
    expect.arrayContaining([
      ['Anna', false],
      ['Boris', true],
    ]),
  )
  expect(monthly.nodes).toHaveLength(2)
  expect(monthly.edges).toHaveLength(1)
  expect(graphElements(state.members, 'inNeed', state.me).nodes).toHaveLength(2)
  expect(graphElements(state.members, 'emergencies', state.me)).toEqual({ nodes: [], edges: [] })

  const circles = graphElements(state.members, 'circles', state.me, state.relations.network)
  expect(circles.nodes.map((n) => n.id).sort()).toEqual([anna, bo].sort())
  expect(circles.nodes.some((n) => n.id === vera)).toBe(false)

  // The screen, as Boris sees it.
  const { calls } = await renderScreen(boris, <People />, { path: '/people' })
  await screen.findByRole('heading', { name: 'People' }, slow)
  const annaLink = await screen.findByRole('link', { name: 'Anna' }, slow)
  expect(annaLink.getAttribute('href')).toBe(`/people/${anna}`)
  // "My network" is the default tab as soon as it has anybody.
  expect(screen.getByRole('tab', { name: 'My network (1)' }).getAttribute('aria-selected')).toBe(
    'true',
  )
  const annaRow = annaLink.closest('li')!
  expect(within(annaRow).getByText('1 👥→👤 (75 ❤️ / 500 🙏)')).toBeTruthy()
  expect(within(annaRow).getByText('🔆 Needs monthly support')).toBeTruthy()

  const user = userEvent.setup()
  await user.click(screen.getByRole('tab', { name: 'All members (3)' }))
  const borisRow = screen.getByRole('link', { name: 'Boris' }).closest('li')!
  expect(within(borisRow).getByText('👤→1 👥 (75 ❤️ / 0 🤝 / 0 👍)')).toBeTruthy()
  expect(within(borisRow).getByText(/\(you\)/)).toBeTruthy()
  expect(screen.getByRole('link', { name: 'Vera' })).toBeTruthy()
  // Keyboard: arrows move between tabs.
  await user.keyboard('{ArrowLeft}')
  expect(
    screen.getByRole('tab', { name: 'Whom I support (1)' }).getAttribute('aria-selected'),
  ).toBe('true')

  // Graph: a summary for screen readers, and filters that change it.
  expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(
    /3 members, 1 support link; 0 emergencies, 1 asking for monthly support/,
  )
  await user.click(screen.getByRole('radio', { name: 'My circles' }))
  expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(/2 members, 1 support link/)

  // Live: Boris commits his intention; Anna's line updates without a reload.
  const pledge = state.organizer.myPromises[0]!
  await boris.call('intention.commit', { network: network.id, pledge: pledge.id })
  await user.click(screen.getByRole('tab', { name: 'All members (3)' }))
  await screen.findByText('1 👥→👤 (0 ❤️ / 425 🙏)', undefined, slow)
  // Cards and relations only: no organizer, notifications or refusals on each update.
  expect(new Set(calls)).toEqual(new Set(['members']))
})

it('reads in Russian, with the emergency line in Russian', async () => {
  const { api: anna, network } = await world.founder('Anna')
  await anna.call('status.set', { network: network.id, status: 'red', amount: 30_000, days: 5 })
  await renderScreen(anna, <People />, { path: '/people', language: 'ru' })
  await screen.findByRole('heading', { name: 'Люди' }, slow)
  expect(screen.getByRole('tab', { name: 'Все участники (1)' })).toBeTruthy()
  expect(screen.getByText('Anna 🆘 (300 🙏 / 5 дней)')).toBeTruthy()
  expect(screen.getByText('🆘 Нужна срочная помощь')).toBeTruthy()
  expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(/1 участник/)
})
