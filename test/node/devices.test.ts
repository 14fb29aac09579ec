/**
 * A person's devices (domain.md §12) with real nodes on a local testnet: a device linked with
 * a link code acts as the same member in every network of the person, also while both act at
 * once; an unlinked device's new ops count nowhere; a person who lost their only device
 * comes back from the recovery phrase with the same member, counters and history; and after
 * the phrase changes, the old one joins nowhere while the devices that stay take the new one.
 */
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import BlindPairing from 'blind-pairing'
import { describe, expect, it } from 'vitest'
import type { ExodusNode } from '../../core/node/node.ts'
import { createNode } from '../../core/node/node.ts'
import { identityKeyPair, memberKeyPair } from '../../core/identity/member-key.ts'
import { identitySeed, newPhrase } from '../../core/identity/phrase.ts'
import { keys, type Member, type Rejection, type WriterRecord } from '../../core/ledger/model.ts'
import type { LocalState } from '../../core/node/local-state.ts'
import {
  LINK_MS,
  LINK_NETWORKS_MAX,
  decodeLinkCode,
  sealLinkData,
} from '../../core/node/device-link.ts'
import { encodeInviteCode } from '../../core/node/invite-code.ts'
import {
  afterTest,
  bootstrapOf,
  create,
  errorOf,
  eventually,
  pair,
  startNode,
  type Peer,
  tempFolder,
  testnet,
} from '../support/nodes.ts'

const DAY = 86_400_000

/** What every peer must agree on: every member's card (less payment details) and refusals. */
async function shared(node: ExodusNode, network: string) {
  const s = await node.call('state', { network })
  const members = s.members.map(({ payment: _p, defaultPayment: _d, ...card }) => card)
  return JSON.stringify({ cycle: s.meta.cycle, members, rejected: s.rejected })
}

async function converged(network: string, ...nodes: ExodusNode[]) {
  return eventually(
    () => Promise.all(nodes.map((n) => shared(n, network))),
    (views) => views.every((v) => v === views[0]),
    30_000,
  )
}

/** A member's record as `node` sees it. */
function memberOf(node: ExodusNode, network: string, id: string): Promise<Member | null> {
  return node.networks.get(network).read((kv) => kv.get<Member>(keys.member(id)))
}

/** Anna in two networks she made, Friends (with Boris) and Neighbours (alone). */
async function twoNetworks() {
  const t = await testnet()
  const anna = await create(t, { name: 'Anna' })
  const neighbours = await anna.node.call('network.create', {
    name: 'Neighbours',
    currency: 'hours',
  })
  const boris = await pair(anna, 'Boris')
  return { t, anna, friends: anna.net.id, neighbours, boris }
}

