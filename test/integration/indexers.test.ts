/**
 * Indexers never stranded (issue 12, docs/protocol.md "Indexers"): an indexer device vanishes
 * for good. Once the others' clocks have gone on for long enough, network time passes without
 * it, its place is handed to another member's device, Autobase takes the change (the two
 * indexers left are a majority of three), writes are agreed on again, and a newcomer joins.
 * Real nodes in this process on a local testnet; the living nodes' clocks are moved forward.
 *
 * Two of three vanishing is the limit docs/protocol.md states: Autobase takes an indexer
 * change only once a majority of the old indexers agrees on it. The second test shows what
 * still works then (writes applied and shared, a newcomer joins and syncs, the rule's choice in
 * every view) and what does not (nothing more is signed).
 */
import { describe, expect, it } from 'vitest'
import { keys, type NetworkMeta } from '../../core/ledger/model.ts'
import type { ExodusNode } from '../../core/node/node.ts'
import { create, eventually, pair, type Peer } from '../support/nodes.ts'

const DAY = 86_400_000

function session(node: ExodusNode, network: string) {
  return node.networks.get(network)
}

function meta(node: ExodusNode, network: string) {
  return session(node, network).read((kv) => kv.get<NetworkMeta>(keys.meta))
}

/**
 * Anna, Boris, Vera and Gleb; the three first hold the indexer places. `gone` are closed for
 * good, and the others' clocks jump 50 days: each appends its cycle op at the boundaries, and
 * Gleb, who holds no place, writes.
 */
async function fourThenGone(gone: Array<'boris' | 'vera'>) {
  let ahead = 0
  const living = { clock: () => Date.now() + ahead, cycleCheckMs: 200 }
  const anna = await create(undefined, { node: living, network: { timeZone: 'UTC' } })
  const network = anna.net.id
  const alive = (name: 'boris' | 'vera') => (gone.includes(name) ? {} : { node: living })
  const boris = await pair(anna, 'Boris', alive('boris'))
  const vera = await pair(anna, 'Vera', alive('vera'))
  const gleb = await pair(anna, 'Gleb', { node: living })
  const writer = (p: Peer) => session(p.node, network).base.localKey
  await eventually(
    () => meta(gleb.node, network),
    (m) => m?.indexers.length === 3,
  )
  expect((await meta(gleb.node, network))!.indexers).toEqual([anna, boris, vera].map(writer))
  const closed = gone.map((name) => ({ boris, vera })[name])
  for (const p of closed) await p.node.close()
  ahead = 50 * DAY
  // Gleb's write is what hands silent places on, so it must come after the time moved in his
  // view too: written before, it is ordered before, and finds nobody silent yet.
  for (const p of [anna, boris, vera, gleb].filter((p) => !closed.includes(p))) {
    await eventually(
      () => meta(p.node, network),
      (m) => m !== null && m.now >= Date.now() + 40 * DAY,
      60_000,
    )
  }
  await gleb.node.call('profile.set', { network, about: 'still here' })
  return { anna, boris, vera, gleb, network, writer, living }
}

describe('an indexer that vanishes', () => {
  it('hands its place on: writes are agreed on again and a newcomer joins', async () => {
    // Vera's device is gone for good; the others go on 50 days later.
    const { anna, boris, gleb, network, writer, living } = await fourThenGone(['vera'])
    const handedOn = JSON.stringify([anna, boris, gleb].map(writer).sort())
    for (const p of [anna, boris, gleb]) {
      await eventually(
        () => meta(p.node, network),
        (m) => JSON.stringify([...(m?.indexers ?? [])].sort()) === handedOn,
        60_000,
      )
    }
    await eventually(
      () => session(gleb.node, network).base.isIndexer,
      (is) => is,
      60_000,
    )

    // Writes are agreed on (indexed) with Gleb as an indexer.
    const signed = session(anna.node, network).base.indexedLength
    await gleb.node.call('profile.set', { network, about: 'an indexer now' })
    for (const p of [anna, boris, gleb]) {
      await eventually(
        () => session(p.node, network).base.indexedLength,
        (n) => n > signed,
        60_000,
      )
    }

    // A newcomer still joins and syncs.
    const eve = await pair(anna, 'Eve', { node: living })
    const card = await eventually(
      () => eve.node.call('member.card', { network, member: gleb.net.me }),
      (c) => c.about === 'an indexer now',
      60_000,
    )
    expect(card.name).toBe('Gleb')
  }, 240_000)

  it('two of three gone: writes are still applied and shared, and a newcomer joins, unsigned', async () => {
    // Boris's and Vera's devices are gone for good; Anna and Gleb go on 50 days later.
    const { anna, gleb, network, writer, living } = await fourThenGone(['boris', 'vera'])
    // The rule hands a silent place to Gleb, and every living view says so; the other silent
    // place stays until a member who holds none writes...
    for (const p of [anna, gleb]) {
      await eventually(
        () => meta(p.node, network),
        (m) => [anna, gleb].map(writer).every((w) => m?.indexers.includes(w)),
        60_000,
      )
    }
    // ...writes are applied and shared, and a newcomer joins, syncs and takes that place...
    await anna.node.call('profile.set', { network, about: 'writing on' })
    await eventually(
      () => gleb.node.call('member.card', { network, member: anna.net.me }),
      (c) => c.about === 'writing on',
      60_000,
    )
    const signed = session(anna.node, network).base.indexedLength
    const eve = await pair(anna, 'Eve', { node: living })
    await eve.node.call('profile.set', { network, about: 'new here' })
    const chosen = JSON.stringify([anna, gleb, eve].map(writer).sort())
    for (const p of [anna, gleb, eve]) {
      await eventually(
        () => p.node.call('member.card', { network, member: eve.net.me }),
        (c) => c.about === 'new here',
        60_000,
      )
      await eventually(
        () => meta(p.node, network),
        (m) => JSON.stringify([...(m?.indexers ?? [])].sort()) === chosen,
        60_000,
      )
    }
    // ...but Autobase keeps the old indexers, two of whom are gone: nothing more is signed.
    // (The limit docs/protocol.md states; this fails once Autobase can do better.)
    for (const p of [anna, gleb, eve]) {
      expect(session(p.node, network).base.indexedLength).toBeLessThanOrEqual(signed)
    }
    for (const p of [gleb, eve]) expect(session(p.node, network).base.isIndexer).toBe(false)
  }, 240_000)
})
