/**
 * Admission that cannot be abused, and members with several devices (domain.md §12): a
 * writer is admitted only with the receipt of a real pairing, joins only with a proof from a
 * member key, a second device (or a restored membership) acts as the same member, devices are
 * unlinked, and indexer places go to distinct members and are handed on.
 */
import { describe, expect, it } from 'vitest'
import { keys, type WriterRecord } from '../../core/ledger/model.ts'
import { INDEXER_SILENCE } from '../../core/ledger/rules/member.ts'
import { receiptFor, testInvite } from '../support/admission.ts'
import { rejects, toldBy } from '../support/events.ts'
import { DAY, TestLedger, keyOf } from '../support/ledger.ts'

const START = Date.UTC(2026, 10, 3, 12)

/** `person` links a new device named `device`, admitted by `by` with a fresh invite. */
async function link(t: TestLedger, device: string, person: string, by = 'anna') {
  await t.ok(by, t.admitOp(await t.invite(by, `invite of ${device}`), device))
  return t.ok(device, t.joinOp(device, person))
}

describe('admission', () => {
  it("a member cannot spend someone else's invite on a writer that never paired", async () => {
    const t = await new TestLedger(START).network('anna', ['mallory'])
    const annas = await t.invite('anna', 'for a friend of anna')
    // Mallory knows the invite's id and public key (they are in the ledger), not its code.
    const forged = {
      ...t.admitOp(annas, 'sybil'),
      receipt: receiptFor(testInvite('mine'), keyOf('sybil')),
    }
    await rejects(
      t,
      'mallory',
      forged,
      'no proof that this writer paired with the invite: only its holder can sign one',
    )
    // A receipt for another writer does not admit this one either.
    const other = { ...t.admitOp(annas, 'sybil'), receipt: receiptFor(annas, keyOf('friend')) }
    await rejects(
      t,
      'mallory',
      other,
      'no proof that this writer paired with the invite: only its holder can sign one',
    )
    expect((await t.kv.get<{ used: number }>(keys.invite(annas.id)))!.used).toBe(0)
    // The friend who really paired is admitted, by any member.
    await t.ok('mallory', t.admitOp(annas, 'friend'))
    await t.ok('friend', t.joinOp('friend'))
  })

  it('one invite use admits one person, who joins once', async () => {
    const t = await new TestLedger(START).network('anna')
    const once = await t.invite('anna', 'once')
    await t.ok('anna', t.admitOp(once, 'boris'))
    await rejects(t, 'anna', t.admitOp(once, 'vera'), 'this invite has been used up (1 of 1)')
    await t.ok('boris', t.joinOp('boris'))
    await rejects(t, 'boris', t.joinOp('boris'), 'you are already a member of this network')
  })

  it('a join needs the proof of the member key it names, made for this writer', async () => {
    const t = await new TestLedger(START).network('anna')
    await t.ok('anna', t.admitOp(await t.invite('anna', 'v'), 'vera'))
    const unproven = 'the member key does not prove this device may join with it'
    // A proof made for another writer, and Anna's key with a proof Vera cannot make.
    await rejects(t, 'vera', t.joinOp('someone else', 'vera'), unproven)
    await rejects(t, 'vera', { ...t.joinOp('vera'), key: t.joinOp('anna').key }, unproven)
    await t.ok('vera', t.joinOp('vera'))
  })
})

