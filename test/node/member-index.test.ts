/**
 * The node's member index: queries about every member read only the members an update
 * touched, and show what the view holds, also after a full read.
 */
import { describe, expect, it } from 'vitest'
import { memberRecord } from '../../core/ledger/queries.ts'
import type { LedgerBase } from '../../core/network/ledger-base.ts'
import { ViewChanges } from '../../core/network/view-changes.ts'
import { MemberIndex, membersTouched } from '../../core/node/member-index.ts'
import type { ExodusNode } from '../../core/node/node.ts'
import { create, eventually, pair } from '../support/nodes.ts'

type Handles = { networks: Map<string, { members: MemberIndex; base: LedgerBase }> }

/** What the node keeps for a network (internal: what the figures are about). */
function handleOf(node: ExodusNode, network: string) {
  return (node as unknown as Handles).networks.get(network)!
}

describe('member index', () => {
  it('names the members whose records a key belongs to', () => {
    const a = 'a'.repeat(64)
    const b = 'b'.repeat(64)
    expect(
      membersTouched([`member/${a}`, `cin/${b}/x-1`, `cout/${a}/y-2`, 'meta', `in/${b}/z`]),
    ).toEqual(new Set([a, b]))
  })

  it('rereads only the members an update touched, and shows the change', async () => {
    const a = await create()
    const { node: anna, net } = a
    const { node: boris } = await pair(a, 'Boris')
    await pair(a, 'Vera')
    await eventually(
      () => anna.call('state', { network: net.id }),
      (s) => s.members.length === 3,
    )
    const { members: index, base } = handleOf(anna, net.id)
    // While new members become indexers Autobase moves the view, and the index reads it all
    // again; once that settles, my own change rereads me alone.
    const reads: number[] = []
    for (let amount = 30_000; amount < 30_010 && reads.at(-1) !== 1; amount++) {
      await anna.call('state', { network: net.id })
      await anna.call('status.set', { network: net.id, status: 'orange', amount })
      const s = await anna.call('state', { network: net.id })
      expect(s.members.find((m) => m.id === net.me)).toMatchObject({ monthly: amount })
      reads.push(index.lastRead)
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(reads.at(-1)).toBe(1)

    await eventually(
      () => boris.call('member.card', { network: net.id, member: 'Anna' }),
      (c) => c.status === 'orange',
    )
    await boris.call('intention.create', { network: net.id, to: 'Anna', amount: 5_000 })
    const after = await eventually(
      () => anna.call('home', { network: net.id }),
      (h) => h.home.me?.progress.intended === 5_000,
    )
    // Home lists the others asking for help: none for Anna, Anna for Boris.
    expect(after.home.needsHelp).toEqual([])
    expect(after.needsHelpTotal).toBe(0)
    const borisHome = await boris.call('home', { network: net.id })
    expect(borisHome.home.needsHelp.map((c) => c.name)).toEqual(['Anna'])
    expect(borisHome.needsHelpTotal).toBe(1)
    // Home names the people it mentions without listing the whole network.
    expect(after.names[after.home.recent[0]!.actor!]).toBe('Boris')

    // A full read gives what reading each member does.
    const snap = base.snapshot()
    try {
      const full = await new MemberIndex(new ViewChanges()).at(snap)
      const members = await full.members()
      expect(members.map((m) => m.name)).toEqual(['Anna', 'Boris', 'Vera'])
      for (const m of members)
        expect(await full.record(m.id)).toEqual(await memberRecord(snap, m.id))
      expect((await full.record(net.me))!.incoming).toHaveLength(1)
    } finally {
      await snap.close()
    }
  })
})
