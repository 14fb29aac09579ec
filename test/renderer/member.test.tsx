// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { allowedActions } from '../../core/ledger/actions.ts'
import { MemberPage } from '../../renderer/src/screens/MemberPage.tsx'
import type { Command, Params, Results } from '../../core/api/contract.ts'
import { DirectApi, renderScreen, until, retrying, World } from './support.tsx'

/** Screens wait on real nodes: give them time when the machine is busy. */
const slow = { timeout: 10_000 }

let world: World
beforeEach(async () => {
  world = await World.create()
})
afterEach(() => world.destroy())

/** Anna asks for help (`status`), Boris has joined and sees it. */
async function annaAsks(
  status: { status: 'orange'; amount: number } | { status: 'red'; amount: number; days: number },
) {
  const { api: anna, network } = await world.founder('Anna')
  const boris = await world.node('Boris')
  await world.join(anna, boris, network.id, 'Boris')
  await retrying(() => anna.call('status.set', { network: network.id, ...status }))
  await until(boris, network.id, (s) =>
    s.members.some((m) => m.name === 'Anna' && m.status === status.status),
  )
  const state = await boris.call('state', { network: network.id })
  const annaId = state.members.find((m) => m.name === 'Anna')!.id
  return { anna, boris, network, annaId, borisId: state.me }
}

const route = '/people/:member'

it('records an intention of 100 through the form, then turns it into an obligation', async () => {
  const { anna, boris, network, annaId } = await annaAsks({ status: 'orange', amount: 50_000 })
  await anna.call('profile.set', {
    network: network.id,
    about: 'Rent is late this month, see https://example.org/anna.',
  })
  await until(boris, network.id, (s) => s.members.some((m) => m.about.includes('example.org')))

  const { calls } = await renderScreen(boris, <MemberPage />, { path: `/people/${annaId}`, route })
  await screen.findByRole('heading', { level: 1, name: 'Anna' }, slow)
  expect(screen.getByText('🔆 Needs monthly support')).toBeTruthy()
  expect(screen.getByText('0 👥→👤 (0 ❤️ / 500 🙏)')).toBeTruthy()
  // The link in "about" is a safe external link.
  const link = screen.getByRole('link', { name: 'https://example.org/anna' })
  expect(link.getAttribute('href')).toBe('https://example.org/anna')
  expect(link.getAttribute('rel')).toContain('noopener')
  expect(link.getAttribute('target')).toBe('_blank')
  // No payment details yet.
  expect(screen.getByText('No payment details: ask in person.')).toBeTruthy()
  expect(screen.getByText('0 overdue obligations')).toBeTruthy()

  const user = userEvent.setup()
  const form = screen.getByRole('button', { name: 'Record intention ❤️' }).closest('form')!
  expect(within(form).getByRole('radio', { name: 'Intention ❤️ (revocable)' })).toBeTruthy()
  await user.type(within(form).getByLabelText('Amount (EUR)'), '100')
  await user.click(within(form).getByRole('button', { name: 'Record intention ❤️' }))

  await screen.findByText('1 👥→👤 (100 ❤️ / 500 🙏)', undefined, slow)
  expect(screen.getByText('Your intention of €100 to Anna is recorded.')).toBeTruthy()
  const row = screen.getByText('Intention ❤️: you → Anna, €100').closest('li')!
  expect(within(row).getByText('(active)')).toBeTruthy()
  // Progress: nothing promised firmly yet.
  const meter = screen.getByRole('meter', { name: "Anna's collection" })
  expect(meter.getAttribute('aria-valuetext')).toBe('€0 of €500 promised, €500 still missing')

  // Turn it into an obligation: irreversible, so it asks first.
  await user.click(within(row).getByRole('button', { name: 'Turn into obligation 🤝' }))
  expect(within(row).getByRole('alert').textContent).toMatch(/cannot be withdrawn/)
  await user.click(within(row).getByRole('button', { name: 'Yes' }))

  await screen.findByText('1 👥→👤 (0 ❤️ / 400 🙏)', undefined, slow)
  const obligation = screen.getByText('Obligation 🤝: you → Anna, €100').closest('li')!
  expect(within(obligation).getByText('(open)')).toBeTruthy()
  expect(within(obligation).getByRole('button', { name: 'Mark as given' })).toBeTruthy()
  expect(meter.getAttribute('aria-valuetext')).toBe('€100 of €500 promised, €400 still missing')
  // Boris now supports Anna: her relations say so.
  const relations = screen.getByRole('region', { name: 'Relations' })
  expect(within(relations).getByRole('link', { name: 'Boris' })).toBeTruthy()
  // The page's own query, and the two actions: nothing about the rest of the network.
  expect(new Set(calls)).toEqual(new Set(['member.page', 'intention.create', 'intention.commit']))

  // Anna sees Boris's obligation on his page with the recipient's actions.
  await until(anna, network.id, (s) => s.organizer.promisesToMe[0]?.kind === 'obligation')
  const mine = (await anna.call('state', { network: network.id })).organizer.promisesToMe[0]!
  expect(allowedActions(mine, annaId)).toEqual(['askFulfil', 'confirm', 'forgive'])
  expect(allowedActions(mine, mine.from)).toEqual(['fulfil'])
})