describe('linking a device with a link code', () => {
  it('makes it the same member in every network of the person, acting at once with the other', async () => {
    const { t, anna, friends, neighbours, boris } = await twoNetworks()
    await boris.node.call('status.set', { network: friends, status: 'orange', amount: 50_000 })

    const before = Date.now()
    const link = await anna.node.call('device.link', { network: friends })
    expect(link).toEqual({
      network: friends,
      code: expect.stringMatching(/^[a-z0-9]{120}$/),
      link: `exodus://join/${link.code}`,
      expires: expect.any(Number),
    })
    expect(link.expires - before).toBeGreaterThanOrEqual(LINK_MS - 1_000)
    expect(link.expires - Date.now()).toBeLessThanOrEqual(LINK_MS)
    // A link code is no invite: it is not listed with them.
    const invites = await anna.node.call('invite.list', { network: friends })
    expect(invites.map((i) => i.code)).not.toContain(link.code)

    const phone = await startNode(t, 'Anna phone', { pairingTimeoutMs: 10_000 })
    const started = Date.now()
    const linked = await phone.call('identity.link', { code: link.code })
    const took = Date.now() - started
    expect(linked.notLinked).toBe(0)
    expect(linked.networks.map((n) => [n.id, n.me, n.joined])).toEqual([
      [friends, anna.net.me, true],
      [neighbours.id, neighbours.me, true],
    ])
    console.log(`linked a device in 2 networks in ${took} ms`)
    // The phone is Anna: the same phrase and identity key, and its name kept.
    const annaPhrase = await anna.node.call('identity.phrase', { confirm: true })
    expect(await phone.call('identity.phrase', { confirm: true })).toEqual(annaPhrase)
    expect((await phone.call('identity.get', {})).publicKey).toBe(
      (await anna.node.call('identity.get', {})).publicKey,
    )

    // Both list the same two devices, each marking itself.
    const laptopKey = anna.node.networks.get(friends).base.localKey
    const phoneKey = phone.networks.get(friends).base.localKey
    const fromLaptop = await eventually(
      () => anna.node.call('device.list', { network: friends }),
      (list) => list.length === 2,
    )
    expect(fromLaptop).toEqual([
      {
        key: laptopKey,
        id: laptopKey.slice(0, 8),
        thisDevice: true,
        linkedAt: expect.any(Number),
        indexer: true,
      },
      {
        key: phoneKey,
        id: phoneKey.slice(0, 8),
        thisDevice: false,
        linkedAt: expect.any(Number),
        indexer: false,
      },
    ])
    const fromPhone = await eventually(
      () => phone.call('device.list', { network: friends }),
      (list) => list.length === 2,
    )
    expect(fromPhone.map((d) => [d.key, d.thisDevice])).toEqual([
      [laptopKey, false],
      [phoneKey, true],
    ])
    // Boris sees one member, Anna, with two devices.
    const annaForBoris = await eventually(
      () => memberOf(boris.node, friends, anna.net.me),
      (m) => m?.devices.length === 2,
    )
    expect(annaForBoris).toMatchObject({ id: anna.net.me, devices: [laptopKey, phoneKey] })
    expect(await memberOf(boris.node, friends, phoneKey)).toBeNull()

    // An intention made on the phone is Anna's, and she changes it on the laptop.
    const made = await phone.call('intention.create', {
      network: friends,
      to: 'Boris',
      amount: 10_000,
    })
    expect(made.pledge).toMatchObject({ from: anna.net.me, to: boris.net.me, amount: 10_000 })
    const pledge = made.pledge!.id
    await eventually(
      () => anna.node.call('member.card', { network: friends, member: 'Boris' }),
      (card) => card.progress.intended === 10_000,
    )
    await anna.node.call('intention.change', { network: friends, pledge, amount: 15_000 })
    await eventually(
      () => phone.call('member.card', { network: friends, member: 'Boris' }),
      (card) => card.progress.intended === 15_000,
    )

    // Both devices act at once; every peer ends with both obligations, both Anna's.
    const [fromPhoneOp, fromLaptopOp] = await Promise.all([
      phone.call('obligation.create', { network: friends, to: 'Boris', amount: 2_000 }),
      anna.node.call('obligation.create', { network: friends, to: 'Boris', amount: 3_000 }),
    ])
    const views = await converged(friends, anna.node, phone, boris.node)
    const card = (
      JSON.parse(views[0]!) as { members: Array<{ id: string; progress: { committed: number } }> }
    ).members.find((m) => m.id === boris.net.me)!
    expect(card.progress.committed).toBe(5_000)
    for (const op of [fromPhoneOp, fromLaptopOp]) expect(op.pledge!.from).toBe(anna.net.me)

    // The phone is Anna in the other network too, where Boris is not.
    await phone.call('profile.set', { network: neighbours.id, about: 'from the phone' })
    await eventually(
      () => memberOf(anna.node, neighbours.id, neighbours.me),
      (m) => m?.about === 'from the phone',
    )

    // A link code works once.
    const other = await startNode(t, 'Someone', { pairingTimeoutMs: 5_000 })
    const again = await errorOf(other.call('identity.link', { code: link.code }))
    expect(again.code).toBe('link-refused')
    expect(await other.call('network.list', {})).toEqual([])
  }, 120_000)

  it('says what is wrong with a code, and links only a device in no network', async () => {
    const anna = await create(undefined, { name: 'Anna' })
    const network = anna.net.id
    const newcomer = await startNode(anna.t, 'Vera', { pairingTimeoutMs: 3_000 })
    const invite = await anna.node.call('invite.create', { network })
    const notLink = await errorOf(newcomer.call('identity.link', { code: invite.code }))
    expect(notLink.code).toBe('link-malformed')
    expect(notLink.message).toMatch(/^This is an invite to a network, not a link code/)
    const typo = await errorOf(
      newcomer.call('identity.link', { code: `${invite.code.slice(0, -1)}y` }),
    )
    expect(typo.code).toBe('link-malformed')
    // An expired code is said so at once.
    const old = BlindPairing.createInvite(Buffer.alloc(32, 1), {
      expires: Date.now() - 1,
      sensitive: true,
    })
    const expired = await errorOf(
      newcomer.call('identity.link', { code: encodeInviteCode(old.invite) }),
    )
    expect(expired.code).toBe('link-expired')
    // Nobody answers a code whose device is offline.
    const offline = BlindPairing.createInvite(Buffer.alloc(32, 2), {
      expires: Date.now() + LINK_MS,
      sensitive: true,
    })
    const silent = await errorOf(
      newcomer.call('identity.link', { code: encodeInviteCode(offline.invite) }),
    )
    expect(silent.code).toBe('link-no-answer')
    expect(silent.message).toMatch(/^Your other device did not answer within 3 seconds/)

    // A device in a network is linked network by network: never made someone else.
    const link = await anna.node.call('device.link', { network })
    await newcomer.call('network.join', { invite: invite.code })
    const inNetwork = await errorOf(newcomer.call('identity.link', { code: link.code }))
    expect(inNetwork.code).toBe('restore-in-network')
    expect(inNetwork.message).toMatch(/^You are a member of Friends on this device\. Linking/)
    // Nor by joining with the code: it comes from a device of another person.
    const second = await anna.node.call('network.create', { name: 'Second', currency: 'EUR' })
    const secondLink = await anna.node.call('device.link', { network: second.id })
    const otherPerson = await errorOf(newcomer.call('network.join', { invite: secondLink.code }))
    expect(otherPerson.code).toBe('link-other-identity')
    expect(newcomer.state.state.identity.phrase).not.toBe(anna.node.state.state.identity.phrase)
  }, 60_000)

  it('keeps the answer small: its data sealed for the code, within one DHT record', () => {
    // The longest phrase (24 eight-letter words), a name of 60 Cyrillic letters and codes for
    // as many networks as a link carries.
    const phrase = Array.from({ length: 24 }, () => 'abstract').join(' ')
    const codes = Array.from({ length: LINK_NETWORKS_MAX }, (_, i) =>
      encodeInviteCode(
        BlindPairing.createInvite(Buffer.alloc(32, i), {
          expires: Date.now() + LINK_MS,
          sensitive: true,
        }).invite,
      ),
    )
    const made = BlindPairing.createInvite(Buffer.alloc(32, 9), {
      expires: Date.now() + LINK_MS,
      sensitive: true,
    })
    const code = encodeInviteCode(made.invite)
    const { seed } = decodeLinkCode(code, Date.now())
    const additional = sealLinkData(
      { phrase, name: 'Ж'.repeat(60), invites: codes, more: 12 },
      seed,
    )
    // The reply a member gives, as blind-pairing puts it on the DHT.
    const core = createRequire(import.meta.url)('blind-pairing-core') as PairingCore
    const candidate = new core.CandidateRequest(made.invite, Buffer.alloc(32, 7))
    const request = core.MemberRequest.from(candidate.encode())
    request.open(made.publicKey)
    request.confirm({ key: Buffer.alloc(32, 9), encryptionKey: Buffer.alloc(32, 5), additional })
    console.log(
      `link answer: data ${additional.data.length} bytes, reply ${request.response.length} bytes`,
    )
    expect(request.response.length).toBeLessThan(1_000)
    // The candidate reads it back, checked with the invite's key.
    const accepted: Array<{ data: Buffer }> = []
    candidate.on('accepted', (paired: { data: Buffer }) => accepted.push(paired))
    candidate.handleResponse(request.response)
    expect(accepted[0]!.data).toEqual(additional.data)
  })
})

