// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { Settings } from '../../renderer/src/screens/Settings.tsx'
import { renderScreen, World } from './support.tsx'

let world: World
beforeEach(async () => {
  world = await World.create()
  localStorage.clear()
})
afterEach(() => world.destroy())

it('shows networks with their sync state, the identity, and switches the language to Ukrainian', async () => {
  const { api: anna, network } = await world.founder('Anna', 'Friends')
  const boris = await world.node('Boris')
  await world.join(anna, boris, network.id, 'Boris')
  await anna.call('network.create', { name: 'Neighbours', currency: 'hours', memberName: 'Anna' })

  const { i18n } = await renderScreen(anna, <Settings />, {
    path: '/settings',
    network: network.id,
  })
  await screen.findByRole('heading', { level: 1, name: 'Settings' })

  // Both networks, the current one marked, each with its sync state from the node.
  const friends = await screen.findByRole('listitem', { name: /^Friends/ })
  const neighbours = screen.getByRole('listitem', { name: /^Neighbours/ })
  expect(within(friends).getByRole('heading').textContent).toContain('(current)')
  expect(within(friends).getByText('EUR')).toBeTruthy()
  await within(friends).findByText('1 peer connected', undefined, { timeout: 15_000 })
  expect(within(neighbours).getByText('hours')).toBeTruthy()
  expect(within(neighbours).getByText('No peers connected')).toBeTruthy()
  // Both computed their state themselves: all of it is here.
  expect(within(neighbours).getByText('All of it is on this device')).toBeTruthy()
  expect(within(neighbours).getByRole('button', { name: 'Switch to Neighbours' })).toBeTruthy()
  expect(within(friends).queryByRole('button')).toBeNull()
  expect(
    screen.getByRole('link', { name: 'Join or create another network' }).getAttribute('href'),
  ).toBe('/join')

  // Where the node keeps its data and how it finds peers: folded away under "Advanced".
  const info = await anna.call('node.info', {})
  const advanced = screen.getByText('Advanced', { selector: 'summary' }).closest('details')!
  expect(advanced.open).toBe(false)
  expect(within(advanced).getByText(info.dataDir)).toBe(await screen.findByText(info.dataDir))
  expect(within(advanced).getByText(info.bootstrap!.join(', '))).toBeTruthy()
  expect(within(advanced).getByText(/^exodus --data DIR daemon/)).toBeTruthy()

  const user = userEvent.setup()
  await user.click(within(advanced).getByText('Advanced'))
  expect(advanced.open).toBe(true)

  // The node's identity: its key, and a name that can be changed.
  const identity = await anna.call('identity.get', {})
  expect(screen.getByText(identity.publicKey)).toBeTruthy()
  const name = screen.getByRole('textbox', { name: 'Your default name' })
  await user.clear(name)
  await user.type(name, 'Anna K.')
  await user.click(screen.getByRole('button', { name: 'Save' }))
  await screen.findByText('Saved.')
  expect((await anna.call('identity.get', {})).name).toBe('Anna K.')

  // Switching the language changes what the screen says, and is remembered.
  await user.selectOptions(screen.getByRole('combobox', { name: 'Language of the app' }), 'uk')
  await screen.findByRole('heading', { level: 1, name: 'Налаштування' })
  expect(i18n.language).toBe('uk')
  expect(localStorage.getItem('exodus.language')).toBe('uk')
  expect(screen.getByRole('heading', { name: 'Мережі' })).toBeTruthy()
  expect(screen.getByRole('combobox', { name: 'Мова застосунку' })).toHaveProperty('value', 'uk')
  expect(screen.getByRole('button', { name: 'Перейти до мережі «Neighbours»' })).toBeTruthy()
  expect(
    screen.getByRole('link', { name: 'Приєднатися до іншої мережі або створити нову' }),
  ).toBeTruthy()
  await waitFor(() => expect(screen.getByText("Немає зв'язку ні з ким")).toBeTruthy())
})

