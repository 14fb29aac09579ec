// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { Invites } from '../../renderer/src/screens/Invites.tsx'
import { renderScreen, retrying, World } from './support.tsx'

/** Screens wait on real nodes: give them time when the machine is busy. */
const slow = { timeout: 10_000 }

let world: World
beforeEach(async () => {
  world = await World.create()
})
afterEach(() => world.destroy())

it('creates an invite for me, shares it as code, link and QR code, and revokes it', async () => {
  const { api: anna, network } = await world.founder('Anna')
  await anna.call('status.set', { network: network.id, status: 'orange', amount: 50_000 })
  await renderScreen(anna, <Invites />, { path: '/invites' })
  await screen.findByRole('heading', { level: 1, name: 'Invites' }, slow)
  expect(screen.getByText('You have not created any invites in this network yet.')).toBeTruthy()

  const user = userEvent.setup()
  // While I ask for help, the invite is for me by default.
  const forWhom = screen.getByLabelText('Who is it for?') as HTMLSelectElement
  expect(forWhom.selectedOptions[0]!.textContent).toBe('Me: come and help me')
  const days = screen.getByLabelText('Expires in (days)')
  await user.clear(days)
  await user.type(days, '3')
  const uses = screen.getByLabelText('How many people can use it')
  await user.clear(uses)
  await user.type(uses, '2')
  await user.click(screen.getByRole('button', { name: 'Create invite' }))

  await screen.findByRole('heading', { name: 'Your invite is ready' }, slow)
  const [invite] = await anna.call('invite.list', { network: network.id })
  expect(invite!.uses).toBe(2)
  expect(invite!.for).toBe(network.me)
  expect(invite!.expiresAt - invite!.createdAt).toBeCloseTo(3 * 86_400_000, -5)
  expect((screen.getByLabelText('Code') as HTMLInputElement).value).toBe(invite!.code)
  expect((screen.getByLabelText('Link') as HTMLInputElement).value).toBe(invite!.link)
  expect(invite!.link).toMatch(/^exodus:\/\//)
  const qr = await screen.findByRole('img', { name: 'QR code of the invite link' }, slow)
  expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/)

  await user.click(screen.getByRole('button', { name: 'Copy link' }))
  await screen.findByText('Link copied.', undefined, slow)
  expect(await navigator.clipboard.readText()).toBe(invite!.link)

  // The list: for me, 0 of 2 used, active; revoking asks first.
  const table = screen.getByRole('table')
  const row = within(table).getAllByRole('row')[1]!
  expect(within(row).getByText('Me')).toBeTruthy()
  expect(within(row).getByText('0 of 2')).toBeTruthy()
  expect(within(row).getByText('active')).toBeTruthy()
  await user.click(within(row).getByRole('button', { name: 'Revoke' }))
  expect(within(row).getByRole('alert').textContent).toMatch(/Revoke this invite \(Me\)\?/)
  await user.click(within(row).getByRole('button', { name: 'Yes' }))
  await waitFor(() => expect(within(row).getByText('revoked')).toBeTruthy(), slow)
  expect(within(row).queryByRole('button', { name: 'Revoke' })).toBeNull()
  expect(screen.queryByRole('heading', { name: 'Your invite is ready' })).toBeNull()
  expect((await anna.call('invite.list', { network: network.id }))[0]!.revoked).toBe(true)
})

it('invites friends to help a member in need, in Ukrainian', async () => {
  const { api: anna, network } = await world.founder('Anna')
  const boris = await world.node('Boris')
  await world.join(anna, boris, network.id, 'Boris')
  await retrying(() =>
    boris.call('status.set', { network: network.id, status: 'red', amount: 10_000, days: 3 }),
  )
  await waitFor(
    async () => {
      const s = await anna.call('state', { network: network.id })
      expect(s.members.find((m) => m.name === 'Boris')?.status).toBe('red')
    },
    { timeout: 15_000 },
  )
  const { calls } = await renderScreen(anna, <Invites />, { path: '/invites', language: 'uk' })
  await screen.findByRole('heading', { level: 1, name: 'Запрошення' }, slow)
  const user = userEvent.setup()
  const forWhom = screen.getByLabelText('Для кого воно?') as HTMLSelectElement
  // Anna is green: by default the invite is for nobody in particular.
  expect(forWhom.value).toBe('')
  await user.selectOptions(forWhom, 'Boris — 🆘 Потрібна термінова допомога')
  await user.click(screen.getByRole('button', { name: 'Створити запрошення' }))
  await screen.findByText('Хто приєднається за ним, одразу потрапить на картку: Boris.')
  expect(await screen.findByRole('img', { name: 'QR-код посилання-запрошення' }, slow)).toBeTruthy()
  const row = within(screen.getByRole('table')).getAllByRole('row')[1]!
  expect(within(row).getByText('Boris')).toBeTruthy()
  expect(within(row).getByText('0 з 1')).toBeTruthy()
  expect(within(row).getByText('діє')).toBeTruthy()
  // Who asks for help and the invites, each with the name of whom it is for: no more.
  expect(new Set(calls)).toEqual(new Set(['members.inNeed', 'invite.list', 'invite.create']))
})