interface PairingCore {
  CandidateRequest: new (
    invite: Buffer,
    userData: Buffer,
  ) => {
    encode(): Buffer
    handleResponse(payload: Buffer): unknown
    on(event: 'accepted', fn: (paired: { data: Buffer }) => void): void
  }
  MemberRequest: {
    from(bytes: Buffer): {
      open(publicKey: Buffer): Buffer
      confirm(o: { key: Buffer; encryptionKey: Buffer; additional: object }): void
      response: Buffer
    }
  }
}

/** A device of `peer`'s person, linked with a link code; its node restarts as asked. */
async function linkedDevice(peer: Peer, name: string) {
  const device = await startNode(peer.t, name, { pairingTimeoutMs: 10_000 })
  const link = await peer.node.call('device.link', { network: peer.net.id })
  await device.call('identity.link', { code: link.code })
  return { node: device, key: device.networks.get(peer.net.id).base.localKey }
}

/** The node of `dir` again, on `peer`'s testnet. */
async function reopen(dir: string, peer: Peer): Promise<ExodusNode> {
  const node = await createNode({ dataDir: dir, bootstrap: bootstrapOf(peer.t) })
  afterTest(() => node.close())
  return node
}

describe('unlinking a device', () => {
  it('leaves what it wrote, and nothing it writes afterwards counts on any peer', async () => {
    const t = await testnet()
    const anna = await create(t, { name: 'Anna' })
    const network = anna.net.id
    const boris = await pair(anna, 'Boris')
    await boris.node.call('status.set', { network, status: 'orange', amount: 50_000 })
    const laptop = anna.node.networks.get(network).base.localKey
    const phone = await linkedDevice(anna, 'Anna phone')
    const tablet = await linkedDevice(anna, 'Anna tablet')
    const before = await phone.node.call('intention.create', {
      network,
      to: 'Boris',
      amount: 4_000,
    })
    const pledge = before.pledge!.id
    for (const peer of [anna.node, boris.node]) {
      await eventually(
        () => memberOf(peer, network, anna.net.me),
        (m) => m?.devices.length === 3,
      )
    }

    // This device is not unlinked from itself; another is named by a unique prefix.
    const self = await errorOf(
      anna.node.call('device.unlink', { network, device: laptop.slice(0, 6) }),
    )
    expect(self.code).toBe('device-this')
    expect(self.message).toMatch(/^This is the device you are using/)
    const nobody = await errorOf(anna.node.call('device.unlink', { network, device: 'zz' }))
    expect(nobody.code).toBe('unknown-device')

    // The tablet is offline when it is unlinked, and goes on writing there.
    const tabletDir = tablet.node.dataDir
    await tablet.node.networks.get(network).stopSync()
    await anna.node.call('device.unlink', { network, device: tablet.key.slice(0, 8) })
    // The phone is online when it is unlinked: its node refuses what it would write next.
    await anna.node.call('device.unlink', { network, device: phone.key })
    expect((await anna.node.call('device.list', { network })).map((d) => d.key)).toEqual([laptop])
    const phoneSession = phone.node.networks.get(network)
    await eventually(
      () => phoneSession.read((kv) => kv.get<WriterRecord>(keys.writer(phone.key))),
      (w) => w?.unlinkedAt !== undefined,
    )
    const refused = await errorOf(
      phone.node.call('intention.change', { network, pledge, amount: 9_000 }),
    )
    expect(refused.code).toBe('rejected')
    expect(refused.reason?.code).toBe('device-unlinked')

    await eventually(
      () => memberOf(boris.node, network, anna.net.me),
      (m) => m?.devices.length === 1,
    )
    const written = await tablet.node.call('intention.change', { network, pledge, amount: 7_000 })
    await tablet.node.close()
    const online = await reopen(tabletDir, anna)
    // It comes back online: peers either refuse its entries or no longer replicate them.
    await eventually(
      () =>
        online.networks.get(network).read((kv) => kv.get<WriterRecord>(keys.writer(tablet.key))),
      (w) => w?.unlinkedAt !== undefined,
      3_000,
    ).catch(() => null)
    await new Promise((r) => setTimeout(r, 1_000))
    for (const peer of [anna.node, boris.node]) {
      // What the phone wrote before stays; what the tablet wrote after counts nowhere.
      const card = await peer.call('member.card', { network, member: boris.net.me })
      expect(card.progress.intended).toBe(4_000)
      const rejected = await peer.networks
        .get(network)
        .read(async (kv) => (await kv.list<Rejection>(keys.rejections)).map((e) => e.value))
      for (const r of rejected.filter((x) => x.ref.endsWith(written.op))) {
        expect(r.reason).toMatchObject({ code: 'device-unlinked' })
      }
      expect((await memberOf(peer, network, anna.net.me))?.devices).toEqual([laptop])
    }
  }, 90_000)
})

