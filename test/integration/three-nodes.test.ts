/**
 * Three real nodes, each an `exodus daemon` process with its own data folder, over a local
 * HyperDHT testnet on 127.0.0.1. The steps build on each other, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NetworkState } from '../../core/api/contract.ts'
import { CallError, Daemon, eventually, loopbackTestnet, type Testnet } from '../support/daemons.ts'

let testnet: Testnet
let anna: Daemon
let boris: Daemon
let vera: Daemon
let network: string
let annaId: string

/**
 * What every member's node must agree on: the cards of all members (less payment details,
 * which each member also sees on their own card while green).
 */
async function shared(d: Daemon) {
  const s: NetworkState = await d.call('state', { network })
  const members = s.members.map(({ payment: _p, defaultPayment: _d, ...card }) => card)
  return JSON.stringify({ cycle: s.meta.cycle, members, rejected: s.rejected })
}

async function converged(...daemons: Daemon[]) {
  return eventually(
    () => Promise.all(daemons.map(shared)),
    (views) => views.every((v) => v === views[0]),
    30_000,
  )
}

beforeAll(async () => {
  testnet = await loopbackTestnet()
  anna = await Daemon.create('Anna', testnet)
  boris = await Daemon.create('Boris', testnet)
  vera = await Daemon.create('Vera', testnet)
  await Promise.all([anna.start(), boris.start(), vera.start()])
}, 60_000)

afterAll(async () => {
  for (const d of [anna, boris, vera]) await d?.destroy()
  await testnet?.destroy()
})