it('offers only an obligation towards an emergency, and explains why', async () => {
  const { boris, annaId } = await annaAsks({ status: 'red', amount: 30_000, days: 5 })
  await renderScreen(boris, <MemberPage />, { path: `/people/${annaId}`, route })
  await screen.findByRole('heading', { level: 1, name: 'Anna' }, slow)
  expect(screen.getByText('Anna 🆘 (300 🙏 / 5 days)')).toBeTruthy()
  expect(screen.getByText(/only obligations are accepted/)).toBeTruthy()
  expect(screen.queryByRole('radio', { name: /Intention/ })).toBeNull()
  expect(screen.queryByRole('button', { name: 'Record intention ❤️' })).toBeNull()

  const user = userEvent.setup()
  await user.type(screen.getByLabelText('Amount (EUR)'), '50')
  await user.click(screen.getByRole('button', { name: 'Give obligation 🤝' }))
  await screen.findByText('Anna 🆘 (250 🙏 / 5 days)', undefined, slow)
  expect(screen.getByText('Obligation 🤝: you → Anna, €50')).toBeTruthy()

  // A bad amount is refused before it reaches the node, next to the form.
  await user.type(screen.getByLabelText('Amount (EUR)'), '0')
  await user.click(screen.getByRole('button', { name: 'Give obligation 🤝' }))
  expect((await screen.findByRole('alert', undefined, slow)).textContent).toMatch(/greater than 0/)
})

it('shows no form for me or a green member; my six relations; a Help link', async () => {
  const { anna, annaId, borisId } = await annaAsks({ status: 'orange', amount: 50_000 })
  const user = userEvent.setup()

  await renderScreen(anna, <MemberPage />, { path: `/people/${annaId}`, route })
  await screen.findByRole('heading', { level: 1, name: 'Anna (you)' }, slow)
  expect(screen.queryByRole('button', { name: /Record intention/ })).toBeNull()
  expect(screen.queryByRole('region', { name: 'Between you' })).toBeNull()
  const relations = screen.getByRole('region', { name: 'Relations' })
  expect(within(relations).getAllByRole('heading', { level: 3 })).toHaveLength(6)
  expect(within(relations).getByRole('heading', { name: 'Who supports me (0)' })).toBeTruthy()
  await user.click(screen.getByRole('button', { name: 'Create a Help link' }))
  const code = (await screen.findByLabelText('Code', undefined, slow)) as HTMLInputElement
  expect(code.value.length).toBeGreaterThan(20)
  expect((screen.getByLabelText('Link') as HTMLInputElement).value).toBe(
    `exodus://join/${code.value}`,
  )
  const invites = await anna.call('invite.list', { network: 'Friends' })
  expect(invites.some((i) => i.for === annaId && i.code === code.value)).toBe(true)
  cleanup()

  await renderScreen(anna, <MemberPage />, { path: `/people/${borisId}`, route })
  await screen.findByRole('heading', { level: 1, name: 'Boris' }, slow)
  expect(screen.getByText('Boris is not asking for help right now.')).toBeTruthy()
  expect(screen.queryByLabelText('Amount (EUR)')).toBeNull()
  expect(screen.queryByRole('button', { name: 'Create a Help link' })).toBeNull()
  cleanup()

  await renderScreen(anna, <MemberPage />, { path: '/people/nobody', route })
  await screen.findByRole('heading', { level: 1, name: 'Member not found' }, slow)
})

