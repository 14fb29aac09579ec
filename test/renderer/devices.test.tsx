// @vitest-environment jsdom
/**
 * Your devices (domain.md §12) on screen, against real nodes: Settings lists them, makes a
 * link code (with copy and QR code), unlinks a device after saying what that does, or unlinks
 * it and changes the recovery phrase, showing the new words; the first-run screen links a new
 * install with that code.
 */
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { Route, Routes } from 'react-router-dom'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { FirstRun } from '../../renderer/src/screens/FirstRun.tsx'
import { Settings } from '../../renderer/src/screens/Settings.tsx'
import { renderScreen, World } from './support.tsx'

const slow = { timeout: 15_000 }

let world: World
beforeEach(async () => {
  world = await World.create()
})
afterEach(() => world.destroy())

it('lists my devices, makes a link code with copy and QR code, and unlinks a device', async () => {
  const { api: anna, network } = await world.founder('Anna')
  await renderScreen(anna, <Settings />, { path: '/settings' })
  const user = userEvent.setup()

  const section = await screen.findByRole('region', { name: 'Your devices' }, slow)
  const friends = within(section).getByRole('region', { name: 'Devices in Friends' })
  const list = await within(friends).findByRole('list', { name: 'Your devices in Friends' }, slow)
  const [mine] = await anna.call('device.list', { network: network.id })
  expect(
    within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent),
  ).toEqual([
    expect.stringMatching(new RegExp(`^Device ${mine!.id} · this device · linked .+ · keeps`)),
  ])
  // This device is never offered for unlinking.
  expect(within(list).queryByRole('button')).toBeNull()

  await user.click(within(friends).getByRole('button', { name: 'Link a device' }))
  const field = (await within(friends).findByRole(
    'textbox',
    { name: 'Link code' },
    slow,
  )) as HTMLInputElement
  expect(field.value).toMatch(/^[a-z0-9]{120}$/)
  expect(field.getAttribute('aria-describedby')?.split(' ')).toHaveLength(2)
  expect(within(friends).getByText(/^Valid until .+, once\.$/)).toBeTruthy()
  expect(within(friends).getByText(/^Whoever has this code becomes you/)).toBeTruthy()
  const qr = await within(friends).findByRole('img', { name: 'QR code of the link code' }, slow)
  expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/)
  await user.click(within(friends).getByRole('button', { name: 'Copy code' }))
  await within(friends).findByText('Code copied.', undefined, slow)
  expect(await navigator.clipboard.readText()).toBe(field.value)

  // Anna's phone uses the code: it shows up, and the code is gone.
  const phone = await world.node('Anna phone')
  const linked = await phone.call('identity.link', { code: field.value })
  expect(linked.networks[0]!.me).toBe(network.me)
  await within(friends).findByText('Your other device is linked.', undefined, slow)
  expect(within(friends).queryByRole('textbox', { name: 'Link code' })).toBeNull()
  const phoneDevice = (await phone.call('device.list', { network: network.id })).find(
    (d) => d.thisDevice,
  )!
  await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2), slow)

  // Unlinking asks first, saying what it does.
  const item = within(list).getAllByRole('listitem')[1]!
  expect(item.textContent).toMatch(new RegExp(`^Device ${phoneDevice.id} · linked `))
  await user.click(within(item).getByRole('button', { name: `Unlink device ${phoneDevice.id}…` }))
  expect(within(item).getByRole('alert').textContent).toBe(
    `Unlink device ${phoneDevice.id}? What it wrote stays; anything it writes afterwards is ` +
      'refused by every member, and it stops receiving the network. To use it again, link it anew.',
  )
  await user.click(within(item).getByRole('button', { name: 'Yes' }))
  await within(friends).findByText(`Device ${phoneDevice.id} is unlinked.`, undefined, slow)
  await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1), slow)
  expect((await anna.call('device.list', { network: network.id })).map((d) => d.key)).toEqual([
    mine!.key,
  ])
})

