// @vitest-environment jsdom
/**
 * The organizer against two real nodes: Boris's promise to Anna goes from intention to
 * obligation to given, Anna confirms it, and both organizers move it to the fulfilled
 * archive live. Then the other side of §4: asking, forgiving, in Ukrainian.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, expect, test } from 'vitest'
import { Organizer } from '../../renderer/src/screens/Organizer.tsx'
import { createNode } from '../../core/node/node.ts'
import { DirectApi, renderScreen, World } from './support.tsx'

let world: World | undefined
const closing: Array<() => Promise<unknown>> = []
afterEach(async () => {
  while (closing.length) await closing.pop()!()
  await world?.destroy()
  world = undefined
})

const LIVE = { timeout: 15_000 }

async function until(check: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting for the nodes to agree')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A founder whose node's clock can be moved forward, to cross a month start. */
async function founderWithClock(w: World, name: string) {
  let offset = 0
  const clock = () => Date.now() + offset
  const dir = await mkdtemp(join(tmpdir(), `exodus-ui-${name}-`))
  closing.push(() => rm(dir, { recursive: true, force: true }))
  const node = await createNode({
    dataDir: dir,
    bootstrap: w.testnet.bootstrap.map((b) => `${b.host}:${b.port}`),
    pairingTimeoutMs: 5_000,
    clock,
    cycleCheckMs: 100,
  })
  closing.push(() => node.close())
  const api = new DirectApi(node)
  const network = await api.call('network.create', {
    name: 'Friends',
    currency: 'EUR',
    timeZone: 'Europe/Berlin',
    memberName: name,
  })
  return {
    api,
    network,
    clock,
    shift: (ms: number) => {
      offset += ms
    },
  }
}

/** Anna (orange, 500 EUR a month) and Boris, who sees her status. */
async function annaAndBoris(clocked = false) {
  world = await World.create()
  const anna: {
    api: DirectApi
    network: { id: string }
    clock?: () => number
    shift?: (ms: number) => void
  } = clocked ? await founderWithClock(world, 'Anna') : await world.founder('Anna')
  const network = anna.network.id
  // Network time is the median of the members' clocks: of two, both must pass a month start.
  const boris = await world.node(
    'Boris',
    anna.clock ? { clock: anna.clock, cycleCheckMs: 100 } : {},
  )
  await world.join(anna.api, boris, network, 'Boris')
  await anna.api.call('status.set', { network, status: 'orange', amount: 50_000 })
  await until(
    async () => (await boris.call('member.card', { network, member: 'Anna' })).status === 'orange',
  )
  return { anna: anna.api, boris, network, shift: anna.shift ?? (() => {}) }
}

/** Waits until `api`'s node has caught up with a pledge in the given state. */
async function pledgeState(api: DirectApi, network: string, id: string, state: string) {
  await until(async () => {
    const s = await api.call('state', { network })
    const o = s.organizer
    const all = [...o.myPromises, ...o.promisesToMe, ...o.fulfilled, ...o.overdue]
    return all.some((p) => p.id === id && p.state === state)
  })
}

test('an intention becomes an obligation, is given, confirmed, and archived on both sides', async () => {
  const { anna, boris, network } = await annaAndBoris()
  const user = userEvent.setup()
  const created = await boris.call('intention.create', {
    network,
    to: 'Anna',
    amount: 10_000,
    note: 'for the rent',
  })
  const id = created.pledge!.id

  // Boris: his intention is under "My promises".
  const b = within((await renderScreen(boris, <Organizer />)).container)
  const mine = await b.findByRole('region', { name: 'My promises' }, LIVE)
  const item = await within(mine).findByRole('listitem', {}, LIVE)
  expect(item.textContent).toContain('You → Anna')
  expect(item.textContent).toContain('€100')
  expect(item.textContent).toContain('Intention ❤️')
  expect(item.textContent).toContain('active')
  expect(item.textContent).toContain('Note: for the rent')

  // He turns it into an obligation: asked first, then done.
  await user.click(within(item).getByRole('button', { name: 'Turn into obligation 🤝' }))
  expect(within(item).getByRole('alert').textContent).toContain('cannot be withdrawn')
  await user.click(within(item).getByRole('button', { name: 'Yes' }))
  await waitFor(() => expect(within(mine).getByText('Obligation 🤝')).toBeTruthy(), LIVE)

  // He marks it given: it leaves "My promises" for "waiting for their 👍".
  await user.click(within(mine).getByRole('button', { name: 'Mark as given' }))
  await user.click(within(mine).getByRole('button', { name: 'Yes' }))
  const theirs = b.getByRole('region', { name: 'Given by you: waiting for their 👍' })
  await waitFor(() => expect(within(theirs).getByText('€100')).toBeTruthy(), LIVE)
  expect(within(mine).getByText('You have no intentions or obligations in force.')).toBeTruthy()
  await user.click(within(theirs).getByRole('button', { name: 'Remind to confirm' }))
  await waitFor(
    () =>
      expect(within(theirs).getByRole('status').textContent).toContain('Anna has been reminded'),
    LIVE,
  )

  // Anna: once her node has it, it waits for her 👍.
  await pledgeState(anna, network, id, 'fulfilled')
  const a = within((await renderScreen(anna, <Organizer />)).container)
  const toConfirm = await a.findByRole('region', { name: 'Given to you: confirm receipt' }, LIVE)
  const given = await within(toConfirm).findByRole('listitem', {}, LIVE)
  expect(given.textContent).toContain('Boris → you')
  expect(given.textContent).toContain('given, awaiting confirmation')
  await user.click(within(given).getByRole('button', { name: 'Confirm received 👍' }))
  await user.click(within(given).getByRole('button', { name: 'Yes' }))

  // Confirmed: in the fulfilled archive of both, with its date, without a refresh.
  const annaArchive = a.getByRole('region', { name: 'Fulfilled archive 👍' })
  await waitFor(() => expect(within(annaArchive).getByText('€100')).toBeTruthy(), LIVE)
  expect(within(annaArchive).getByRole('listitem').textContent).toMatch(
    /confirmed [A-Z][a-z]{2} \d/,
  )
  expect(
    within(a.getByRole('region', { name: 'Given to you: confirm receipt' })).getByText(
      'Nothing waits for your confirmation.',
    ),
  ).toBeTruthy()
  const borisArchive = b.getByRole('region', { name: 'Fulfilled archive 👍' })
  await waitFor(() => expect(within(borisArchive).getByText('€100')).toBeTruthy(), LIVE)
  expect(within(borisArchive).getByRole('listitem').textContent).toContain('You → Anna')
  expect(within(borisArchive).getByRole('listitem').textContent).toContain('confirmed 👍')
  expect(within(theirs).getByText('Nothing you gave is waiting for confirmation.')).toBeTruthy()
})

