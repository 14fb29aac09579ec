// @vitest-environment jsdom
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { Route, Routes, useParams } from 'react-router-dom'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { identityKeyPair } from '../../core/identity/member-key.ts'
import { identitySeed } from '../../core/identity/phrase.ts'
import { createNode } from '../../core/node/node.ts'
import { FirstRun, inviteFromAddress } from '../../renderer/src/screens/FirstRun.tsx'
import { DirectApi, renderScreen, World } from './support.tsx'

let world: World
const closers: Array<() => Promise<unknown>> = []
beforeEach(async () => {
  world = await World.create()
})
afterEach(async () => {
  while (closers.length) await closers.pop()!()
  await world.destroy()
})

/** A node on the world's testnet, as a brand-new install: no name yet, no network. */
async function freshNode(dir?: string): Promise<DirectApi> {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), 'exodus-ui-fresh-')))
  if (!dir) closers.unshift(() => rm(dataDir, { recursive: true, force: true }))
  const node = await createNode({
    dataDir,
    bootstrap: world.testnet.bootstrap.map((b) => `${b.host}:${b.port}`),
    pairingTimeoutMs: 3_000,
  })
  closers.push(() => node.close())
  return new DirectApi(node)
}

function Landing() {
  const { member } = useParams()
  return <p>Landed on {member}</p>
}

/** FirstRun at /join, with stand-ins for where it may lead. */
function app(onReady: (id: string) => void) {
  return (
    <Routes>
      <Route path="/join" element={<FirstRun onReady={onReady} />} />
      <Route path="/" element={<p>Home screen</p>} />
      <Route path="/people/:member" element={<Landing />} />
    </Routes>
  )
}

const SLOW = { timeout: 20_000 }

it('reads an invite from the address', () => {
  expect(inviteFromAddress('?invite=abc', '')).toBe('abc')
  expect(inviteFromAddress('', '?invite=exodus%3A%2F%2Fjoin%2Fxyz')).toBe('exodus://join/xyz')
  expect(inviteFromAddress('?other=1', '')).toBe('')
})

it('creates the profile, shows the recovery phrase, then a network through the real node, and calls onReady', async () => {
  const api = await freshNode()
  const onReady = vi.fn()
  await renderScreen(api, app(onReady), { path: '/join' })
  const user = userEvent.setup()

  await screen.findByRole('heading', { level: 1, name: 'Welcome to Exodus Circles' })
  await user.type(screen.getByRole('textbox', { name: 'Your name' }), 'Anna')
  await user.click(screen.getByRole('button', { name: 'Continue' }))
  await screen.findByText('You are Anna.')
  expect((await api.call('identity.get', {})).name).toBe('Anna')

  // The 24 words, numbered, until Anna ticks that she wrote them down.
  const step = await screen.findByRole('region', { name: 'Your recovery phrase' })
  const list = await within(step).findByRole('list', {
    name: 'The 24 words of your recovery phrase',
  })
  const { words } = await api.call('identity.phrase', { confirm: true })
  expect(list.tagName).toBe('OL')
  expect(
    within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent),
  ).toEqual(words)
  expect(screen.queryByRole('region', { name: 'Start a new network' })).toBeNull()
  const proceed = within(step).getByRole('button', { name: 'Continue' })
  expect(proceed).toHaveProperty('disabled', true)
  await user.click(within(step).getByRole('checkbox', { name: 'I have written these words down' }))
  expect(proceed).toHaveProperty('disabled', false)
  await user.click(proceed)
  await screen.findByRole('region', { name: 'Start a new network' })
  expect(screen.queryByRole('region', { name: 'Your recovery phrase' })).toBeNull()
  expect((await api.call('identity.get', {})).phraseWritten).toBe(true)

  await user.type(screen.getByRole('textbox', { name: 'Network name' }), 'Friends')
  const unit = screen.getByRole('combobox', { name: 'Unit of account' })
  expect(unit).toHaveProperty('value', 'EUR')
  await user.selectOptions(unit, 'hours')
  const memberName = screen.getAllByRole('textbox', { name: 'Your name in this network' })[0]
  expect(memberName).toHaveProperty('value', 'Anna')
  const zone = screen.getByRole('combobox', { name: 'Time zone' })
  expect((zone as HTMLInputElement).value).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone)

  // A time zone that does not exist is caught before anything is created.
  await user.clear(zone)
  await user.type(zone, 'Mars/Olympus')
  await user.click(screen.getByRole('button', { name: 'Create the network' }))
  expect((await screen.findByRole('alert')).textContent).toMatch(/This time zone is unknown/)
  expect(onReady).not.toHaveBeenCalled()

  await user.clear(zone)
  await user.type(zone, 'Europe/Kyiv')
  await user.click(screen.getByRole('button', { name: 'Create the network' }))
  await screen.findByText('Home screen', undefined, SLOW)
  const [network] = await api.call('network.list', {})
  expect(onReady).toHaveBeenCalledWith(network!.id)
  expect(network).toMatchObject({
    name: 'Friends',
    currency: 'hours',
    timeZone: 'Europe/Kyiv',
    joined: true,
  })
  const state = await api.call('state', { network: network!.id })
  expect(state.members.map((m) => m.name)).toEqual(['Anna'])
})