describe('three nodes in separate processes', () => {
  it('Anna asks, Boris and Vera join with her invite and help; all three see the same counters', async () => {
    const created = await anna.call('network.create', {
      name: 'Friends',
      currency: 'EUR',
      timeZone: 'Europe/Berlin',
    })
    network = created.id
    annaId = created.me
    await anna.call('status.set', { network, status: 'orange', amount: 50_000 })
    const invite = await anna.call('invite.create', { network, for: 'Anna', uses: 2 })

    const b = await boris.call('network.join', { invite: invite.code })
    expect(b.landing).toBe(annaId)
    // Vera joins through the CLI with the exodus:// link.
    const v = await vera.cli(['join', invite.link, '--name', 'Vera', '--json'])
    expect(v.code).toBe(0)
    expect(JSON.parse(v.out)).toMatchObject({
      landing: annaId,
      network: { id: network, joined: true },
    })

    const fromBoris = (
      await boris.call('intention.create', { network, to: 'Anna', amount: 10_000 })
    ).pledge!
    const fromVera = await vera.cli([
      '--network',
      'Friends',
      'intention',
      'create',
      'anna',
      '75',
      '--json',
    ])
    expect(fromVera.code).toBe(0)
    expect(JSON.parse(fromVera.out).pledge).toMatchObject({ kind: 'intention', amount: 7_500 })

    await boris.call('intention.commit', { network, pledge: fromBoris.id })
    await boris.call('obligation.fulfil', { network, pledge: fromBoris.id })
    await eventually(
      () => anna.call('state', { network }),
      (s) => s.organizer.toConfirm.some((p) => p.id === fromBoris.id),
    )
    await anna.call('obligation.confirm', { network, pledge: fromBoris.id })

    const views = await converged(anna, boris, vera)
    const card = (JSON.parse(views[0]!) as { members: NetworkState['members'] }).members.find(
      (m) => m.id === annaId,
    )!
    // 500 asked; Boris's 100 confirmed; Vera's 75 is an intention: 500 - 100 = 400 missing
    expect(card.progress).toEqual({
      goal: 50_000,
      intended: 7_500,
      committed: 0,
      confirmed: 10_000,
      missing: 40_000,
      supporters: 2,
    })
    expect(card.lines.incoming).toBe('2 👥→👤 (75 ❤️ / 400 🙏)')
    // Confirmed already: the notification says what happened, no longer "please confirm".
    const notes = await anna.call('notifications.list', { network })
    expect(notes.map((n) => n.text)).toContain('Boris marked 100 EUR to you as given')
    const peers = await anna.call('peers', { network })
    expect(peers.peers).toBeGreaterThanOrEqual(2)
    expect(peers.ownEntriesShared).toBe(true)
  }, 120_000)

  it('a node that was offline catches up both ways when it comes back', async () => {
    await vera.stop()
    await boris.call('obligation.create', { network, to: 'Anna', amount: 5_000 })
    await anna.call('profile.set', { network, about: 'Rent is due on the 5th' })
    // Vera runs cut off from everyone (no reachable DHT) and changes her intention meanwhile.
    const cutOff = new Daemon('Vera', vera.dataDir, '127.0.0.1:9')
    await cutOff.start()
    const mine = (await cutOff.call('state', { network })).organizer.myPromises[0]!
    await cutOff.call('intention.change', { network, pledge: mine.id, amount: 9_000 })
    await cutOff.stop()
    await vera.start()

    const views = await converged(anna, boris, vera)
    const members = (JSON.parse(views[2]!) as { members: NetworkState['members'] }).members
    const card = members.find((m) => m.id === annaId)!
    expect(card.about).toBe('Rent is due on the 5th')
    // 500 - 100 confirmed - 50 open = 350 missing; Vera's intention is now 90
    expect(card.lines.incoming).toBe('2 👥→👤 (90 ❤️ / 350 🙏)')
  }, 120_000)

  it('concurrent acts on one obligation while apart: all nodes agree on one outcome', async () => {
    const owed = (await boris.call('obligation.create', { network, to: 'Anna', amount: 2_000 }))
      .pledge!
    await converged(anna, boris, vera)
    // Boris is apart from Anna (and from Vera, who would carry Anna's news to him).
    await Promise.all([boris.stop(), vera.stop()])
    await anna.call('obligation.forgive', { network, pledge: owed.id })
    await anna.stop()
    await boris.start()
    await boris.call('obligation.fulfil', { network, pledge: owed.id })
    await Promise.all([anna.start(), vera.start()])

    const views = await converged(anna, boris, vera)
    // Forgiving wins in either order: forgive after fulfil releases a fulfilled obligation,
    // fulfil after forgive is refused ("this obligation is forgiven").
    const state = await vera.call('state', { network })
    const annaCard = state.members.find((m) => m.id === annaId)!
    expect(annaCard.progress.committed).toBe(5_000)
    const boris2 = await boris.call('state', { network })
    const p = [...boris2.organizer.myPromises, ...boris2.organizer.fulfilled].find(
      (x) => x.id === owed.id,
    )
    expect(p).toBeUndefined()
    expect(new Set(views).size).toBe(1)
  }, 120_000)

  it('a crash in a burst of writes loses nothing that was reported done', async () => {
    const done: string[] = []
    let crashed = false
    const burst = (async () => {
      for (let i = 1; i <= 200 && !crashed; i++) {
        try {
          const r = await boris.call('obligation.create', { network, to: 'Anna', amount: i })
          done.push(r.pledge!.id)
        } catch (err) {
          if (!crashed) throw err
        }
      }
    })()
    await eventually(
      async () => done.length,
      (n) => n >= 15,
    )
    crashed = true
    await boris.kill()
    await burst.catch(() => {})
    await boris.start()
    const state = await boris.call('state', { network }).catch((err) => {
      throw new Error(`${String(err)}; daemon output: ${boris.output.slice(-3000)}`)
    })
    const kept = new Set(state.organizer.myPromises.map((p) => p.id))
    expect(done.filter((id) => !kept.has(id))).toEqual([])
    // and the node is back in the network
    await converged(anna, boris, vera)
  }, 120_000)

  it('explains a bad invite on the command line', async () => {
    const r = await vera.cli(['join', 'exodus://join/notacode!'])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/invite code is not valid: it has characters an invite never has/)
    await expect(vera.call('network.join', { invite: 'zzz' })).rejects.toBeInstanceOf(CallError)
  })
})