describe('devices', () => {
  it('a second device acts as the same member; only the member is told', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    await t.ok('anna', { type: 'status.orange', amount: 10_000 })
    const events = await toldBy(t, () => link(t, 'boris phone', 'boris'))
    expect(events).toEqual([
      {
        kind: 'device.linked',
        subject: 'boris',
        data: { device: keyOf('boris phone') },
        to: ['boris'],
      },
    ])
    expect(await t.member('boris')).toMatchObject({
      devices: [keyOf('boris'), keyOf('boris phone')],
    })
    expect(await t.member('boris phone')).toBeNull()
    const made = await t.ok('boris phone', {
      type: 'intention.create',
      to: keyOf('anna'),
      amount: 500,
    })
    expect(await t.pledge(made.pledge)).toMatchObject({ from: keyOf('boris') })
    // From the laptop, Boris changes what he promised from the phone.
    await t.ok('boris', { type: 'intention.change', pledge: made.pledge, amount: 700 })
  })

  it('a person who lost every device comes back with their phrase: history and counters', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    await t.ok('anna', { type: 'status.orange', amount: 10_000 })
    const owed = await t.ok('boris', { type: 'obligation.create', to: keyOf('anna'), amount: 300 })
    const before = await t.member('boris')
    // Boris's laptop is gone; a new one, admitted through Anna, joins with his phrase.
    await link(t, 'boris new laptop', 'boris')
    const after = await t.member('boris')
    expect(after).toEqual({ ...before, devices: [keyOf('boris'), keyOf('boris new laptop')] })
    await t.ok('boris new laptop', { type: 'obligation.fulfil', pledge: owed.pledge })
    // And unlinks the lost one: anything it writes afterwards is refused.
    const r = await t.ok('boris new laptop', { type: 'device.unlink', device: keyOf('boris') })
    // The lost laptop held an indexer place: the new one takes it.
    expect(r.effects).toEqual([
      { type: 'removeWriter', key: keyOf('boris') },
      { type: 'addWriter', key: keyOf('boris new laptop'), indexer: true },
    ])
    await rejects(
      t,
      'boris',
      { type: 'member.profile', about: 'stolen' },
      'this device was unlinked from its member',
    )
    expect(await t.kv.get<WriterRecord>(keys.writer(keyOf('boris')))).toMatchObject({
      member: keyOf('boris'),
      unlinkedAt: START,
    })
    expect((await t.member('boris')).devices).toEqual([keyOf('boris new laptop')])
  })

  it('only the member unlinks their devices, and never the last one', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    await link(t, 'boris phone', 'boris')
    const notYours = `device ${keyOf('boris phone').slice(0, 8)} is not one of yours`
    await rejects(t, 'anna', { type: 'device.unlink', device: keyOf('boris phone') }, notYours)
    await rejects(
      t,
      'anna',
      { type: 'device.unlink', device: keyOf('anna') },
      'this is your only device: leave the network instead',
    )
    await t.ok('boris phone', { type: 'device.unlink', device: keyOf('boris phone') })
    await rejects(
      t,
      'boris phone',
      { type: 'status.green' },
      'this device was unlinked from its member',
    )
  })

  it('leaving removes every device of the member', async () => {
    const t = await new TestLedger(START).network('anna', ['boris', 'vera', 'gleb'])
    await link(t, 'gleb phone', 'gleb')
    const r = await t.ok('gleb phone', { type: 'member.leave' })
    expect(r.effects).toEqual([
      { type: 'removeWriter', key: keyOf('gleb') },
      { type: 'removeWriter', key: keyOf('gleb phone') },
    ])
  })
})

describe('indexer places', () => {
  it('go to distinct members: a second device never takes one', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    const linked = await link(t, 'anna phone', 'anna')
    expect(linked.effects).toEqual([])
    expect((await t.meta()).indexers).toEqual([keyOf('anna'), keyOf('boris')])
    await t.join('vera', 'anna')
    expect((await t.meta()).indexers).toEqual([keyOf('anna'), keyOf('boris'), keyOf('vera')])
  })

  it('an unlinked indexer device hands its place to the member’s other device', async () => {
    const t = await new TestLedger(START).network('anna', ['boris', 'vera', 'gleb'])
    await link(t, 'boris phone', 'boris')
    const r = await t.ok('boris phone', { type: 'device.unlink', device: keyOf('boris') })
    expect(r.effects).toEqual([
      { type: 'removeWriter', key: keyOf('boris') },
      { type: 'addWriter', key: keyOf('boris phone'), indexer: true },
    ])
    expect((await t.meta()).indexers).toEqual([keyOf('anna'), keyOf('vera'), keyOf('boris phone')])
  })

  it('a device silent for 30 days of network time hands its place on, and stays a writer', async () => {
    const t = await new TestLedger(START).network('anna', ['boris', 'vera', 'gleb'])
    // Vera's device is never heard of again; the others go on. Time passes with Anna's and
    // Boris's ops; Gleb's, after, finds Vera's place silent and takes it (he holds none).
    t.everyoneOnline = false
    const later = START + INDEXER_SILENCE + 20 * DAY
    for (const at of [START + 25 * DAY, later]) {
      for (const who of ['anna', 'boris', 'gleb']) await t.ok(who, { type: 'cycle' }, at)
    }
    const meta = await t.meta()
    expect(meta.now).toBe(later)
    expect(meta.indexers).toEqual([keyOf('anna'), keyOf('boris'), keyOf('gleb')])
    // Vera is still a member and a writer: back, she writes as before.
    await t.ok('vera', { type: 'member.profile', about: 'back' }, later)
  })
})