test('the recipient asks and forgives; the author changes and cancels; in Ukrainian', async () => {
  const { anna, boris, network } = await annaAndBoris()
  const user = userEvent.setup()
  const intention = await boris.call('intention.create', { network, to: 'Anna', amount: 2_000 })
  const obligation = await boris.call('obligation.create', {
    network,
    to: 'Anna',
    amount: 3_000,
    note: 'продукти',
  })
  await pledgeState(anna, network, obligation.pledge!.id, 'open')
  await pledgeState(anna, network, intention.pledge!.id, 'active')

  // Anna reads her organizer in Ukrainian.
  const a = within((await renderScreen(anna, <Organizer />, { language: 'uk' })).container)
  const toMe = await a.findByRole('region', { name: 'Обіцянки мені' }, LIVE)
  expect(a.getByRole('heading', { level: 1 }).textContent).toBe('Органайзер')
  await waitFor(() => expect(within(toMe).getAllByRole('listitem')).toHaveLength(2), LIVE)
  const [first, second] = within(toMe).getAllByRole('listitem')
  const ob = first!.textContent!.includes('Зобов') ? first! : second!
  const int = ob === first ? second! : first!
  expect(ob.textContent).toContain('Boris → вам')
  expect(ob.textContent).toMatch(/30\s(€|EUR)/)
  expect(ob.textContent).toContain('відкрите')
  expect(ob.textContent).toContain('Примітка: продукти')
  expect(int.textContent).toContain('Намір ❤️')
  expect(within(int).queryByRole('button', { name: 'Пробачити' })).toBeNull()

  // Ask Boris to commit the intention and to give the obligation now: requests only notify.
  await user.click(within(int).getByRole('button', { name: "Попросити взяти зобов'язання" }))
  await waitFor(() => expect(within(int).getByRole('status').textContent).not.toBe(''), LIVE)
  await user.click(within(ob).getByRole('button', { name: /Попросити/ }))
  await waitFor(() => expect(within(ob).getByRole('status').textContent).not.toBe(''), LIVE)

  // Forgive: asked first, then the obligation is gone from the list of both.
  await user.click(within(ob).getByRole('button', { name: 'Пробачити' }))
  await user.click(within(ob).getByRole('button', { name: 'Так' }))
  await waitFor(() => expect(within(toMe).getAllByRole('listitem')).toHaveLength(1), LIVE)
  // Forgiven pledges leave every list: Boris no longer owes it.
  await until(async () => {
    const s = await boris.call('state', { network })
    return !s.organizer.myPromises.some((p) => p.id === obligation.pledge!.id)
  })

  // Boris changes his intention, then cancels it (asked first); Anna's list empties live.
  const b = within((await renderScreen(boris, <Organizer />)).container)
  const mine = await b.findByRole('region', { name: 'My promises' }, LIVE)
  await waitFor(() => expect(within(mine).getAllByRole('listitem')).toHaveLength(1), LIVE)
  await user.click(within(mine).getByRole('button', { name: 'Change amount' }))
  const amount = within(mine).getByLabelText('New amount (EUR)')
  await user.clear(amount)
  await user.type(amount, '25{Enter}')
  await waitFor(() => expect(within(mine).getByText('€25')).toBeTruthy(), LIVE)
  // The new amount can show (pushed by the node) before the call has returned to the form.
  const cancel = within(mine).getByRole('button', { name: 'Cancel intention' })
  await waitFor(() => expect((cancel as HTMLButtonElement).disabled).toBe(false), LIVE)
  await user.click(cancel)
  await user.click(within(mine).getByRole('button', { name: 'Yes' }))
  await waitFor(
    () =>
      expect(
        within(mine).getByText('You have no intentions or obligations in force.'),
      ).toBeTruthy(),
    LIVE,
  )
  await waitFor(
    () => expect(within(toMe).getByText('Зараз вам ніхто нічого не обіцяв.')).toBeTruthy(),
    LIVE,
  )
  expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(2)
})