it('joins with a real invite from another node and lands on the member it names', async () => {
  const { api: anna, network } = await world.founder('Anna')
  await anna.call('status.set', { network: network.id, status: 'orange', amount: 50_000 })
  const annaId = network.me
  const invite = await anna.call('invite.create', { network: network.id, for: annaId })
  const boris = await world.node('Boris')
  await boris.call('identity.phraseWritten', {}) // Boris went through the first run before
  const onReady = vi.fn()
  await renderScreen(boris, app(onReady), {
    path: `/join?invite=${encodeURIComponent(invite.link)}`,
  })
  const user = userEvent.setup()

  // The invite from the address is filled in, the join form comes first.
  const field = await screen.findByRole('textbox', { name: 'Invite code or link' })
  expect(field).toHaveProperty('value', invite.link)
  expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual([
    'Join with an invite',
    'Start a new network',
    'Already use Exodus Circles on another device?',
    'Already have a recovery phrase?',
  ])
  expect(screen.getAllByRole('textbox', { name: 'Your name in this network' })[0]).toHaveProperty(
    'value',
    'Boris',
  )
  await user.click(screen.getByRole('button', { name: 'Join' }))
  expect(screen.getByText('Looking for a member online to let you in…')).toBeTruthy()

  await screen.findByText(`Landed on ${annaId}`, undefined, SLOW)
  expect(onReady).toHaveBeenCalledWith(network.id)
  const state = await boris.call('state', { network: network.id })
  expect(state.members.map((m) => m.name).sort()).toEqual(['Anna', 'Boris'])
})

it('shows the node’s errors: a malformed invite, and no member online with "keep waiting"', async () => {
  const { api: anna, network } = await world.founder('Anna')
  // Several uses: the attempt that timed out stays announced on the DHT, and Anna, back online,
  // admits it too (see the report: a single-use invite would be used up by that stale request).
  const invite = await anna.call('invite.create', { network: network.id, uses: 5 })
  const boris = await freshNode()
  await boris.call('identity.set', { name: 'Boris' })
  await boris.call('identity.phraseWritten', {})
  await renderScreen(boris, app(vi.fn()), { path: '/join' })
  const user = userEvent.setup()

  const field = await screen.findByRole('textbox', { name: 'Invite code or link' })
  await user.type(field, 'this is not an invite!')
  await user.click(screen.getByRole('button', { name: 'Join' }))
  const alert = await screen.findByRole('alert')
  expect(alert.textContent).toBe(
    'This is not a valid invite code or link. Copy the whole code or link again.',
  )
  expect(screen.queryByRole('button', { name: 'Keep waiting' })).toBeNull()

  // Anna goes offline: nobody can let Boris in.
  const annaDir = anna.node.dataDir
  await anna.node.close()
  await user.clear(field)
  await user.type(field, invite.code)
  await user.click(screen.getByRole('button', { name: 'Join' }))
  const noAnswer = await screen.findByRole('alert', undefined, SLOW)
  expect(noAnswer.textContent).toMatch(/^No member of this network answered/)

  // Boris keeps waiting; Anna comes back online and lets him in.
  await user.click(screen.getByRole('button', { name: 'Keep waiting' }))
  expect(
    screen.getByText('Waiting for a member of this network to come online… Keep this window open.'),
  ).toBeTruthy()
  expect(screen.queryByRole('alert')).toBeNull()
  await freshNode(annaDir)
  await screen.findByText('Home screen', undefined, SLOW)
  await waitFor(async () => expect(await boris.call('network.list', {})).toHaveLength(1))
})

it('restores from a recovery phrase instead, saying what is wrong next to the field', async () => {
  const api = await freshNode()
  await api.call('identity.set', { name: 'Вера' })
  await renderScreen(api, app(vi.fn()), { path: '/join', language: 'ru' })
  const user = userEvent.setup()

  const restore = await screen.findByRole('region', { name: 'Уже есть фраза восстановления?' })
  expect(screen.getByRole('region', { name: 'Ваша фраза восстановления' })).toBeTruthy()
  await user.click(within(restore).getByRole('button', { name: 'Восстановить по фразе' }))
  // The new words make way for the form.
  expect(screen.queryByRole('region', { name: 'Ваша фраза восстановления' })).toBeNull()
  const field = within(restore).getByRole('textbox', { name: 'Фраза восстановления (24 слова)' })
  const zeros = `${'abandon '.repeat(23)}art`
  await user.type(field, zeros.replace(/art$/, 'arts'))
  await user.click(within(restore).getByRole('button', { name: 'Восстановить' }))
  const alert = await within(restore).findByRole('alert')
  expect(alert.textContent).toBe(
    'Слово 24, «arts», не из словаря фраз восстановления: проверьте, как оно написано.',
  )
  expect(field.getAttribute('aria-invalid')).toBe('true')
  expect(field.getAttribute('aria-describedby')?.split(' ')).toContain(alert.id)

  // Typed as written on paper: capitals, numbers and new lines do not matter.
  await user.clear(field)
  expect(within(restore).queryByRole('alert')).toBeNull()
  await user.type(
    field,
    zeros
      .toUpperCase()
      .split(' ')
      .map((w, i) => `${i + 1}. ${w}`)
      .join('\n'),
  )
  await user.click(within(restore).getByRole('button', { name: 'Восстановить' }))
  await screen.findByText(/^С возвращением: это устройство снова — вы\./)
  await screen.findByRole('region', { name: 'Присоединиться по приглашению' })
  expect(screen.queryByRole('region', { name: 'Уже есть фраза восстановления?' })).toBeNull()
  expect(await api.call('identity.get', {})).toEqual({
    name: 'Вера',
    publicKey: identityKeyPair(identitySeed(zeros)).publicKey.toString('hex'),
    phraseWritten: true,
  })
})