it('reads in Russian', async () => {
  const { boris, annaId, borisId } = await annaAsks({ status: 'orange', amount: 50_000 })
  await renderScreen(boris, <MemberPage />, { path: `/people/${annaId}`, route, language: 'ru' })
  await screen.findByRole('heading', { level: 1, name: 'Anna' }, slow)
  expect(screen.getByText('🔆 Нужна ежемесячная поддержка')).toBeTruthy()
  expect(screen.getByRole('heading', { name: 'Помочь: Anna' })).toBeTruthy()
  expect(screen.getByRole('radio', { name: 'Намерение ❤️ (можно отменить)' })).toBeTruthy()
  expect(screen.getByText('Реквизитов нет: спросите лично.')).toBeTruthy()
  expect(screen.getByText('0 просроченных обязательств')).toBeTruthy()

  const user = userEvent.setup()
  await user.type(screen.getByLabelText('Сумма (EUR)'), '100')
  await user.click(screen.getByRole('button', { name: 'Записать намерение ❤️' }))
  await screen.findByText('1 👥→👤 (100 ❤️ / 500 🙏)', undefined, slow)
  expect(screen.getByText(/Намерение ❤️: вы → Anna, 100\s€/)).toBeTruthy()
  expect(screen.getByRole('button', { name: 'Превратить в обязательство 🤝' })).toBeTruthy()
  expect(borisId).toBeTruthy()
})

it('shows one default payment detail once, and the others under "more ways to pay"', async () => {
  const { anna, boris, network, annaId } = await annaAsks({ status: 'orange', amount: 50_000 })
  const iban = { label: 'IBAN', value: 'DE89 3704 0044 0532 0130 00', isDefault: true }
  await anna.call('payment.set', { network: network.id, details: [iban] })
  await until(boris, network.id, (s) => s.members.some((m) => m.payment?.length === 1))

  const view = await renderScreen(boris, <MemberPage />, { path: `/people/${annaId}`, route })
  await screen.findByRole('heading', { level: 1, name: 'Anna' }, slow)
  expect(screen.getAllByText(iban.value)).toHaveLength(1)
  expect(screen.queryByText(/more ways? to pay/)).toBeNull()
  view.unmount()

  const phone = { label: 'Phone', value: '+49 151 0000000', isDefault: false }
  await anna.call('payment.set', { network: network.id, details: [phone, iban] })
  await until(boris, network.id, (s) => s.members.some((m) => m.payment?.length === 2))
  await renderScreen(boris, <MemberPage />, { path: `/people/${annaId}`, route })
  await screen.findByRole('heading', { level: 1, name: 'Anna' }, slow)
  expect(screen.getAllByText(iban.value)).toHaveLength(1)
  const more = screen.getByText('1 more way to pay').closest('details')!
  expect(within(more).getByText(phone.value)).toBeTruthy()
  expect(within(more).queryByText(iban.value)).toBeNull()
})

it("writes dates in the browser's locale: day first in British English", async () => {
  Object.defineProperty(navigator, 'languages', { value: ['en-GB', 'en'], configurable: true })
  try {
    const { boris, network, annaId } = await annaAsks({ status: 'red', amount: 30_000, days: 5 })
    await boris.call('obligation.create', { network: network.id, to: annaId, amount: 5_000 })
    const state = await boris.call('state', { network: network.id })
    const deadline = state.members.find((m) => m.id === annaId)!.red!.deadline
    const since = state.organizer.myPromises[0]!.createdAt
    const gb = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'Europe/Berlin' })
    const local = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' })

    await renderScreen(boris, <MemberPage />, { path: `/people/${annaId}`, route })
    await screen.findByRole('heading', { level: 1, name: 'Anna' }, slow)
    expect(screen.getByText(`Deadline: ${gb.format(deadline)}`)).toBeTruthy()
    expect(await screen.findByText(`Since ${local.format(since)}`, undefined, slow)).toBeTruthy()
  } finally {
    Reflect.deleteProperty(navigator, 'languages')
  }
})

