/**
 * Leaving for real (domain.md §9, §12): members' nodes stop replicating to a device that was
 * unlinked or whose member left, and keep refusing it; the unlinked device stops syncing.
 */
import crypto, { type KeyPair } from 'hypercore-crypto'
import HyperDHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import { describe, expect, it } from 'vitest'
import { keys, type Member } from '../../core/ledger/model.ts'
import type { ExodusNode } from '../../core/node/node.ts'
import { writerOf } from '../../core/node/session.ts'
import { create, eventually, pair, startNode, type Peer } from '../support/nodes.ts'

/** Whether `node`'s session of `network` has a connection from the writer `device`. */
function connectedTo(node: ExodusNode, network: string, device: string): boolean {
  const session = node.networks.get(network)
  return [...session.connections].some((c) => writerOf(c.remotePublicKey) === device)
}

/** Whether a swarm with `keyPair` on `topic` gets a connection within a few seconds. */
async function connectsWith(peer: Peer, topic: Buffer, keyPair: KeyPair): Promise<boolean> {
  const dht = new HyperDHT({ bootstrap: peer.t.bootstrap })
  const swarm = new Hyperswarm({ dht, keyPair })
  try {
    let connected = false
    swarm.on('connection', (conn) => {
      connected = true
      conn.on('error', () => {})
    })
    await swarm.join(topic, { server: false, client: true }).flushed()
    const until = Date.now() + 4_000
    while (!connected && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
    return connected
  } finally {
    await swarm.destroy()
    await dht.destroy()
  }
}

describe('replication to devices that are gone', () => {
  it('stops for an unlinked device, which stops syncing, and stays stopped', async () => {
    const anna = await create()
    const boris = await pair(anna, 'Boris')
    const network = anna.net.id
    // Boris's phone: his phrase on a new install, admitted through Anna's invite.
    const { words } = await boris.node.call('identity.phrase', { confirm: true })
    const phone = await startNode(anna.t, 'Boris phone')
    await phone.call('identity.restore', { phrase: words.join(' ') })
    const invite = await anna.node.call('invite.create', { network })
    const joined = await phone.call('network.join', { invite: invite.code })
    expect(joined.network.me).toBe(boris.net.me)
    const phoneKey = phone.networks.get(network).base.localKey
    await eventually(
      () => connectedTo(anna.node, network, phoneKey),
      (c) => c,
    )

    // Once Boris's laptop knows the phone is his, it unlinks it.
    const laptop = boris.node.networks.get(network)
    await eventually(
      () => laptop.read((kv) => kv.get<Member>(keys.member(boris.net.me))),
      (m) => m?.devices.includes(phoneKey) === true,
    )
    await laptop.append({ type: 'device.unlink', device: phoneKey })
    await eventually(
      () => connectedTo(anna.node, network, phoneKey) || connectedTo(boris.node, network, phoneKey),
      (c) => !c,
    )
    // The phone saw it was unlinked and stopped; refused anyway if it came back.
    await eventually(
      () => phone.networks.get(network).swarm,
      (s) => s === null,
    )
    // A misbehaving copy of the phone joins the topic with its key: refused by every member;
    // the same swarm with another key is let in (so the refusal is the blocklist's).
    const gone = phone.networks.get(network).base
    expect(await connectsWith(anna, gone.discoveryKey, gone.localKeyPair)).toBe(false)
    expect(await connectsWith(anna, gone.discoveryKey, crypto.keyPair())).toBe(true)
    const card = await anna.node.call('member.card', { network, member: boris.net.me })
    expect(card.name).toBe('Boris')
  })
})
