/**
 * Admission that cannot be abused, and members with several devices (domain.md §12): a
 * writer is admitted only with the receipt of a real pairing, joins only with a proof from a
 * member key, a second device (or a restored membership) acts as the same member, devices are
 * unlinked, the member key changes (and the old phrase stops working), and indexer places go
 * to distinct members and are handed on.
 */
import crypto, { type KeyPair } from 'hypercore-crypto'
import { describe, expect, it } from 'vitest'
import { memberKeyPair, signProof } from '../../core/identity/member-key.ts'
import {
  identitySeed,
  newPhrase,
  openSealedPhrase,
  sealPhrase,
} from '../../core/identity/phrase.ts'
import { keys, type RetiredKey, type WriterRecord } from '../../core/ledger/model.ts'
import type { OpInput } from '../../core/ledger/ops.ts'
import { INDEXER_SILENCE } from '../../core/ledger/rules/member.ts'
import { joinProof, memberKeyOf, receiptFor, testInvite } from '../support/admission.ts'
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

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/**
 * A member.rekey from the key of seed `from` to the key of seed `to` (seeds named as in
 * memberKeyOf; `to` may be a key pair already), proven as a device would.
 */
function rekeyOp(
  t: TestLedger,
  from: string,
  to: string | KeyPair,
  more: Partial<OpInput<'member.rekey'>> = {},
): OpInput<'member.rekey'> {
  const next = typeof to === 'string' ? memberKeyOf(to, t.networkId) : to
  const old = memberKeyOf(from, t.networkId).publicKey
  return {
    type: 'member.rekey',
    key: hex(next.publicKey),
    proof: hex(signProof(next.secretKey, 'rekey', t.networkId, old)),
    ...more,
  }
}

/** The key (hex) of seed `person` in `t`'s network. */
const keyIn = (t: TestLedger, person: string) => hex(memberKeyOf(person, t.networkId).publicKey)

