// @vitest-environment jsdom
/**
 * The profile against a real node: the "about" counter and its limit, payment details saved
 * and read back, status changes with their amounts and deadline, the language, and leaving.
 */
import { waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { Profile } from '../../renderer/src/screens/Profile.tsx'
import { renderScreen, World } from './support.tsx'

let world: World
beforeEach(async () => {
  world = await World.create()
  localStorage.clear()
})
afterEach(() => world.destroy())

const LIVE = { timeout: 10_000 }

async function anna() {
  const { api, network } = await world.founder('Anna')
  const card = async () => api.call('member.card', { network: network.id, member: 'Anna' })
  return { api, network: network.id, card }
}

test('about: the counter follows typing, the limit blocks saving, the text is saved', async () => {
  const { api, card } = await anna()
  const user = userEvent.setup()
  const view = within((await renderScreen(api, <Profile />)).container)
  const section = await view.findByRole('region', { name: 'Name and about' }, LIVE)
  const about = within(section).getByLabelText('About you')
  const save = within(section).getByRole('button', { name: 'Save name and about' })
  const counter = () => within(section).getByText(/\d+ \/ 180/)

  expect((within(section).getByLabelText('Name') as HTMLInputElement).value).toBe('Anna')
  expect(counter().textContent).toBe('0 / 180')
  expect(counter().getAttribute('aria-live')).toBe('polite')
  expect(about.getAttribute('aria-describedby')).toContain(counter().id)
  expect((save as HTMLButtonElement).disabled).toBe(true) // nothing changed yet

  await user.type(about, 'Hello friends')
  expect(counter().textContent).toBe('13 / 180')
  expect((save as HTMLButtonElement).disabled).toBe(false)

  await user.clear(about)
  await user.click(about)
  await user.paste('x'.repeat(182))
  expect(counter().textContent).toBe('182 / 180 — 2 characters too many')
  expect(about.getAttribute('aria-invalid')).toBe('true')
  expect((save as HTMLButtonElement).disabled).toBe(true)
  await user.type(about, '{Backspace}')
  expect(counter().textContent).toBe('181 / 180 — 1 character too many')
  await user.type(about, '{Backspace}')
  expect(counter().textContent).toBe('180 / 180')
  expect((save as HTMLButtonElement).disabled).toBe(false)

  await user.clear(about)
  await user.type(about, 'Teacher in Kyiv; we talk at https://example.org/anna')
  await user.click(save)
  await waitFor(
    () => expect(within(section).getByRole('status').textContent).toContain('Saved.'),
    LIVE,
  )
  expect((await card()).about).toBe('Teacher in Kyiv; we talk at https://example.org/anna')
})

test('payment details: add, choose the default, save, read back, remove', async () => {
  const { api, network, card } = await anna()
  await api.call('status.set', { network, status: 'orange', amount: 50_000 })
  const user = userEvent.setup()
  const screen1 = await renderScreen(api, <Profile />)
  const view = within(screen1.container)
  let section = await view.findByRole('region', { name: 'Payment details' }, LIVE)
  expect(section.textContent).toContain('people will be told to ask you in person')

  await user.click(within(section).getByRole('button', { name: 'Add a payment detail' }))
  await user.click(within(section).getByRole('button', { name: 'Add a payment detail' }))
  const first = within(section).getByRole('group', { name: 'Payment detail 1' })
  const second = within(section).getByRole('group', { name: 'Payment detail 2' })
  expect((within(first).getByLabelText('Default') as HTMLInputElement).checked).toBe(true)

  // Incomplete rows are refused before anything is sent.
  await user.click(within(section).getByRole('button', { name: 'Save payment details' }))
  expect(within(section).getByRole('alert').textContent).toBe(
    'Every payment detail needs a name and details.',
  )

  await user.type(within(first).getByLabelText('Name'), 'IBAN')
  await user.type(within(first).getByLabelText('Details'), 'DE00 1234 5678')
  await user.type(within(second).getByLabelText('Name'), 'PayPal')
  await user.type(within(second).getByLabelText('Details'), 'anna@example.org')
  await user.click(within(second).getByLabelText('Default'))
  expect((within(first).getByLabelText('Default') as HTMLInputElement).checked).toBe(false)
  await user.click(within(section).getByRole('button', { name: 'Save payment details' }))
  await waitFor(
    () => expect(within(section).getByRole('status').textContent).toBe('Saved: 2 payment details.'),
    LIVE,
  )
  expect((await card()).payment).toEqual([
    { label: 'IBAN', value: 'DE00 1234 5678', isDefault: false },
    { label: 'PayPal', value: 'anna@example.org', isDefault: true },
  ])

  // Read back from the node on a fresh screen: the same rows, the same default.
  screen1.unmount()
  const again = within((await renderScreen(api, <Profile />)).container)
  section = await again.findByRole('region', { name: 'Payment details' }, LIVE)
  const row = (n: number) => within(section).getByRole('group', { name: `Payment detail ${n}` })
  const field = (n: number, label: string) =>
    within(row(n)).getByLabelText(label) as HTMLInputElement
  expect([field(1, 'Name').value, field(1, 'Details').value, field(1, 'Default').checked]).toEqual([
    'IBAN',
    'DE00 1234 5678',
    false,
  ])
  expect([field(2, 'Name').value, field(2, 'Details').value, field(2, 'Default').checked]).toEqual([
    'PayPal',
    'anna@example.org',
    true,
  ])

  // Removing the default makes the other one default.
  await user.click(within(section).getByRole('button', { name: 'Remove detail 2' }))
  const only = within(section).getByRole('group', { name: 'Payment detail 1' })
  expect((within(only).getByLabelText('Default') as HTMLInputElement).checked).toBe(true)
  await user.click(within(section).getByRole('button', { name: 'Save payment details' }))
  await waitFor(async () => {
    expect((await card()).payment).toEqual([
      { label: 'IBAN', value: 'DE00 1234 5678', isDefault: true },
    ])
  }, LIVE)
})

test('status: orange with a monthly amount, edited, then red with an amount and days', async () => {
  const { api, card } = await anna()
  const user = userEvent.setup()
  const view = within((await renderScreen(api, <Profile />)).container)
  const section = await view.findByRole('region', { name: 'Status' }, LIVE)
  expect(section.textContent).toContain('Your status now: ✅ Can help others')

  // Orange: the amount, what it means, a confirmation.
  await user.click(within(section).getByLabelText('🔆 Needs monthly support'))
  const change = () =>
    within(section).getByRole('button', { name: /^Change status to/ }) as HTMLButtonElement
  expect(change().disabled).toBe(true)
  await user.type(within(section).getByLabelText('Monthly amount (EUR)'), '500')
  expect(section.textContent).toContain('your payment details become visible')
  await user.click(change())
  expect(within(section).getByRole('alert').textContent).toContain(
    'Change your status to 🔆 Needs monthly support?',
  )
  await user.click(within(section).getByRole('button', { name: 'Yes' }))
  await waitFor(() => expect(section.textContent).toContain('Monthly amount 💰 €500'), LIVE)
  expect((await card()).monthly).toBe(50_000)

  // Editing the amount while orange needs no confirmation.
  const monthly = within(section).getByLabelText('Monthly amount (EUR)')
  expect((monthly as HTMLInputElement).value).toBe('500')
  await user.clear(monthly)
  await user.type(monthly, '600')
  await user.click(within(section).getByRole('button', { name: 'Update amount' }))
  await waitFor(() => expect(section.textContent).toContain('Monthly amount 💰 €600'), LIVE)

  // Red: amount and deadline in days, 1 to 31; going red freezes intentions.
  await user.click(within(section).getByLabelText('🆘 Needs emergency help'))
  expect(section.textContent).toContain(
    'Intentions in your favour from your monthly collection are frozen',
  )
  const amount = within(section).getByLabelText('Amount needed (EUR)')
  await user.clear(amount)
  await user.type(amount, '300')
  const days = within(section).getByLabelText('Deadline in days (1 to 31)')
  await user.type(days, '40')
  expect(within(section).getByRole('alert').textContent).toContain(
    'Enter a whole number of days from 1 to 31.',
  )
  expect(change().disabled).toBe(true)
  await user.clear(days)
  await user.type(days, '10')
  await user.click(change())
  await user.click(within(section).getByRole('button', { name: 'Yes' }))
  await waitFor(() => expect(section.textContent).toContain('Emergency amount 💰 €300'), LIVE)
  expect(section.textContent).toContain('10 days left')
  const red = await card()
  expect(red.status).toBe('red')
  expect(red.red?.amount).toBe(30_000)
  expect(red.red?.daysLeft).toBe(10)

  // Back to green: the consequence for intentions and obligations is spelled out.
  await user.click(within(section).getByLabelText('✅ Can help others'))
  expect(section.textContent).toContain(
    'All intentions in your favour are cancelled. Obligations in your favour stay in force',
  )
})

test('language: switching to Russian re-renders and is remembered', async () => {
  const { api } = await anna()
  const user = userEvent.setup()
  const rendered = await renderScreen(api, <Profile />)
  const view = within(rendered.container)
  await view.findByRole('region', { name: 'Language' }, LIVE)
  await user.selectOptions(view.getByLabelText('Language of the app'), 'Русский')
  await waitFor(
    () =>
      expect(view.getByRole('heading', { level: 1 }).textContent).toBe(
        'Ваш профиль в сети Friends',
      ),
    LIVE,
  )
  expect(localStorage.getItem('exodus.language')).toBe('ru')
  expect(rendered.i18n.language).toBe('ru')
  const about = within(view.getByRole('region', { name: 'Имя и о себе' }))
  await user.click(about.getByLabelText('О себе'))
  await user.paste('я'.repeat(183))
  expect(about.getByText(/183 \/ 180/).textContent).toBe(
    '183 / 180 — на 3 символа больше допустимого',
  )
  expect(view.getByRole('region', { name: 'Статус' }).textContent).toContain(
    '✅ Могу помогать другим',
  )
})

test('leaving: the plain warning, a confirmation, and the node is told', async () => {
  const { api, network } = await anna()
  const user = userEvent.setup()
  const rendered = await renderScreen(api, <Profile />)
  const view = within(rendered.container)
  const section = await view.findByRole('region', { name: 'Leave this network' }, LIVE)
  expect(section.textContent).toContain(
    "Entries already written to the shared log cannot be erased from other members' copies.",
  )
  expect(section.textContent).toContain('obligations you gave stay owed')
  await user.click(within(section).getByRole('button', { name: 'Leave Friends' }))
  expect(within(section).getByRole('alert').textContent).toContain('Leave Friends for good?')
  await user.click(within(section).getByRole('button', { name: 'Yes' }))
  await waitFor(() => expect(view.getByText(/You have left Friends\./)).toBeTruthy(), LIVE)
  const [summary] = await api.call('network.list', {})
  expect(summary!.id).toBe(network)
  expect(summary!.joined).toBe(false)
  expect(view.queryByRole('region', { name: 'Leave this network' })).toBeNull()
  // My own card is all the profile asks for, before and after leaving.
  expect(new Set(rendered.calls)).toEqual(new Set(['member.card', 'network.leave']))
})
