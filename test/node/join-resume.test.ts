/**
 * A join whose catching-up outlasts the call (a big network) completes in the background,
 * and after a restart too: the newcomer becomes a member without asking again.
 */
import { describe, expect, it } from 'vitest'
import { createNode } from '../../core/node/node.ts'
import {
  afterTest,
  bootstrapOf,
  create,
  errorOf,
  eventually,
  tempFolder,
} from '../support/nodes.ts'

describe('a join that outlasts its call', () => {
  it('completes after the app restarts', async () => {
    const { node: anna, net, t } = await create()
    const invite = await anna.call('invite.create', { network: net.id })

    const dir = await tempFolder('boris')
    // No time at all to sync once admitted: the call gives up as on a network of 50k ops.
    const first = await createNode({ dataDir: dir, bootstrap: bootstrapOf(t), syncTimeoutMs: 0 })
    await first.call('identity.set', { name: 'Boris' })
    const err = await errorOf(first.call('network.join', { invite: invite.code }))
    expect(err.code).toBe('join-not-synced')
    await first.close()

    const again = await createNode({ dataDir: dir, bootstrap: bootstrapOf(t) })
    afterTest(() => again.close())
    const seen = await eventually(
      () => anna.call('state', { network: net.id }),
      (s) => s.members.some((m) => m.name === 'Boris'),
    )
    expect(seen.members.map((m) => m.name)).toEqual(['Anna', 'Boris'])
    const list = await again.call('network.list', {})
    expect(list[0]).toMatchObject({ id: net.id, joined: true })
  })
})