it('unlinks a lost device and changes the recovery phrase, showing the new words', async () => {
  const { api: anna, network } = await world.founder('Anna')
  const phone = await world.node('Anna phone')
  const link = await anna.call('device.link', { network: network.id })
  await phone.call('identity.link', { code: link.code })
  const phoneDevice = (await phone.call('device.list', { network: network.id })).find(
    (d) => d.thisDevice,
  )!
  const old = await anna.call('identity.phrase', { confirm: true })
  await renderScreen(anna, <Settings />, { path: '/settings' })
  const user = userEvent.setup()

  const friends = await screen.findByRole('region', { name: 'Devices in Friends' }, slow)
  const list = await within(friends).findByRole('list', { name: 'Your devices in Friends' }, slow)
  await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2), slow)
  const item = within(list).getAllByRole('listitem')[1]!
  // Anna wrote her phrase down: the Recovery phrase section stops asking her to.
  const ask = /^You have not yet said that you wrote these words down/
  await anna.call('identity.phraseWritten', {})
  await waitFor(() => expect(screen.queryByText(ask)).toBeNull(), slow)
  // Next to "Unlink", for a device that was lost or stolen; it asks first, saying what it does.
  await user.click(
    within(item).getByRole('button', {
      name: `Unlink device ${phoneDevice.id} and change recovery phrase…`,
    }),
  )
  expect(within(item).getByRole('alert').textContent).toBe(
    `Unlink device ${phoneDevice.id} and change your recovery phrase? Do this when the device ` +
      'was lost or stolen: whoever has it also has your recovery phrase. You get a new phrase ' +
      'in all your networks and the old one stops working, also the one on your paper. Write ' +
      'down the 24 new words shown next. Your other devices take them by themselves.',
  )
  await user.click(within(item).getByRole('button', { name: 'Yes' }))

  // The new words, at once, with the focus on them.
  const shown = await within(friends).findByRole(
    'region',
    { name: 'Your new recovery phrase' },
    slow,
  )
  const words = within(shown).getByRole('list', {
    name: 'The 24 words of your new recovery phrase',
  })
  expect(document.activeElement).toBe(words)
  const listed = within(words)
    .getAllByRole('listitem')
    .map((li) => li.textContent)
  expect(listed).toEqual((await anna.call('identity.phrase', { confirm: true })).words)
  expect(listed).not.toEqual(old.words)
  expect(within(shown).getByText(/^Write these 24 words down now, in order/)).toBeTruthy()
  await within(friends).findByText(`Device ${phoneDevice.id} is unlinked.`, undefined, slow)
  await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1), slow)

  expect((await anna.call('identity.get', {})).phraseWritten).toBe(false)
  // The new phrase is not written down yet, and the Recovery phrase section says so at once.
  await screen.findByText(ask, undefined, slow)
  await user.click(within(shown).getByRole('button', { name: 'I have written these words down' }))
  await waitFor(() =>
    expect(within(friends).queryByRole('region', { name: 'Your new recovery phrase' })).toBeNull(),
  )
  expect((await anna.call('identity.get', {})).phraseWritten).toBe(true)
  await waitFor(() => expect(screen.queryByText(ask)).toBeNull(), slow)
})

it('links a new install at first run with the code, in Ukrainian, saying what is wrong', async () => {
  const { api: anna, network } = await world.founder('Anna')
  const link = await anna.call('device.link', { network: network.id })
  const phone = await world.node('Ганна')
  const onReady = vi.fn()
  await renderScreen(
    phone,
    <Routes>
      <Route path="/join" element={<FirstRun onReady={onReady} />} />
      <Route path="/" element={<p>Home screen</p>} />
    </Routes>,
    { path: '/join', language: 'uk' },
  )
  const user = userEvent.setup()

  const step = await screen.findByRole(
    'region',
    { name: 'Уже користуєтеся Exodus Circles на іншому пристрої?' },
    slow,
  )
  // Next to restoring from the phrase.
  expect(screen.getByRole('region', { name: 'Уже маєте фразу відновлення?' })).toBeTruthy()
  expect(screen.getByRole('region', { name: 'Ваша фраза відновлення' })).toBeTruthy()
  await user.click(within(step).getByRole('button', { name: 'Прив’язати до мого іншого пристрою' }))
  // The new install's own words make way for the form.
  expect(screen.queryByRole('region', { name: 'Ваша фраза відновлення' })).toBeNull()
  const field = within(step).getByRole('textbox', { name: 'Код прив’язки з іншого пристрою' })

  // An invite is not a link code: said next to the field.
  const invite = await anna.call('invite.create', { network: network.id })
  await user.type(field, invite.code)
  await user.click(within(step).getByRole('button', { name: 'Прив’язати цей пристрій' }))
  const alert = await within(step).findByRole('alert', undefined, slow)
  expect(alert.textContent).toMatch(/^Це запрошення до мережі, а не код прив’язки/)
  expect(field.getAttribute('aria-invalid')).toBe('true')
  expect(field.getAttribute('aria-describedby')?.split(' ')).toContain(alert.id)

  await user.clear(field)
  expect(within(step).queryByRole('alert')).toBeNull()
  await user.type(field, link.link)
  await user.click(within(step).getByRole('button', { name: 'Прив’язати цей пристрій' }))
  await screen.findByText('Home screen', undefined, slow)
  expect(onReady).toHaveBeenCalledWith(network.id)
  const [joined] = await phone.call('network.list', {})
  expect(joined).toMatchObject({ id: network.id, me: network.me, joined: true })
  expect((await phone.call('identity.get', {})).publicKey).toBe(
    (await anna.call('identity.get', {})).publicKey,
  )
})