test('overdue promises stay owed: the recipient confirms one late and forgives another', async () => {
  const { anna, boris, network, shift } = await annaAndBoris(true)
  const user = userEvent.setup()
  await boris.call('obligation.create', { network, to: 'Anna', amount: 4_000 })
  const given = await boris.call('obligation.create', { network, to: 'Anna', amount: 1_500 })
  await boris.call('obligation.fulfil', { network, pledge: given.pledge!.id })
  await pledgeState(anna, network, given.pledge!.id, 'fulfilled')

  // Their clocks pass the next month start: both obligations go to the overdue archive.
  shift(40 * 24 * 3_600_000)
  await until(async () => (await anna.call('state', { network })).organizer.overdue.length === 2)
  await until(async () => (await boris.call('state', { network })).organizer.overdue.length === 2)

  const b = within((await renderScreen(boris, <Organizer />)).container)
  const borisOverdue = await b.findByRole('region', { name: 'Overdue archive ⌛' }, LIVE)
  await waitFor(() => expect(within(borisOverdue).getAllByRole('listitem')).toHaveLength(2), LIVE)
  expect(within(borisOverdue).getByRole('button', { name: 'Mark as given' })).toBeTruthy()
  expect(within(borisOverdue).getByRole('button', { name: 'Remind to confirm' })).toBeTruthy()
  expect(borisOverdue.textContent).toContain('overdue since')

  const a = within((await renderScreen(anna, <Organizer />)).container)
  const overdue = await a.findByRole('region', { name: 'Overdue archive ⌛' }, LIVE)
  await waitFor(() => expect(within(overdue).getAllByRole('listitem')).toHaveLength(2), LIVE)
  // Listed once: not also among the promises in force or those awaiting confirmation.
  expect(a.getByText('Nobody has promised you anything at the moment.')).toBeTruthy()
  expect(a.getByText('Nothing waits for your confirmation.')).toBeTruthy()
  const item = (amount: string) =>
    within(overdue)
      .getAllByRole('listitem')
      .find((li) => li.textContent!.includes(amount))!
  expect(item('€15').textContent).toContain('given, awaiting confirmation')
  expect(item('€40').textContent).toContain('overdue ⌛')

  // Confirmed late: to the fulfilled archive, on both sides.
  await user.click(within(item('€15')).getByRole('button', { name: 'Confirm received 👍' }))
  await user.click(within(item('€15')).getByRole('button', { name: 'Yes' }))
  const archive = a.getByRole('region', { name: 'Fulfilled archive 👍' })
  await waitFor(() => expect(within(archive).getByText('€15')).toBeTruthy(), LIVE)

  // Forgiven: gone from the overdue archive of both.
  await user.click(within(item('€40')).getByRole('button', { name: 'Forgive' }))
  await user.click(within(item('€40')).getByRole('button', { name: 'Yes' }))
  await waitFor(() => expect(within(overdue).getByText('Nothing is overdue.')).toBeTruthy(), LIVE)
  await waitFor(
    () => expect(within(borisOverdue).getByText('Nothing is overdue.')).toBeTruthy(),
    LIVE,
  )
  const borisArchive = b.getByRole('region', { name: 'Fulfilled archive 👍' })
  expect(within(borisArchive).getByText('€15')).toBeTruthy()
})

test('names the other side of each promise, also once they left, from its own query', async () => {
  const { anna, boris, network } = await annaAndBoris()
  const given = await boris.call('obligation.create', { network, to: 'Anna', amount: 2_500 })
  await boris.call('obligation.fulfil', { network, pledge: given.pledge!.id })
  await pledgeState(anna, network, given.pledge!.id, 'fulfilled')
  await anna.call('obligation.confirm', { network, pledge: given.pledge!.id })
  await pledgeState(boris, network, given.pledge!.id, 'confirmed')

  const rendered = await renderScreen(anna, <Organizer />)
  const a = within(rendered.container)
  const archive = await a.findByRole('region', { name: 'Fulfilled archive 👍' }, LIVE)
  const item = await within(archive).findByRole('listitem', {}, LIVE)
  expect(item.textContent).toContain('Boris → you')

  // Boris leaves: his confirmed gift stays in Anna's archive, under his name, marked.
  await boris.call('network.leave', { network })
  await waitFor(() => expect(item.textContent).toContain('Boris (left) → you'), LIVE)
  expect(within(item).getByRole('link', { name: 'Boris (left)' })).toBeTruthy()
  expect(new Set(rendered.calls)).toEqual(new Set(['organizer']))
})
