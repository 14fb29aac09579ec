/**
 * The calendar's notifications (domain.md §5: the month-end reminder, clearing open) reach the
 * pushed events that desktop notifications are made from, not only the in-app list: once each,
 * when the node's clock brings them, and not again after a restart.
 */
import { describe, expect, it } from 'vitest'
import type { NodeEvent, NotificationEntry } from '../../core/api/contract.ts'
import { createNode, type ExodusNode } from '../../core/node/node.ts'
import { afterTest, bootstrapOf, create, eventually, pair } from '../support/nodes.ts'

const DAY = 86_400_000
/** The 10th of a 31-day month, noon UTC. */
const START = Date.UTC(2031, 0, 10, 12)

function pushedTo(node: ExodusNode): NotificationEntry[] {
  const pushed: NotificationEntry[] = []
  node.on('event', (e: NodeEvent) => {
    if (e.type === 'notification') pushed.push(e.notification)
  })
  return pushed
}

const calendarKinds = (list: NotificationEntry[]) =>
  list
    .filter((x) => x.kind === 'reminder.month-end' || x.kind === 'clearing.open')
    .map((x) => x.kind)
    .sort()

describe('calendar notifications', () => {
  it('are pushed once when the clock reaches them, and not again after a restart', async () => {
    const began = Date.now()
    let offset = 0
    const clock = () => START + (Date.now() - began) + offset
    const opts = { clock, cycleCheckMs: 50, pairingTimeoutMs: 10_000 }
    const a = await create(undefined, { node: opts, network: { timeZone: 'UTC' } })
    const { node: anna, net, t } = a
    await anna.call('status.set', { network: net.id, status: 'orange', amount: 50_000 })
    const { node: boris } = await pair(a, 'Boris', { node: opts })
    await boris.call('obligation.create', { network: net.id, to: 'Anna', amount: 2_550 })
    const toAnna = pushedTo(anna)
    const toBoris = pushedTo(boris)

    // The 29th: clearing is open for everyone; Boris still owes what he promised this month.
    offset = 19 * DAY
    await eventually(
      () => calendarKinds(toBoris),
      (k) => k.length === 2,
    )
    await eventually(
      () => calendarKinds(toAnna),
      (k) => k.length === 1,
    )
    // Many more clock checks later, nothing is pushed twice.
    await new Promise((r) => setTimeout(r, 500))
    expect(calendarKinds(toBoris)).toEqual(['clearing.open', 'reminder.month-end'])
    expect(calendarKinds(toAnna)).toEqual(['clearing.open'])
    const reminder = toBoris.find((x) => x.kind === 'reminder.month-end')!
    expect(reminder).toMatchObject({ network: net.id, amount: 2_550, read: false })
    const listed = await boris.call('notifications.list', { network: net.id })
    expect(listed.map((x) => x.id)).toEqual(expect.arrayContaining(toBoris.map((x) => x.id)))

    await boris.close()
    const again = await createNode({ dataDir: boris.dataDir, bootstrap: bootstrapOf(t), ...opts })
    afterTest(() => again.close())
    const afterRestart = pushedTo(again)
    await new Promise((r) => setTimeout(r, 500))
    expect(calendarKinds(afterRestart)).toEqual([])
  })
})
