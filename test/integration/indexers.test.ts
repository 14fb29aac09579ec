/**
 * Indexers never stranded (issue 12, docs/protocol.md "Indexers"): an indexer device vanishes
 * for good. Once the others' clocks have gone on for long enough, network time passes without
 * it, its place is handed to another member's device, Autobase takes the change (the two
 * indexers left are a majority of three), writes are agreed on again, and a newcomer joins.
 * Real nodes in this process on a local testnet; the living nodes' clocks are moved forward.
 *
 * Two of three vanishing is the limit docs/protocol.md states: Autobase takes an indexer
 * change only once a majority of the old indexers agrees on it.
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

describe('an indexer that vanishes', () => {
  it('hands its place on: writes are agreed on again and a newcomer joins', async () => {
    let ahead = 0
    const living = { clock: () => Date.now() + ahead, cycleCheckMs: 200 }
    const anna = await create(undefined, { node: living, network: { timeZone: 'UTC' } })
    const network = anna.net.id
    const boris = await pair(anna, 'Boris', { node: living })
    const vera = await pair(anna, 'Vera')
    const gleb = await pair(anna, 'Gleb', { node: living })
    const writer = (p: Peer) => session(p.node, network).base.localKey
    await eventually(
      () => meta(gleb.node, network),
      (m) => m?.indexers.length === 3,
    )
    expect((await meta(gleb.node, network))!.indexers).toEqual([anna, boris, vera].map(writer))

    // Vera's device is gone for good. The others' apps run on, 50 days later: each appends
    // its cycle op at the boundaries, and Gleb, who holds no place, writes.
    await vera.node.close()
    ahead = 50 * DAY
    await eventually(
      () => meta(anna.node, network),
      (m) => m !== null && m.now >= Date.now() + 40 * DAY,
      60_000,
    )
    await gleb.node.call('profile.set', { network, about: 'still here' })
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
})