describe('restoring from the recovery phrase', () => {
  it('after all data of the only device is deleted: same member, counters and history', async () => {
    const START = Date.UTC(2031, 0, 10, 12)
    const began = Date.now()
    let offset = 0
    const clock = () => START + (Date.now() - began) + offset
    const opts = { clock, cycleCheckMs: 50, pairingTimeoutMs: 10_000 }
    const t = await testnet()
    const anna = await create(t, { name: 'Anna', node: opts, network: { timeZone: 'UTC' } })
    const network = anna.net.id
    const boris = await pair(anna, 'Boris', { node: opts })
    const annaId = anna.net.me
    const borisId = boris.net.me
    await anna.node.call('status.set', { network, status: 'orange', amount: 50_000 })
    await boris.node.call('status.set', { network, status: 'orange', amount: 30_000 })
    await eventually(
      () => anna.node.call('member.card', { network, member: borisId }),
      (c) => c.status === 'orange',
    )
    // Boris gives one obligation that is confirmed and one he will not fulfil this month;
    // Anna intends to help him.
    const paid = await boris.node.call('obligation.create', { network, to: annaId, amount: 1_000 })
    const late = await boris.node.call('obligation.create', { network, to: annaId, amount: 2_550 })
    await boris.node.call('obligation.fulfil', { network, pledge: paid.pledge!.id })
    await eventually(
      () => anna.node.call('member.card', { network, member: annaId }),
      (c) => c.progress.committed === 3_550,
    )
    await anna.node.call('obligation.confirm', { network, pledge: paid.pledge!.id })
    await anna.node.call('intention.create', { network, to: borisId, amount: 5_000 })

    // A month later (both clocks): the open obligation is overdue, the intention lapsed.
    offset = 25 * DAY
    const card = await eventually(
      () => boris.node.call('member.card', { network, member: borisId }),
      (c) => c.overdue === 1,
      30_000,
    )
    expect(card.status).toBe('orange')
    await converged(network, anna.node, boris.node)

    const seenBy = async (node: ExodusNode) => ({
      card: await node.call('member.card', { network, member: borisId }),
      annaCard: await node.call('member.card', { network, member: annaId }),
      history: JSON.parse((await node.call('export', { network, format: 'json' })).text) as {
        exportedAt: unknown
        member: unknown
        pledges: unknown[]
      },
    })
    const borisBefore = await seenBy(boris.node)
    const annaBefore = await seenBy(anna.node)
    expect(borisBefore.history.pledges).toHaveLength(4) // with the intention renewed from the confirmed one
    const { words } = await boris.node.call('identity.phrase', { confirm: true })

    // Boris's only device is gone, with all its data.
    const lostKey = boris.node.networks.get(network).base.localKey
    const dir = boris.node.dataDir
    await boris.node.close()
    await rm(dir, { recursive: true, force: true })

    const fresh = await createNode({
      dataDir: await tempFolder('boris-again'),
      bootstrap: bootstrapOf(t),
      ...opts,
    })
    afterTest(() => fresh.close())
    await fresh.call('identity.restore', { phrase: words.join('\n') })
    const invite = await anna.node.call('invite.create', { network })
    const joined = await fresh.call('network.join', { invite: invite.code, name: 'Boris' })
    expect(joined.network.me).toBe(borisId)
    await converged(network, anna.node, fresh)

    const strip = (s: Awaited<ReturnType<typeof seenBy>>) => ({
      ...s,
      history: { ...s.history, exportedAt: null },
    })
    expect(strip(await seenBy(fresh))).toEqual(strip(borisBefore))
    expect(strip(await seenBy(anna.node))).toEqual(strip(annaBefore))

    // Boris acts again as himself, and unlinks the device he lost.
    await fresh.call('obligation.fulfil', { network, pledge: late.pledge!.id })
    await eventually(
      async () => {
        const file = await anna.node.call('export', { network, format: 'json' })
        const pledges = (JSON.parse(file.text) as { pledges: Array<{ id: string; state: string }> })
          .pledges
        return pledges.find((p) => p.id === late.pledge!.id)?.state
      },
      (state) => state === 'fulfilled',
    )
    const devices = await fresh.call('device.list', { network })
    expect(devices.map((d) => [d.key, d.thisDevice])).toEqual([
      [lostKey, false],
      [fresh.networks.get(network).base.localKey, true],
    ])
    await fresh.call('device.unlink', { network, device: lostKey })
    expect((await fresh.call('device.list', { network })).map((d) => d.key)).toEqual([
      fresh.networks.get(network).base.localKey,
    ])
  }, 120_000)
})