describe('changing the member key (member.rekey)', () => {
  it('from any live device: the new key is the member’s, the old one retired, they are told', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    await link(t, 'boris phone', 'boris')
    const before = await t.member('boris')
    const events = await toldBy(t, () => t.ok('boris phone', rekeyOp(t, 'boris', 'boris 2')))
    expect(events).toEqual([
      { kind: 'member.rekeyed', subject: 'boris', data: { unlinked: 0 }, to: ['boris'] },
    ])
    expect(await t.member('boris')).toEqual({
      ...before,
      key: keyIn(t, 'boris 2'),
      previousKey: keyIn(t, 'boris'),
    })
    expect(await t.kv.get(keys.memberKey(keyIn(t, 'boris 2')))).toBe(keyOf('boris'))
    expect(await t.kv.get(keys.memberKey(keyIn(t, 'boris')))).toBeNull()
    expect(await t.kv.get<RetiredKey>(keys.retiredKey(keyIn(t, 'boris')))).toEqual({
      member: keyOf('boris'),
      at: START,
    })
    // Both devices go on acting as Boris; and he may change his key again.
    await t.ok('boris', { type: 'member.profile', about: 'new phrase' })
    await t.ok('boris', rekeyOp(t, 'boris 2', 'boris 3'))
    expect((await t.member('boris')).key).toBe(keyIn(t, 'boris 3'))
  })

  it('is refused from an unlinked device, without the new key’s proof over the old one, or to a key used before', async () => {
    const t = await new TestLedger(START).network('anna', ['boris', 'vera'])
    await link(t, 'boris phone', 'boris')
    await link(t, 'boris tablet', 'boris')
    await t.ok('boris', { type: 'device.unlink', device: keyOf('boris tablet') })
    await rejects(
      t,
      'boris tablet',
      rekeyOp(t, 'boris', 'thief'),
      'this device was unlinked from its member',
    )
    const unproven = 'the new member key does not prove it replaces yours'
    const next = memberKeyOf('boris 2', t.networkId)
    const good = rekeyOp(t, 'boris', next)
    // Signed by the old key rather than the new one; over another member's key (Vera's
    // proof, replayed for Boris); for another network; over nothing at all.
    const byOld = signProof(
      memberKeyOf('boris', t.networkId).secretKey,
      'rekey',
      t.networkId,
      keyIn(t, 'boris'),
    )
    await rejects(t, 'boris', { ...good, proof: hex(byOld) }, unproven)
    await rejects(t, 'boris', { ...rekeyOp(t, 'vera', next) }, unproven)
    const elsewhere = signProof(next.secretKey, 'rekey', keyOf('other network'), keyIn(t, 'boris'))
    await rejects(t, 'boris', { ...good, proof: hex(elsewhere) }, unproven)
    const joinInstead = signProof(next.secretKey, 'join', t.networkId, keyIn(t, 'boris'))
    await rejects(t, 'boris', { ...good, proof: hex(joinInstead) }, unproven)
    // A key someone holds (Vera's), or his own current one.
    const taken = 'this member key is, or was, a member key in this network already'
    await rejects(t, 'boris', rekeyOp(t, 'boris', 'vera'), taken)
    await rejects(t, 'boris', rekeyOp(t, 'boris', 'boris'), taken)
    await t.ok('boris phone', good)
    // A key retired before, his own or now for Vera.
    await rejects(t, 'boris', rekeyOp(t, 'boris 2', 'boris'), taken)
    await rejects(t, 'vera', rekeyOp(t, 'vera', 'boris'), taken)
    expect((await t.member('boris')).key).toBe(keyIn(t, 'boris 2'))
  })

  it('retires the old phrase: a join proving it is refused; one proving the new key restores the member', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    await link(t, 'boris phone', 'boris')
    await t.ok('boris', rekeyOp(t, 'boris', 'boris 2', { unlink: [keyOf('boris phone')] }))
    // Whoever has the phone's data holds the old phrase, and gets a fresh invite from Anna.
    await t.ok('anna', t.admitOp(await t.invite('anna', 'for the thief'), 'thief laptop'))
    await rejects(
      t,
      'thief laptop',
      t.joinOp('thief laptop', 'boris'),
      'this member key was replaced: its recovery phrase no longer works here; use the new one',
    )
    expect(await t.member('thief laptop')).toBeNull()
    // Boris, with the new phrase on a new laptop, is Boris again.
    await t.ok('anna', t.admitOp(await t.invite('anna', 'for boris'), 'boris laptop 2'))
    const events = await toldBy(t, () =>
      t.ok('boris laptop 2', {
        type: 'member.join',
        name: 'Boris',
        ...joinProof('boris 2', t.networkId, keyOf('boris laptop 2')),
      }),
    )
    expect(events).toEqual([
      {
        kind: 'device.linked',
        subject: 'boris',
        data: { device: keyOf('boris laptop 2') },
        to: ['boris'],
      },
    ])
    expect((await t.member('boris')).devices).toEqual([keyOf('boris'), keyOf('boris laptop 2')])
    await t.ok('boris laptop 2', { type: 'member.profile', about: 'back' })
  })

  it('unlinks devices in the same op, with the checks of device.unlink', async () => {
    const t = await new TestLedger(START).network('anna', ['boris', 'vera', 'gleb'])
    await link(t, 'boris phone', 'boris')
    await link(t, 'boris tablet', 'boris')
    const notYours = (who: string) => `device ${keyOf(who).slice(0, 8)} is not one of yours`
    const all = [keyOf('boris'), keyOf('boris phone'), keyOf('boris tablet')]
    await rejects(
      t,
      'boris',
      rekeyOp(t, 'boris', 'boris 2', { unlink: [keyOf('anna')] }),
      notYours('anna'),
    )
    await rejects(
      t,
      'boris',
      rekeyOp(t, 'boris', 'boris 2', { unlink: all }),
      'this is your only device: leave the network instead',
    )
    // Nor is the phrase sealed for a device the op unlinks, or another member's.
    const box = hex(sealPhrase(newPhrase(), crypto.keyPair().publicKey))
    for (const device of ['boris phone', 'anna']) {
      await rejects(
        t,
        'boris',
        rekeyOp(t, 'boris', 'boris 2', {
          unlink: [keyOf('boris phone')],
          sealed: [{ device: keyOf(device), box }],
        }),
        notYours(device),
      )
    }
    // Boris's laptop held his indexer place: the tablet, which stays, takes it.
    const events = await toldBy(t, async () => {
      const r = await t.ok(
        'boris tablet',
        rekeyOp(t, 'boris', 'boris 2', { unlink: [keyOf('boris'), keyOf('boris phone')] }),
      )
      expect(r.effects).toEqual([
        { type: 'removeWriter', key: keyOf('boris') },
        { type: 'removeWriter', key: keyOf('boris phone') },
        { type: 'addWriter', key: keyOf('boris tablet'), indexer: true },
      ])
    })
    expect(events.map((e) => [e.kind, e.data])).toEqual([
      ['device.unlinked', { device: keyOf('boris') }],
      ['device.unlinked', { device: keyOf('boris phone') }],
      ['member.rekeyed', { unlinked: 2 }],
    ])
    expect(await t.member('boris')).toMatchObject({
      key: keyIn(t, 'boris 2'),
      devices: [keyOf('boris tablet')],
      unlinked: [keyOf('boris'), keyOf('boris phone')],
    })
    await rejects(
      t,
      'boris phone',
      rekeyOp(t, 'boris 2', 'thief'),
      'this device was unlinked from its member',
    )
  })

  it('by two devices at once to the same key: the second keeps the key and does its unlinks', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    await link(t, 'boris phone', 'boris')
    await link(t, 'boris tablet', 'boris')
    // Each node rotates every network it is in: the phone here, having taken the new
    // phrase, and the laptop, whose op (made before it saw the phone's) unlinks the tablet.
    await t.ok('boris phone', rekeyOp(t, 'boris', 'boris 2'))
    await t.ok('boris', rekeyOp(t, 'boris', 'boris 2', { unlink: [keyOf('boris tablet')] }))
    expect(await t.member('boris')).toMatchObject({
      key: keyIn(t, 'boris 2'),
      previousKey: keyIn(t, 'boris'),
      devices: [keyOf('boris'), keyOf('boris phone')],
    })
    // Only the key it replaced proves it again: not an older one.
    await t.ok('boris', rekeyOp(t, 'boris 2', 'boris 3'))
    await rejects(
      t,
      'boris phone',
      rekeyOp(t, 'boris', 'boris 3'),
      'the new member key does not prove it replaces yours',
    )
  })

  it('seals the new phrase for the devices that stay: each opens its own box, nobody else', async () => {
    const t = await new TestLedger(START).network('anna', ['boris'])
    await link(t, 'boris phone', 'boris')
    await link(t, 'boris tablet', 'boris')
    // The writer signing keys of the devices (in the app, each writer core's key pair).
    const phoneKeys = crypto.keyPair(Buffer.alloc(32, 1))
    const laptopKeys = crypto.keyPair(Buffer.alloc(32, 2))
    const phrase = newPhrase()
    const next = memberKeyPair(identitySeed(phrase), t.networkId)
    const op = rekeyOp(t, 'boris', next, {
      unlink: [keyOf('boris tablet')],
      sealed: [{ device: keyOf('boris phone'), box: hex(sealPhrase(phrase, phoneKeys.publicKey)) }],
    })
    expect(Buffer.byteLength(JSON.stringify(op))).toBeLessThan(1_000)
    await t.ok('boris', op)
    const phone = await t.kv.get<WriterRecord>(keys.writer(keyOf('boris phone')))
    expect(phone).toMatchObject({
      member: keyOf('boris'),
      sealed: { from: keyIn(t, 'boris'), key: hex(next.publicKey), box: op.sealed![0]!.box },
    })
    // The phone opens it: the phrase that gives the member's new key here.
    const opened = openSealedPhrase(phone!.sealed!.box, phoneKeys)
    expect(opened).toBe(phrase)
    expect(hex(memberKeyPair(identitySeed(opened!), t.networkId).publicKey)).toBe(
      (await t.member('boris')).key,
    )
    // Another device's key, or the member key itself, opens nothing.
    expect(openSealedPhrase(phone!.sealed!.box, laptopKeys)).toBeNull()
    expect(openSealedPhrase(phone!.sealed!.box, next)).toBeNull()
    // A box changed on the way does not open either.
    const tampered = Buffer.from(phone!.sealed!.box, 'hex')
    tampered[40]! ^= 1
    expect(openSealedPhrase(tampered, phoneKeys)).toBeNull()
    expect((await t.kv.get<WriterRecord>(keys.writer(keyOf('boris'))))?.sealed).toBeUndefined()
  })

  it('keeps the op small: ten sealed devices and ten unlinks are far under an op’s limit', () => {
    const t = new TestLedger(START)
    t.networkId = keyOf('anna')
    const box = hex(sealPhrase(newPhrase(), crypto.keyPair().publicKey))
    const devices = Array.from({ length: 10 }, (_, i) => keyOf(`device ${i}`))
    const op = rekeyOp(t, 'boris', 'boris 2', {
      unlink: devices,
      sealed: devices.map((device) => ({ device, box })),
    })
    const bytes = Buffer.byteLength(JSON.stringify({ v: 2, id: 'k3x9w1mzqa0b', ts: START, ...op }))
    console.log(`member.rekey with 10 unlinks and 10 sealed boxes: ${bytes} bytes`)
    expect(bytes).toBeLessThan(4_500)
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
