// @vitest-environment jsdom
/**
 * The clearing screen against three real nodes whose clocks the test moves: Anna consents in
 * the form (all, with a cap; then only what she chooses), sees what clearing would do now with
 * the others' consents, through which chain, "verified optimal"; the month starts, and the
 * clearing that ran shows on her screen. Boris reads his in Russian.
 */
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, expect, test } from 'vitest'
import { Clearing } from '../../renderer/src/screens/Clearing.tsx'
import { Organizer } from '../../renderer/src/screens/Organizer.tsx'
import { renderScreen, retrying, World, type DirectApi } from './support.tsx'

let world: World | undefined
afterEach(async () => {
  await world?.destroy()
  world = undefined
})

const LIVE = { timeout: 20_000 }
const DAY = 86_400_000

async function until(check: () => Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting for the nodes to agree')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Anna → Boris 30, Boris → Vera 20, Vera → Anna 50, made on 26 November 2030. */
async function triangle() {
  world = await World.create()
  const started = Date.now()
  let shift = 0
  // 26 November 2030, 12:00 UTC, running on: clearing is open (Europe/Berlin).
  const clock = () => Date.UTC(2030, 10, 26, 12) + (Date.now() - started) + shift
  const timed = { clock, cycleCheckMs: 100 }
  const { api: anna, network: net } = await world.founder('Anna', 'Friends', timed)
  const network = net.id
  const boris = await world.node('Boris', timed)
  const vera = await world.node('Vera', timed)
  await world.join(anna, boris, network, 'Boris')
  await world.join(anna, vera, network, 'Vera')
  for (const api of [anna, boris, vera])
    await retrying(() => api.call('status.set', { network, status: 'orange', amount: 50_000 }))
  const orange = async (api: DirectApi) =>
    (await api.call('members', { network })).members.every((m) => m.status === 'orange')
  for (const api of [anna, boris, vera]) await until(() => orange(api))
  const owe = async (from: DirectApi, to: string, amount: number) =>
    (await retrying(() => from.call('obligation.create', { network, to, amount }))).pledge!.id
  const ab = await owe(anna, 'Boris', 3_000)
  const bv = await owe(boris, 'Vera', 2_000)
  const va = await owe(vera, 'Anna', 5_000)
  const seen = async (api: DirectApi) =>
    (await api.call('clearing.preview', { network })).obligations.length === 2
  for (const api of [anna, boris, vera]) await until(() => seen(api))
  return {
    anna,
    boris,
    vera,
    network,
    ids: { ab, bv, va },
    shift: (ms: number) => {
      shift += ms
    },
  }
}

test('consent in the form, the preview with its chain, and the clearing that ran', async () => {
  const { anna, boris, vera, network, ids, shift } = await triangle()
  const user = userEvent.setup()
  const a = within((await renderScreen(anna, <Clearing />)).container)
  expect((await a.findByRole('heading', { level: 1 }, LIVE)).textContent).toBe('Clearing')
  const window = a.getByRole('region', { name: 'Clearing of November 2030' })
  expect(window.textContent).toMatch(
    /Open now: consent until the end of (Nov 30, 2030|30 Nov 2030)\. Clearing runs when the month ends\./,
  )

  // Nothing consented yet: nothing would be cleared.
  const preview = a.getByRole('region', { name: 'If clearing ran now' })
  expect(preview.textContent).toContain(
    "Nothing would be cleared now: no obligation has both sides' consent yet.",
  )
  const form = a.getByRole('region', { name: 'Your consent' })
  expect(form.textContent).toContain(
    'Now: you have not consented, so none of your obligations takes part.',
  )
  const save = within(form).getByRole('button', { name: 'Save consent' })
  expect((save as HTMLButtonElement).disabled).toBe(true)

  // All of them, up to 15 EUR each.
  await user.click(within(form).getByRole('radio', { name: 'All of them, owed by me or to me' }))
  const cap = within(form).getByLabelText('Most to take off each obligation (EUR), optional')
  await user.type(cap, '15,0x')
  await user.click(save)
  expect(within(form).getByRole('alert').textContent).toBe(
    'Write an amount greater than 0, such as 15 or 15.50, or leave it empty.',
  )
  await user.clear(cap)
  await user.type(cap, '15')
  await user.click(save)
  await waitFor(
    () =>
      expect(
        within(form).getByText('Now: all your open obligations, up to €15 each.'),
      ).toBeTruthy(),
    LIVE,
  )

  // Boris and Vera consent to all of theirs: the preview follows, live.
  await boris.call('clearing.consent', { network, obligations: 'all' })
  await vera.call('clearing.consent', { network, obligations: 'all' })
  await waitFor(
    () => expect(preview.textContent).toContain('€45 of €100 would be cleared (45%).'),
    LIVE,
  )
  expect(preview.textContent).toContain('3 members consent; 3 obligations take part.')
  expect(within(preview).getByText('✓ Verified optimal: no clearing could settle more.'))
  expect(preview.textContent).toContain(
    'For you: €15 off what you owe, and as much off what you are owed.',
  )
  const items = within(preview)
    .getAllByRole('listitem')
    .filter((li) => li.closest('.chains') === null)
  const toBoris = items.find((li) => li.textContent!.startsWith('You → Boris'))!
  expect(toBoris.textContent).toContain('€30')
  expect(toBoris.textContent).toContain('Your consent: yes · Boris: yes · up to €15')
  expect(toBoris.textContent).toContain('Would clear €15, €15 left')
  const chains = within(toBoris).getByRole('list', { name: 'Chains through this obligation' })
  expect(within(chains).getByRole('listitem').textContent).toBe(
    'Chain of €15: You → Boris → Vera → You',
  )
  const fromVera = items.find((li) => li.textContent!.startsWith('Vera → you'))!
  expect(fromVera.textContent).toContain('Would clear €15, €35 left')

  // Only what she owes Boris: Vera's obligation to her stays out, so nothing clears.
  await user.click(within(form).getByRole('radio', { name: 'Only the ones I choose' }))
  const chosen = within(form).getByRole('group', { name: 'Obligations that may take part' })
  await user.click(within(form).getByRole('button', { name: 'Save consent' }))
  expect(within(form).getByRole('alert').textContent).toBe(
    'Choose at least one obligation, or choose None.',
  )
  await user.click(within(chosen).getByRole('checkbox', { name: 'You → Boris · €30' }))
  expect(within(chosen).getByRole('checkbox', { name: 'Vera → you · €50' })).toBeTruthy()
  await user.click(within(form).getByRole('button', { name: 'Save consent' }))
  await waitFor(
    () => expect(form.textContent).toContain('Now: 1 chosen obligation, up to €15 each.'),
    LIVE,
  )
  await waitFor(() => expect(preview.textContent).toContain('Does not take part'), LIVE)
  expect(await anna.call('clearing.preview', { network })).toMatchObject({
    myConsent: { obligations: [ids.ab], cap: 1_500 },
    taking: 2,
    totals: { cleared: 0 },
  })
  // Back to all (the cap stays as typed).
  await user.click(within(form).getByRole('radio', { name: 'All of them, owed by me or to me' }))
  await user.click(within(form).getByRole('button', { name: 'Save consent' }))
  await waitFor(
    () => expect(preview.textContent).toContain('€45 of €100 would be cleared (45%).'),
    LIVE,
  )

  // The month starts on every clock: the clearing runs, and shows under past clearings. (A
  // consent the others' nodes have not seen when their clocks pass the month start may come
  // after it in the order all nodes agree on, and be too late: they see it first.)
  const latest = async (api: DirectApi) =>
    (await api.call('clearing.preview', { network })).totals.cleared === 4_500
  for (const api of [boris, vera]) await until(() => latest(api))
  shift(6 * DAY)
  const past = a.getByRole('region', { name: 'Past clearings' })
  const table = await within(past).findByRole(
    'table',
    { name: 'Every clearing so far, newest first' },
    { timeout: 40_000 },
  )
  const row = within(table).getByRole('row', { name: /November 2030/ })
  expect(
    within(row)
      .getAllByRole('cell')
      .map((c) => c.textContent),
  ).toEqual(['€100', '€45', '45%', 'yes'])
  expect(past.textContent).toContain(
    'In November 2030: €15 off what you owed, and as much off what you were owed.',
  )
  expect(past.textContent).toContain('Cleared €15, €15 left')
  expect(past.textContent).toContain('Cleared €15, €35 left')
  expect(past.textContent).toContain('Chain of €15: You → Boris → Vera → You')
  // The organizer says it too: the parts clearing settled are in the fulfilled archive, the
  // rest still owed says how much of it clearing took off.
  const o = within((await renderScreen(anna, <Organizer />)).container)
  const archive = await o.findByRole('region', { name: 'Fulfilled archive 👍' }, LIVE)
  await waitFor(
    () =>
      expect(within(archive).getAllByText(/settled by the clearing of November 2030/)).toHaveLength(
        2,
      ),
    LIVE,
  )
  expect(o.getAllByText(/€15 of it already settled by clearing/)).toHaveLength(2)

  // December: the window is not open yet.
  await waitFor(
    () =>
      expect(a.getByRole('region', { name: 'Clearing of December 2030' }).textContent).toMatch(
        /Opens on (Dec 25, 2030|25 Dec 2030)/,
      ),
    LIVE,
  )
  expect(
    (
      within(a.getByRole('region', { name: 'Your consent' })).getByRole('group', {
        name: 'Which of your open obligations may clearing reduce?',
      }) as HTMLFieldSetElement
    ).disabled,
  ).toBe(true)

  // Boris reads it in Russian.
  const b = within((await renderScreen(boris, <Clearing />, { language: 'ru' })).container)
  expect((await b.findByRole('heading', { level: 1 }, LIVE)).textContent).toBe('Взаимозачёт')
  const bPast = b.getByRole('region', { name: 'Прошедшие взаимозачёты' })
  await waitFor(
    () =>
      expect(bPast.textContent).toMatch(
        /За ноябрь 2030 г\.: с ваших долгов списано 15\s€ и столько же — с долгов перед вами\./,
      ),
    LIVE,
  )
  expect(bPast.textContent).toMatch(/Цепочка на 15\s€: Вы → Vera → Anna → Вы/)
  expect(screen.getAllByRole('region', { name: 'Ваше согласие' })).toHaveLength(1)
}, 180_000)