it('exports the network, and deletes this device’s copy only after a plain warning', async () => {
  const { api: anna, network } = await world.founder('Anna', 'Friends')
  await anna.call('network.create', { name: 'Neighbours', currency: 'hours', memberName: 'Anna' })
  // jsdom has no object URLs; the browser's download itself is not what is tested here.
  const saved: string[] = []
  URL.createObjectURL = () => 'blob:export'
  URL.revokeObjectURL = () => {}
  const click = HTMLAnchorElement.prototype.click
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    saved.push(this.download)
  }
  try {
    await renderScreen(anna, <Settings />, { path: '/settings', network: network.id })
    const user = userEvent.setup()
    const data = await screen.findByRole('region', { name: 'Your data in Friends' })
    await user.click(within(data).getByRole('button', { name: 'Network history (CSV)' }))
    await within(data).findByText(/^Saved exodus-Friends-history-.*\.csv \(0 pledges\)\.$/)
    expect(saved).toEqual([expect.stringMatching(/^exodus-Friends-history-.*\.csv$/)])

    await user.click(
      within(data).getByRole('button', { name: "Delete this device's copy of Friends…" }),
    )
    expect(within(data).getByRole('alert').textContent).toContain('Other members keep their copies')
    await user.click(within(data).getByRole('button', { name: 'No' }))
    expect(within(data).queryByRole('alert')).toBeNull()
    expect((await anna.call('network.list', {})).map((n) => n.name)).toContain('Friends')

    await user.click(within(data).getByRole('button', { name: /^Delete this device's copy/ }))
    await user.click(within(data).getByRole('button', { name: 'Yes' }))
    await waitFor(async () =>
      expect((await anna.call('network.list', {})).map((n) => n.name)).toEqual(['Neighbours']),
    )
  } finally {
    HTMLAnchorElement.prototype.click = click
  }
})

it('shows the recovery phrase only after a plain warning, and hides it again', async () => {
  const { api: anna, network } = await world.founder('Anna', 'Friends')
  await renderScreen(anna, <Settings />, { path: '/settings', network: network.id })
  const user = userEvent.setup()
  const section = await screen.findByRole('region', { name: 'Recovery phrase' })
  expect(within(section).getByText(/^You have not yet said that you wrote/)).toBeTruthy()
  expect(within(section).queryByRole('list')).toBeNull()

  // First press: the warning, as a question. "No" leaves the words hidden.
  await user.click(within(section).getByRole('button', { name: 'Show recovery phrase…' }))
  const question = within(section).getByRole('group')
  expect(within(question).getByRole('alert').textContent).toBe(
    'Anyone who sees these words can act as you in every network. Show them now, with nobody ' +
      'else looking at your screen?',
  )
  await user.click(within(question).getByRole('button', { name: 'No' }))
  expect(within(section).queryByRole('list')).toBeNull()

  await user.click(within(section).getByRole('button', { name: 'Show recovery phrase…' }))
  await user.click(within(section).getByRole('button', { name: 'Yes' }))
  const list = await within(section).findByRole('list', {
    name: 'The 24 words of your recovery phrase',
  })
  const { words } = await anna.call('identity.phrase', { confirm: true })
  expect(
    within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent),
  ).toEqual(words)
  expect(document.activeElement).toBe(list)

  await user.click(within(section).getByRole('button', { name: 'I have written these words down' }))
  await waitFor(() => expect(within(section).queryByText(/^You have not yet said/)).toBeNull())
  expect((await anna.call('identity.get', {})).phraseWritten).toBe(true)
  expect(within(section).queryByRole('button', { name: 'I have written these words down' })).toBe(
    null,
  )
  await user.click(within(section).getByRole('button', { name: 'Hide the words' }))
  expect(within(section).queryByRole('list')).toBeNull()
  expect(within(section).getByRole('button', { name: 'Show recovery phrase…' })).toBeTruthy()
})
