import { describe, expect, it } from 'vitest'
import {
  EVERYONE,
  isFor,
  keys,
  memberTag,
  type LedgerEvent,
  type NetworkMeta,
  type Rejection,
} from '../../core/ledger/model.ts'
import {
  calendarNotifications,
  notificationsFor,
  refusalNotifications,
} from '../../core/ledger/notifications.ts'
import { outgoingOf } from '../../core/ledger/ledger.ts'
import { TestLedger, keyOf } from '../support/ledger.ts'

async function events(t: TestLedger) {
  return (await t.kv.list<LedgerEvent>(keys.events)).map((e) => e.value)
}

const names = (id: string) =>
  ({ [keyOf('anna')]: 'Anna', [keyOf('boris')]: 'Boris', [keyOf('vera')]: 'Vera' })[id]

describe('notifications', () => {
  it('tells each member what concerns them, never their own actions', async () => {
    const t = await new TestLedger().network('anna', ['boris', 'vera'])
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    const { pledge } = await t.ok('boris', {
      type: 'intention.create',
      to: keyOf('anna'),
      amount: 10_000,
    })
    await t.ok('anna', { type: 'request.commit', pledge })
    const meta = await t.meta()
    const forBoris = notificationsFor(await events(t), await t.member('boris'), meta, names)
    expect(forBoris.map((n) => n.text)).toEqual([
      'Vera joined the network',
      'Anna needs monthly support of 500 EUR',
      'Anna asks you to turn your intention of 100 EUR into an obligation',
    ])
    const forAnna = notificationsFor(await events(t), await t.member('anna'), meta, names)
    expect(forAnna.map((n) => n.text)).toEqual([
      'Boris joined the network',
      'Vera joined the network',
      'Boris intends to give 100 EUR to you',
    ])
    // Vera is not in Anna's circle: she hears of the status change but not of the intention
    const forVera = notificationsFor(await events(t), await t.member('vera'), meta, names)
    expect(forVera.map((n) => n.kind)).toEqual(['status.changed'])
  })

  it('names the members to tell by tag, not by their whole key', async () => {
    const t = await new TestLedger().network('anna', ['boris', 'vera'])
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    await t.ok('boris', { type: 'intention.create', to: keyOf('anna'), amount: 10_000 })
    const created = (await events(t)).find((e) => e.kind === 'intention.created')!
    const [anna, boris] = [keyOf('anna'), keyOf('boris')]
    expect(created.to).toEqual([memberTag(anna), memberTag(boris)].sort())
    expect(created.to.every((tag) => tag.length === 16)).toBe(true)
    expect(isFor(created, anna)).toBe(true)
    expect(isFor(created, keyOf('vera'))).toBe(false)
    const joined = (await events(t)).find((e) => e.kind === 'member.joined')!
    expect([joined.to, isFor(joined, keyOf('vera'))]).toEqual([[EVERYONE], true])
  })

  it('reminds of open obligations three days before the month ends and opens clearing on the 25th', async () => {
    const t = await new TestLedger(Date.UTC(2026, 10, 10)).network('anna', ['boris'])
    await t.ok('anna', { type: 'status.orange', amount: 50_000 })
    await t.ok('boris', { type: 'obligation.create', to: keyOf('anna'), amount: 2_550 })
    const meta = await t.meta()
    const mine = await outgoingOf(t.kv, keyOf('boris'))
    expect(calendarNotifications(Date.UTC(2026, 10, 24, 12), meta, mine)).toEqual([])
    expect(
      calendarNotifications(Date.UTC(2026, 10, 25, 12), meta, mine).map((n) => n.kind),
    ).toEqual(['clearing.open'])
    const late = calendarNotifications(Date.UTC(2026, 10, 28, 12), meta, mine)
    expect(late.map((n) => n.text)).toEqual([
      'Clearing of mutual obligations is open until the end of the month',
      'The month ends in 3 days: 1 of your obligations (25.50 EUR) are still open',
    ])
    expect(late[1]?.id).toBe('reminder.month-end:2026-11')
  })
})

describe('refusal notifications', () => {
  it('tells a member of their own refused ops only', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    await t.op('anna', { type: 'status.green' })
    await t.op('boris', { type: 'status.green' })
    const rejections = (await t.kv.list<Rejection>(keys.rejections)).map((e) => e.value)
    expect(rejections).toHaveLength(2)
    expect(refusalNotifications(rejections, [keyOf('anna')])).toEqual([
      {
        id: `refused:${rejections[0]!.ref}`,
        kind: 'op.refused',
        at: rejections[0]!.at,
        data: { type: 'status.green' },
        refusal: { code: 'already-green', params: {} },
        text: 'Your status.green did not count: you are already green',
      },
    ])
  })
  it('tells a member of refused ops from any of their devices', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    await t.ok('anna', t.admitOp(await t.invite('anna', 'invite of boris phone'), 'boris phone'))
    await t.ok('boris phone', t.joinOp('boris phone', 'boris'))
    await t.op('boris phone', { type: 'status.green' })
    await t.op('boris', { type: 'status.green' })
    const rejections = (await t.kv.list<Rejection>(keys.rejections)).map((e) => e.value)
    const devices = (await t.member('boris'))!.devices
    expect(devices).toEqual([keyOf('boris'), keyOf('boris phone')])
    expect(refusalNotifications(rejections, devices).map((n) => n.id)).toEqual(
      rejections.map((r) => `refused:${r.ref}`),
    )
    expect(refusalNotifications(rejections, [keyOf('anna')])).toEqual([])
  })
  it('gives an amount in the network units, the refusal keeping it in minor units', async () => {
    const t = await new TestLedger().network('anna', ['boris'])
    await t.ok('anna', { type: 'status.orange', amount: 60_000 })
    await t.op('anna', { type: 'status.orange', amount: 60_000 })
    const rejections = (await t.kv.list<Rejection>(keys.rejections)).map((e) => e.value)
    const meta = await t.kv.get<NetworkMeta>(keys.meta)
    const [refused] = refusalNotifications(rejections, [keyOf('anna')], meta)
    expect(refused).toMatchObject({
      refusal: { code: 'same-monthly', params: { amount: 60_000 } },
      text: `Your status.orange did not count: your monthly amount is already 600 ${meta!.currency}`,
    })
    expect(refusalNotifications(rejections, [keyOf('anna')])[0]!.text).toMatch(/already 60000$/)
  })
})