it("the form's message says what is true of the pledge now, not what it was", async () => {
  const { anna, boris, network, annaId } = await annaAsks({ status: 'orange', amount: 50_000 })
  await renderScreen(boris, <MemberPage />, { path: `/people/${annaId}`, route })
  await screen.findByRole('heading', { level: 1, name: 'Anna' }, slow)
  const user = userEvent.setup()
  const form = screen.getByRole('button', { name: 'Record intention ❤️' }).closest('form')!
  const said = within(form).getByRole('status')
  await user.type(within(form).getByLabelText('Amount (EUR)'), '100')
  await user.click(within(form).getByRole('button', { name: 'Record intention ❤️' }))
  await waitFor(
    () => expect(said.textContent).toBe('Your intention of €100 to Anna is recorded.'),
    slow,
  )

  // Boris turns it into an obligation and gives it: the form follows.
  const row = (await screen.findByText('Intention ❤️: you → Anna, €100', undefined, slow)).closest(
    'li',
  )!
  await user.click(within(row).getByRole('button', { name: 'Turn into obligation 🤝' }))
  await user.click(within(row).getByRole('button', { name: 'Yes' }))
  await waitFor(
    () => expect(said.textContent).toBe('Your obligation of €100 to Anna is recorded.'),
    slow,
  )
  const obligation = screen.getByText('Obligation 🤝: you → Anna, €100').closest('li')!
  await user.click(within(obligation).getByRole('button', { name: 'Mark as given' }))
  await user.click(within(obligation).getByRole('button', { name: 'Yes' }))
  await waitFor(
    () =>
      expect(said.textContent).toBe(
        'Your promise of €100 to Anna is now: given, awaiting confirmation.',
      ),
    slow,
  )

  // Anna confirms on her node.
  await until(anna, network.id, (s) => s.organizer.toConfirm.length === 1)
  const given = (await anna.call('state', { network: network.id })).organizer.toConfirm[0]!
  await anna.call('obligation.confirm', { network: network.id, pledge: given.id })
  await waitFor(
    () => expect(said.textContent).toBe('Your promise of €100 to Anna is now: confirmed 👍.'),
    slow,
  )
})

it("leads from a relation to that member's page, names in place, never the last page", async () => {
  const { anna, boris, network, annaId, borisId } = await annaAsks({
    status: 'orange',
    amount: 50_000,
  })
  await boris.call('intention.create', { network: network.id, to: annaId, amount: 2_000 })
  await until(anna, network.id, (s) => s.relations.supporters.includes(borisId))

  // Anna's node, with the answer about Boris's page held back until the test lets it go.
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  const slowNode = new (class extends DirectApi {
    override async call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]> {
      if (command === 'member.page' && (params as Params<'member.page'>).member === borisId)
        await held
      return super.call(command, params)
    }
  })(anna.node)

  await renderScreen(slowNode, <MemberPage />, { path: `/people/${annaId}`, route })
  await screen.findByRole('heading', { level: 1, name: 'Anna (you)' }, slow)
  const relations = screen.getByRole('region', { name: 'Relations' })
  const supporters = within(relations)
    .getByRole('heading', { name: 'Who supports me (1)' })
    .closest('div')!
  const link = within(supporters).getByRole('link', { name: 'Boris' })
  expect(link.getAttribute('href')).toBe(`/people/${borisId}`)

  await userEvent.setup().click(link)
  // Anna's page is gone at once, not left on screen while Boris's is on its way.
  expect(screen.queryByRole('heading', { level: 1, name: 'Anna (you)' })).toBeNull()
  expect(screen.getByRole('status').textContent).toBe('Loading…')
  release()
  await screen.findByRole('heading', { level: 1, name: 'Boris' }, slow)
  const between = screen.getByRole('region', { name: 'Between you' })
  expect(within(between).getByText('Intention ❤️: Boris → you, €20')).toBeTruthy()
  const his = screen.getByRole('region', { name: 'Relations' })
  expect(within(his).getByRole('link', { name: 'Anna' }).getAttribute('href')).toBe(
    `/people/${annaId}`,
  )
})
