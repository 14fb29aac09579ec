/**
 * A notification that asked me to act says so only while the pledge still waits for me: once
 * answered, the list (and every sentence made from it) tells what happened, nothing more. And
 * the list a node keeps between updates is the one a fresh read would make.
 */
import { expect, it } from 'vitest'
import type { NotificationEntry } from '../../core/api/contract.ts'
import { DesktopText } from '../../electron/desktop-text.ts'
import { createNode } from '../../core/node/node.ts'
import { bootstrapOf, create, eventually, pair } from '../support/nodes.ts'

it('a request to confirm is told as done once confirmed, in the list and its sentence', async () => {
  const anna = await create()
  const boris = await pair(anna, 'Boris')
  const network = anna.net.id
  await anna.node.call('status.set', { network, status: 'orange', amount: 50_000 })
  await eventually(
    () => boris.node.call('member.card', { network, member: anna.net.me }),
    (card) => card.status === 'orange',
  )
  const given = await boris.node.call('obligation.create', {
    network,
    to: anna.net.me,
    amount: 5_000,
  })
  const pledge = given.pledge!.id
  await boris.node.call('obligation.fulfil', { network, pledge })

  const fulfilled = async () =>
    (await anna.node.call('notifications.list', { network })).find(
      (x) => x.kind === 'obligation.fulfilled' && x.pledge === pledge,
    )
  const asking = await eventually(fulfilled, (x) => x !== undefined)
  expect(asking!.answered).toBeUndefined()

  await eventually(
    () => anna.node.call('member.page', { network, member: boris.net.me }),
    (page) => page.pledges.some((p) => p.id === pledge && p.state === 'fulfilled'),
  )
  await anna.node.call('obligation.confirm', { network, pledge })
  const done = (await fulfilled())!
  expect(done.answered).toBe(true)
  // The English text (what the CLI shows) says it too.
  expect(asking!.text).toMatch(/: please confirm$/)
  expect(done.text).toBe('Boris marked 50 EUR to you as given')

  // The page's templates, as the desktop shell says them too (renderer/src/sentences.ts).
  const summary = (await anna.node.call('network.list', {}))[0]!
  const say = (x: NotificationEntry) => new DesktopText('en').sentence(x, summary)
  expect(say(asking!)).not.toBe(say(done))
  expect(say(done)).toBe('Boris marked €50 to you as given')
})

it('keeps the list between updates as a fresh read of the view would make it', async () => {
  const anna = await create()
  const boris = await pair(anna, 'Boris')
  const network = anna.net.id
  const list = (node = anna.node) => node.call('notifications.list', { network })
  await anna.node.call('status.set', { network, status: 'orange', amount: 50_000 })
  await eventually(
    () => boris.node.call('member.card', { network, member: anna.net.me }),
    (card) => card.status === 'orange',
  )
  // Anna's list is asked after each of Boris's ops reaches her, as her screens ask it.
  const told = (kind: string) => eventually(list, (xs) => xs.some((x) => x.kind === kind))
  await boris.node.call('intention.create', { network, to: anna.net.me, amount: 1_000 })
  await told('intention.created')
  const given = await boris.node.call('obligation.create', {
    network,
    to: anna.net.me,
    amount: 2_000,
  })
  await told('obligation.created')
  await boris.node.call('obligation.fulfil', { network, pledge: given.pledge!.id })
  const kept = await told('obligation.fulfilled')
  expect(kept.map((x) => x.kind)).toEqual([
    'obligation.fulfilled',
    'obligation.created',
    'intention.created',
    'member.joined',
  ])

  // Read afresh: the same node folder opened again, with nothing kept from before.
  const dataDir = anna.node.dataDir
  await anna.node.close()
  const again = await createNode({ dataDir, bootstrap: bootstrapOf(anna.t) })
  try {
    expect(await list(again)).toEqual(kept)
  } finally {
    await again.close()
  }
})