describe('changing the recovery phrase', () => {
  it('retires the old phrase in every network; the devices that stay take the new one', async () => {
    const { t, anna, friends, neighbours, boris } = await twoNetworks()
    const phone = await linkedDevice(anna, 'Anna phone')
    const tablet = await linkedDevice(anna, 'Anna tablet')
    // The tablet is Anna in a network of Boris's where the laptop is not.
    const club = await boris.node.call('network.create', { name: 'Book club', currency: 'EUR' })
    const inClub = await pair({ node: boris.node, net: club, t }, tablet.node)
    const phoneNext = phone.node.networks.get(neighbours.id).base.localKey
    for (const [network, me] of [
      [friends, anna.net.me],
      [neighbours.id, neighbours.me],
    ] as const) {
      await eventually(
        () => memberOf(anna.node, network, me),
        (m) => m?.devices.length === 3,
      )
    }
    const old = anna.node.state.state.identity.phrase
    expect(tablet.node.state.state.identity.phrase).toBe(old)
    // The key of `phrase` in a network (its id: its creator's first writer).
    const keyOf = (phrase: string, network: string) =>
      memberKeyPair(identitySeed(phrase), network).publicKey.toString('hex')

    // The phone is lost: the laptop unlinks it in both networks and changes the phrase.
    const rekeyed = await anna.node.call('identity.rekey', {
      confirm: true,
      unlink: [phone.key.slice(0, 8), phoneNext],
    })
    const phrase = rekeyed.words.join(' ')
    expect(rekeyed.words).toHaveLength(24)
    expect(phrase).not.toBe(old)
    expect(rekeyed.networks).toEqual([
      { network: friends, name: 'Friends', rekeyed: true, unlinked: [phone.key] },
      { network: neighbours.id, name: 'Neighbours', rekeyed: true, unlinked: [phoneNext] },
    ])
    // The laptop's node.json holds the new phrase, the old one nowhere, nothing pending.
    const file = await readFile(anna.node.state.path, 'utf8')
    expect(file).not.toContain(old)
    const saved = JSON.parse(file) as LocalState
    expect(saved.identity).toMatchObject({ phrase, phraseWritten: false })
    expect(saved.networks.map((n) => n.rekey)).toEqual([undefined, undefined])
    for (const [network, me] of [
      [friends, anna.net.me],
      [neighbours.id, neighbours.me],
    ] as const) {
      expect(await memberOf(anna.node, network, me)).toMatchObject({
        key: keyOf(phrase, me),
        devices: [anna.node.networks.get(network).base.localKey, expect.any(String)],
      })
    }

    // The tablet opens its box and takes the new phrase, and changes the key in the network
    // the laptop is not in; the phone, unlinked in the same ops, gets none.
    await eventually(
      () => tablet.node.state.state.identity.phrase,
      (p) => p === phrase,
      30_000,
    )
    await eventually(
      () => memberOf(boris.node, club.id, inClub.net.me),
      (m) => m?.key === keyOf(phrase, club.me),
      30_000,
    )
    expect(await readFile(tablet.node.state.path, 'utf8')).not.toContain(old)
    expect(phone.node.state.state.identity.phrase).toBe(old)
    const phoneRecord = await eventually(
      () =>
        phone.node.networks.get(friends).read((kv) => kv.get<WriterRecord>(keys.writer(phone.key))),
      (w) => w?.unlinkedAt !== undefined,
    )
    expect(phoneRecord?.sealed).toBeUndefined()

    // Whoever has the phone's data has the old phrase: it no longer joins as Anna.
    const thief = await startNode(t, 'Thief', { pairingTimeoutMs: 10_000 })
    await thief.call('identity.restore', { phrase: old })
    const invite = await boris.node.call('invite.create', { network: friends })
    const refused = await errorOf(thief.call('network.join', { invite: invite.code }))
    expect(refused.code).toBe('rejected')
    expect(refused.reason?.code).toBe('member-key-retired')

    // A new device restored from the new phrase is Anna again.
    const restored = await startNode(t, 'Anna again', { pairingTimeoutMs: 10_000 })
    await restored.call('identity.restore', { phrase: rekeyed.words.join('\n') })
    const again = await boris.node.call('invite.create', { network: friends })
    const joined = await restored.call('network.join', { invite: again.code, name: 'Anna' })
    expect(joined.network.me).toBe(anna.net.me)

    // From the tablet, Anna unlinks the laptop (her first device) and goes on acting.
    await tablet.node.call('device.unlink', { network: friends, device: anna.net.me })
    await tablet.node.call('profile.set', { network: friends, about: 'from the tablet' })
    await eventually(
      () => memberOf(boris.node, friends, anna.net.me),
      (m) => m?.about === 'from the tablet',
    )
  }, 180_000)

  it('finishes a change that a crash cut short when the node opens again', async () => {
    const anna = await create(undefined, { name: 'Anna' })
    const network = anna.net.id
    const before = (await memberOf(anna.node, network, anna.net.me))!.key
    const dir = anna.node.dataDir
    await anna.node.close()
    // What identity.rekey keeps before it appends: the new phrase, and the change pending.
    const file = JSON.parse(await readFile(join(dir, 'node.json'), 'utf8')) as LocalState
    const phrase = newPhrase()
    file.identity.phrase = phrase
    file.identity.publicKey = identityKeyPair(identitySeed(phrase)).publicKey.toString('hex')
    file.networks[0]!.rekey = { from: before, unlink: [] }
    await writeFile(join(dir, 'node.json'), JSON.stringify(file))

    const node = await reopen(dir, anna)
    const after = await eventually(
      () => memberOf(node, network, anna.net.me),
      (m) => m?.key !== before,
    )
    expect(after?.key).toBe(
      memberKeyPair(identitySeed(phrase), anna.net.me).publicKey.toString('hex'),
    )
    await eventually(
      () => node.state.state.networks[0]!.rekey,
      (pending) => pending === undefined,
    )
    expect(node.state.state.identity.phrase).toBe(phrase)
  }, 60_000)
})
