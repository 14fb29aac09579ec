/**
 * Real nodes in one process over a local HyperDHT testnet on 127.0.0.1: networks, invites,
 * pairing, encrypted sync and the API contract end to end.
 */
import BlindPairing from 'blind-pairing'
import crypto from 'hypercore-crypto'
import Hyperswarm from 'hyperswarm'
import { describe, expect, it } from 'vitest'
import {
  ApiError,
  type Command,
  type NodeEvent,
  type NotificationEntry,
  type Params,
  type Results,
} from '../../core/api/contract.ts'
import { silentLogger } from '../../core/logger.ts'
import { keys, type WriterRecord } from '../../core/ledger/model.ts'
import { decodeInviteCode } from '../../core/node/invite-code.ts'
import { ExodusNode, createNode } from '../../core/node/node.ts'
import {
  afterTest,
  bootstrapOf,
  create,
  errorOf,
  pair,
  eventually,
  startNode,
  tempFolder,
  testnet,
  type Testnet,
} from '../support/nodes.ts'

/** A node with a short pairing timeout, so that tests of failing joins stay quick. */
function node(t: Testnet, name: string, opts: { clock?: () => number } = {}): Promise<ExodusNode> {
  return startNode(t, name, { pairingTimeoutMs: 5_000, ...opts })
}

function call<C extends Command>(n: ExodusNode, c: C, p: Params<C>): Promise<Results[C]> {
  return n.call(c, p)
}

