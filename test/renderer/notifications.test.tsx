// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { Notifications } from '../../renderer/src/screens/Notifications.tsx'
import { renderScreen, until, World } from './support.tsx'

let world: World
beforeEach(async () => {
  world = await World.create()
})
afterEach(() => world.destroy())

const LIVE = { timeout: 15_000 }

it("shows a peer's action live, marks one and then all as read, and reads in Russian", async () => {
  const { api: anna, network } = await world.founder('Anna')
  const boris = await world.node('Boris')
  await world.join(anna, boris, network.id, 'Boris')
  await anna.call('status.set', { network: network.id, status: 'orange', amount: 50_000 })
  await until(boris, network.id, (s) =>
    s.members.some((m) => m.name === 'Anna' && m.status === 'orange'),
  )

  const { i18n, calls } = await renderScreen(anna, <Notifications />, { path: '/notifications' })
  await screen.findByRole('heading', { name: 'Notifications' })
  await screen.findByText('Boris joined the network', undefined, LIVE)
  expect(screen.getByRole('status')).toHaveProperty('textContent', '1 unread notification')

  // Boris acts on his node; Anna's screen shows it without any reload.
  await boris.call('intention.create', { network: network.id, to: 'Anna', amount: 10_000 })
  const link = await screen.findByRole('link', { name: 'Boris intends to give you €100 ❤️' }, LIVE)
  const borisId = (await anna.call('state', { network: network.id })).members.find(
    (m) => m.name === 'Boris',
  )!.id
  expect(link.getAttribute('href')).toBe(`/people/${borisId}`)
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('2 unread notifications'))
  const items = screen.getAllByRole('listitem')
  expect(items[0]!.textContent).toContain('Boris intends to give you €100 ❤️')
  expect(items[0]!.className).toContain('unread')

  // Marking one as read lowers the count, and the node remembers it.
  const user = userEvent.setup()
  await user.click(
    within(items[0]!).getByRole('button', {
      name: 'Mark as read: Boris intends to give you €100 ❤️',
    }),
  )
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('1 unread notification'))
  expect(
    (await anna.call('notifications.list', { network: network.id, unreadOnly: true })).length,
  ).toBe(1)

  // In Russian, the same list reads in Russian (with the UI's own templates, not the node's text).
  await i18n.changeLanguage('ru')
  await screen.findByRole('heading', { name: 'Уведомления' })
  expect(screen.getByRole('status').textContent).toBe('1 непрочитанное уведомление')
  expect(screen.getByRole('link', { name: /^Boris хочет помочь вам: 100\s€ ❤️$/ })).toBeTruthy()
  expect(screen.getByText('Новый участник сети: Boris')).toBeTruthy()

  await user.click(screen.getByRole('button', { name: 'Отметить все как прочитанные' }))
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Всё прочитано'))
  expect(screen.queryByRole('button', { name: /Отметить/ })).toBeNull()
  expect(await anna.call('notifications.list', { network: network.id, unreadOnly: true })).toEqual(
    [],
  )
  // The names come with the notifications: the screen asks for nothing else.
  expect(new Set(calls)).toEqual(new Set(['notifications.list', 'notifications.read']))
})

it('says in the user’s language when one of their entries did not count, and why', async () => {
  const { api: anna, network } = await world.founder('Anna')
  await anna.call('status.set', { network: network.id, status: 'orange', amount: 50_000 })
  // Two raises checked against the same state: the second one applied is refused.
  const raise = () =>
    anna.call('status.set', { network: network.id, status: 'orange', amount: 60_000 })
  await Promise.allSettled([raise(), raise()])

  await renderScreen(anna, <Notifications />, { path: '/notifications', language: 'uk' })
  await screen.findByRole('heading', { name: 'Сповіщення' })
  const text = await screen.findByText(/^Один із ваших записів не зараховано:/, undefined, LIVE)
  expect(text.textContent?.replace(/\s/g, ' ')).toBe(
    'Один із ваших записів не зараховано: Ваша щомісячна сума вже 600 EUR.',
  )
})
