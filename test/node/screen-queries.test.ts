/**
 * The queries each screen calls instead of the whole network's state: they answer what the
 * screen shows, with the names of the members they mention, and agree with `state`.
 */
import { describe, expect, it } from 'vitest'
import { personCard } from '../../core/ledger/cards.ts'
import { keys, type NetworkMeta } from '../../core/ledger/model.ts'
import { create, eventually, startNode } from '../support/nodes.ts'

describe('queries sized to a screen', () => {
  it('answer what each screen shows, with the names of the members they mention', async () => {
    const { node: anna, net, t } = await create()
    const boris = await startNode(t, 'Boris')
    const vera = await startNode(t, 'Vera')
    const network = net.id
    await anna.call('status.set', { network, status: 'orange', amount: 50_000 })
    const forAnna = await anna.call('invite.create', { network, for: 'Anna' })
    expect(forAnna).toMatchObject({ for: net.me, forName: 'Anna' })
    await boris.call('network.join', { invite: forAnna.code, name: 'Boris' })
    const forVera = await anna.call('invite.create', { network })
    expect(forVera).toMatchObject({ for: null, forName: null })
    await vera.call('network.join', { invite: forVera.code, name: 'Vera' })
    const { me: borisId } = (await boris.call('network.list', {}))[0]!
    const { me: veraId } = (await vera.call('network.list', {}))[0]!

    // Boris intends 75 to Anna; Vera gives her 50, Anna confirms, and Vera leaves.
    for (const n of [boris, vera])
      await eventually(
        () => n.call('member.card', { network, member: net.me }),
        (c) => c.status === 'orange',
      )
    await boris.call('intention.create', { network, to: net.me, amount: 7_500 })
    const given = (await vera.call('obligation.create', { network, to: net.me, amount: 5_000 }))
      .pledge!
    await vera.call('obligation.fulfil', { network, pledge: given.id })
    await eventually(
      () => anna.call('organizer', { network }),
      (o) => o.organizer.toConfirm.length === 1,
    )
    await anna.call('obligation.confirm', { network, pledge: given.id })
    await eventually(
      () => vera.call('organizer', { network }),
      (o) => o.organizer.fulfilled.length === 1,
    )
    await vera.call('network.leave', { network })

    // The organizer names everyone its lists mention, and says who left.
    const org = await eventually(
      () => anna.call('organizer', { network }),
      (o) => o.left.length === 1 && o.organizer.promisesToMe.length === 1,
    )
    expect(org.me).toBe(net.me)
    expect(org.organizer.fulfilled.map((p) => p.from)).toEqual([veraId])
    expect(org.names).toEqual({ [net.me]: 'Anna', [borisId]: 'Boris', [veraId]: 'Vera' })
    expect(org.left).toEqual([veraId])

    // People: every card and my relations, as the whole state has them.
    const state = await anna.call('state', { network })
    const members = await anna.call('members', { network })
    expect(members).toEqual({
      me: net.me,
      members: state.members.map(personCard),
      relations: state.relations,
    })
    expect(members.relations.supporters).toContain(borisId)

    // A member's page, for Boris: her card, her relations, what is between them, and names.
    await eventually(
      () => boris.call('member.card', { network, member: net.me }),
      (c) => c.left === false && c.supporters.length === 2,
    )
    const page = await boris.call('member.page', { network, member: net.me })
    expect(page.card.name).toBe('Anna')
    expect(page.relations).toEqual(
      await boris.call('member.relations', { network, member: net.me }),
    )
    expect(page.relations.supporters.sort()).toEqual([borisId, veraId].sort())
    expect(page.pledges.map((p) => [p.from, p.to, p.amount])).toEqual([[borisId, net.me, 7_500]])
    expect(page.names).toEqual({ [net.me]: 'Anna', [borisId]: 'Boris', [veraId]: 'Vera' })
    expect(page.left).toEqual([veraId])
    // On my own page, nothing is between me and myself.
    const own = await boris.call('member.page', { network, member: borisId })
    expect(own.pledges).toEqual([])
    expect(own.relations.supporting).toEqual([net.me])

    // Who asks for help, for the invites' picker; and an invite for Anna names her.
    expect((await boris.call('members.inNeed', { network })).map((c) => c.name)).toEqual(['Anna'])
    expect(
      (await anna.call('invite.list', { network })).map((i) => [i.id, i.forName]).sort(),
    ).toEqual(
      [
        [forAnna.id, 'Anna'],
        [forVera.id, null],
      ].sort(),
    )
  })

  it('solve the clearing preview once per change to what it could take', async () => {
    const { node: anna, net, t } = await create()
    const network = net.id
    const n = anna.networks.get(network)
    const solved = () =>
      n.read(async (kv) => n.solvedClearing(kv, (await kv.get<NetworkMeta>(keys.meta))!))
    await anna.call('status.set', { network, status: 'orange', amount: 50_000 })
    const first = await solved()
    expect(await solved()).toBe(first)
    // A change clearing does not read keeps it; an obligation does not.
    await anna.call('profile.set', { network, about: 'Saving for a bike' })
    expect(await solved()).toBe(first)
    const boris = await startNode(t, 'Boris')
    const invite = await anna.call('invite.create', { network })
    await boris.call('network.join', { invite: invite.code, name: 'Boris' })
    await eventually(
      () => boris.call('member.card', { network, member: net.me }),
      (c) => c.status === 'orange',
    )
    await boris.call('obligation.create', { network, to: net.me, amount: 1_000 })
    const owed = await eventually(
      () => anna.call('organizer', { network }),
      (o) => o.organizer.promisesToMe.length === 1,
    )
    const second = await solved()
    expect(second).not.toBe(first)
    expect(second.taken.input).toEqual([])
    expect(owed.organizer.promisesToMe[0]!.kind).toBe('obligation')
  })
})