describe('node', () => {
  it('creates a network, admits a member with an invite for Anna, and syncs pledges both ways', async () => {
    const t = await testnet()
    const anna = await node(t, 'Anna')
    const boris = await node(t, 'Boris')
    const net = await call(anna, 'network.create', {
      name: 'Friends',
      currency: 'EUR',
      timeZone: 'Europe/Berlin',
    })
    expect(net).toMatchObject({ name: 'Friends', currency: 'EUR', decimals: 2, joined: true })
    await call(anna, 'status.set', { network: net.id, status: 'orange', amount: 50_000 })
    const invite = await call(anna, 'invite.create', { network: 'Friends', for: 'Anna' })
    expect(invite.link).toBe(`exodus://join/${invite.code}`)
    expect(invite).toMatchObject({ uses: 1, used: 0, revoked: false, for: net.me })

    const joined = await call(boris, 'network.join', { invite: invite.link })
    expect(joined.landing).toBe(net.me)
    expect(joined.network).toMatchObject({ id: net.id, name: 'Friends', joined: true })

    const pledge = (
      await call(boris, 'intention.create', { network: net.id, to: 'anna', amount: 10_000 })
    ).pledge!
    const seen = await eventually(
      () => call(anna, 'member.card', { network: net.id, member: 'Anna' }),
      (c) => c.progress.intended === 10_000,
    )
    expect(seen.lines.incoming).toBe('1 👥→👤 (100 ❤️ / 500 🙏)')
    await call(boris, 'intention.commit', { network: net.id, pledge: pledge.id })
    await call(boris, 'obligation.fulfil', { network: net.id, pledge: pledge.id.split('-')[1]! })
    await eventually(
      () => call(anna, 'state', { network: net.id }),
      (s) => s.organizer.toConfirm.length === 1,
    )
    await call(anna, 'obligation.confirm', { network: net.id, pledge: pledge.id })
    const card = await eventually(
      () => call(boris, 'member.card', { network: net.id, member: 'anna' }),
      (c) => c.progress.confirmed === 10_000,
    )
    expect(card.lines.incoming).toBe('1 👥→👤 (0 ❤️ / 400 🙏)')
    const notes = await call(anna, 'notifications.list', { network: net.id })
    expect(notes.map((n) => n.kind)).toContain('obligation.fulfilled')
    const invites = await call(anna, 'invite.list', { network: net.id })
    expect(invites[0]).toMatchObject({ used: 1 })
  })

  it('leaves a newcomer to the member who admitted it: nobody refuses it the invite it used', async () => {
    const t = await testnet()
    const anna = await node(t, 'Anna')
    const net = await call(anna, 'network.create', { name: 'Friends', currency: 'EUR' })
    const boris = await node(t, 'Boris')
    await call(boris, 'network.join', {
      invite: (await call(anna, 'invite.create', { network: net.id })).code,
    })
    const once = await call(anna, 'invite.create', { network: net.id, uses: 1 })
    const vera = await node(t, 'Vera')
    await call(vera, 'network.join', { invite: once.code })
    const writer = vera.networks.get(net.id).base.localKey
    await eventually(
      () => boris.networks.get(net.id).read((kv) => kv.get<WriterRecord>(keys.writer(writer))),
      (w) => w?.member !== undefined,
    )
    // Pairing requests with the used invite reach Anna and Boris, as a request of Vera's that
    // reached both, or came again before an answer, does.
    const ask = async (userData: Buffer) => {
      const swarm = new Hyperswarm({ bootstrap: bootstrapOf(t) })
      const pairing = new BlindPairing(swarm, { poll: 500 })
      afterTest(async () => {
        await pairing.close()
        await swarm.destroy()
      })
      const invite = decodeInviteCode(once.code, Date.now()).bytes
      const candidate = pairing.addCandidate({ invite, userData })
      return new Promise<string>((resolve) => {
        candidate.request.on('rejected', () => resolve('refused'))
        void candidate.pairing.then((paired) => resolve(paired ? 'admitted' : 'closed'))
      })
    }
    // Anybody else is told the invite is used...
    expect(await ask(crypto.randomBytes(32))).toBe('refused')
    // ...Vera's writer gets no refusal from anyone: the admission it had is its answer.
    const answer = await Promise.race([
      ask(Buffer.from(writer, 'hex')),
      new Promise<string>((resolve) => setTimeout(() => resolve('no answer'), 3_000)),
    ])
    expect(answer).toBe('no answer')
  })

  it('explains bad invites quickly and never hangs', async () => {
    const t = await testnet()
    const anna = await node(t, 'Anna')
    const boris = await node(t, 'Boris')
    const net = await call(anna, 'network.create', { name: 'Friends', currency: 'EUR' })

    expect((await errorOf(call(boris, 'network.join', { invite: 'not an invite!' }))).code).toBe(
      'invite-malformed',
    )
    expect(
      (await errorOf(call(boris, 'network.join', { invite: 'exodus://other/abc' }))).code,
    ).toBe('invite-malformed')

    const expired = await call(anna, 'invite.create', { network: net.id, expiresInDays: 7 })
    const later = await node(t, 'Gleb', { clock: () => Date.now() + 9 * 86_400_000 })
    const e1 = await errorOf(call(later, 'network.join', { invite: expired.code }))
    expect(e1.code).toBe('invite-expired')
    expect(e1.message).toBe('This invite has expired (2 days ago). Ask a member for a new one.')

    const revoked = await call(anna, 'invite.create', { network: net.id })
    await call(anna, 'invite.revoke', { network: net.id, invite: revoked.id.slice(0, 8) })
    const e2 = await errorOf(call(boris, 'network.join', { invite: revoked.code }))
    expect(e2.code).toBe('invite-refused')
    expect(e2.message).toMatch(/revoked, used up or expired/)

    const once = await call(anna, 'invite.create', { network: net.id, uses: 1 })
    await call(boris, 'network.join', { invite: once.code })
    const vera = await node(t, 'Vera')
    const e3 = await errorOf(call(vera, 'network.join', { invite: once.code }))
    expect(e3.code).toBe('invite-refused')

    // Nobody online can admit: the invite's network has no running member.
    const gone = await call(anna, 'invite.create', { network: net.id })
    await anna.close()
    await boris.close()
    const started = Date.now()
    const e4 = await errorOf(call(vera, 'network.join', { invite: gone.code }))
    expect(e4.code).toBe('invite-no-answer')
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})

describe('time passing', () => {
  it('appends a cycle op when the node clock passes a month start or a red deadline', async () => {
    const t = await testnet()
    let offset = 0
    const clock = () => Date.now() + offset
    const dir = await tempFolder('clock')
    const anna = await createNode({
      dataDir: dir,
      bootstrap: bootstrapOf(t),
      clock,
      cycleCheckMs: 50,
    })
    afterTest(() => anna.close())
    const net = await call(anna, 'network.create', {
      name: 'Clock',
      currency: 'EUR',
      timeZone: 'UTC',
    })
    await call(anna, 'status.set', { network: net.id, status: 'red', amount: 10_000, days: 3 })
    offset = 4 * 86_400_000
    const after = await eventually(
      () => call(anna, 'member.card', { network: net.id, member: net.me }),
      (c) => c.status === 'green',
    )
    expect(after.red).toBeNull()
    const cycle = (await call(anna, 'network.list', {}))[0]!.cycle!
    offset = 40 * 86_400_000
    const next = await eventually(
      () => call(anna, 'network.list', {}),
      (l) => l[0]!.cycle !== cycle,
    )
    expect(next[0]!.cycle! > cycle).toBe(true)
    const state = await call(anna, 'state', { network: net.id })
    expect(state.home.recent.some((e) => e.kind === 'cycle.started')).toBe(true)
  })
  it('a node whose clock is ten years ahead says so once, and moves nothing for the others', async () => {
    const anna = await create(undefined, { network: { timeZone: 'UTC' } })
    const boris = await pair(anna, 'Boris')
    const cycleOps: string[] = []
    const log = {
      ...silentLogger,
      info: (message: string) => {
        if (message.startsWith('time passed a boundary')) cycleOps.push(message)
      },
    }
    const before = (await call(anna.node, 'network.list', {}))[0]!.cycle
    let ahead = 0
    const gleb = await pair(anna, 'Gleb', {
      node: { clock: () => Date.now() + ahead, cycleCheckMs: 50, log },
    })
    ahead = 3_650 * 86_400_000
    await eventually(
      async () => cycleOps.length,
      (n) => n >= 1,
    )
    // Many checks later, still one: its clock counted once for this boundary.
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(cycleOps).toHaveLength(1)
    // Written after the cycle op: once Anna and Boris see it, they applied that too.
    await call(gleb.node, 'status.set', { network: gleb.net.id, status: 'orange', amount: 100 })
    for (const peer of [anna, boris]) {
      await eventually(
        () => call(peer.node, 'member.card', { network: peer.net.id, member: gleb.net.me }),
        (c) => c.status === 'orange',
      )
    }
    for (const peer of [anna, boris, gleb]) {
      expect((await call(peer.node, 'network.list', {}))[0]!.cycle).toBe(before)
    }
  })
})

describe('joins that time out', () => {
  it('retrying the same invite reuses the writer key, so a late admission does not use it up', async () => {
    const t = await testnet()
    const anna = await node(t, 'Anna')
    const net = await call(anna, 'network.create', { name: 'Friends', currency: 'EUR' })
    const invite = await call(anna, 'invite.create', { network: net.id, uses: 1 })
    // Anna goes away; Boris's first attempt gets no answer but its request stays out there.
    await anna.close()
    const boris = await node(t, 'Boris')
    expect((await errorOf(call(boris, 'network.join', { invite: invite.code }))).code).toBe(
      'invite-no-answer',
    )
    const annaAgain = await createNode({
      dataDir: anna.dataDir,
      bootstrap: t.bootstrap.map((b) => `${b.host}:${b.port}`),
      pairingTimeoutMs: 5_000,
    })
    afterTest(() => annaAgain.close())
    const joined = await call(boris, 'network.join', { invite: invite.code })
    expect(joined.network.id).toBe(net.id)
    const list = await eventually(
      () => call(annaAgain, 'invite.list', { network: net.id }),
      (l) => l[0]!.used >= 1,
    )
    expect(list[0]!.used).toBe(1)
    const info = await call(boris, 'node.info', {})
    expect(info).toMatchObject({
      dataDir: boris.dataDir,
      bootstrap: t.bootstrap.map((b) => `${b.host}:${b.port}`),
    })
  })
})

describe('refusals after the fact', () => {
  it('tells the member when an op of theirs was refused once it was in the log', async () => {
    const { node: anna, net } = await create(undefined, {
      node: { pairingTimeoutMs: 5_000 },
      network: { timeZone: 'UTC' },
    })
    await call(anna, 'status.set', { network: net.id, status: 'orange', amount: 50_000 })
    const pushed: NotificationEntry[] = []
    anna.on('event', (e: NodeEvent) => {
      if (e.type === 'notification') pushed.push(e.notification)
    })
    // Both are checked against the same state, where each is fine; the second to be applied
    // finds the amount already set.
    const raise = () =>
      call(anna, 'status.set', { network: net.id, status: 'orange', amount: 60_000 })
    const results = await Promise.allSettled([raise(), raise()])
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ApiError] : []))
    expect(refused.map((e) => [e.code, e.message])).toEqual([
      ['rejected', 'your monthly amount is already 60000'],
    ])
    const listed = await call(anna, 'notifications.list', { network: net.id })
    expect(listed.filter((x) => x.kind === 'op.refused')).toMatchObject([
      {
        data: { type: 'status.orange' },
        refusal: { code: 'same-monthly', params: { amount: 60_000 } },
        read: false,
      },
    ])
    await eventually(
      async () => pushed.filter((x) => x.kind === 'op.refused').map((x) => x.id),
      (ids) => ids.length === 1 && ids[0] === listed.find((x) => x.kind === 'op.refused')!.id,
    )
  })
})
