/**
 * The clearing end to end (issue 13): three real nodes in this process on a local testnet, with
 * clocks the test moves. In November a cycle of consented obligations is cleared when the month
 * start passes (network time: more than half of the active members' clocks past it), and all
 * three nodes show the same reductions. In December Vera withdraws her consent before the
 * window closes: she is left out, and only what Anna and Boris owe each other is cleared.
 */
import { describe, expect, it } from 'vitest'
import type { ClearingResultsState } from '../../core/api/contract.ts'
import { keys, type NetworkMeta, type Pledge } from '../../core/ledger/model.ts'
import type { ExodusNode } from '../../core/node/node.ts'
import { create, eventually, pair, type Peer } from '../support/nodes.ts'

const DAY = 86_400_000

function session(node: ExodusNode, network: string) {
  return node.networks.get(network)
}

/** What a node holds of the clearing: every obligation as it stands, and the runs. */
async function clearingView(p: Peer, network: string) {
  return session(p.node, network).read(async (kv) => {
    const pledges = (await kv.list<Pledge>(keys.pledges))
      .map((e) => e.value)
      .filter((x) => x.kind === 'obligation')
      .map((x) => ({
        id: x.id,
        state: x.state,
        amount: x.amount,
        cleared: x.cleared ?? 0,
        clearedIn: x.clearedIn ?? null,
      }))
    const runs = (await kv.list('clearing/')).map((e) => e.value)
    const meta = await kv.get<NetworkMeta>(keys.meta)
    return JSON.stringify({ cycle: meta?.cycle, pledges, runs })
  })
}

async function agree(peers: Peer[], network: string, check: (view: string) => boolean) {
  return eventually(
    () => Promise.all(peers.map((p) => clearingView(p, network))),
    (views) => views.every((v) => v === views[0]) && check(views[0]!),
    60_000,
  )
}

describe('clearing between three nodes', () => {
  it('clears a consented cycle at the month start the same on every node; leaves out who withdrew', async () => {
    const started = Date.now()
    let shift = 0
    // 26 November 2030, 12:00 UTC, running on: clearing is open.
    const clock = () => Date.UTC(2030, 10, 26, 12) + (Date.now() - started) + shift
    const timed = { clock, cycleCheckMs: 200 }
    const anna = await create(undefined, { node: timed, network: { timeZone: 'UTC' } })
    const network = anna.net.id
    const boris = await pair(anna, 'Boris', { node: timed })
    const vera = await pair(anna, 'Vera', { node: timed })
    const all = [anna, boris, vera]
    for (const p of all)
      await p.node.call('status.set', { network, status: 'orange', amount: 50_000 })
    for (const p of all) {
      await eventually(
        () => p.node.call('members', { network }),
        (m) => m.members.length === 3 && m.members.every((c) => c.status === 'orange'),
      )
    }
    const owe = async (from: Peer, to: Peer, amount: number) =>
      (await from.node.call('obligation.create', { network, to: to.net.me, amount })).pledge!.id
    const ab = await owe(anna, boris, 3_000)
    const bv = await owe(boris, vera, 2_000)
    const va = await owe(vera, anna, 5_000)
    for (const p of all) await p.node.call('clearing.consent', { network, obligations: 'all' })
    for (const p of all) {
      await eventually(
        () => p.node.call('clearing.preview', { network }),
        (x) => x.members === 3 && x.taking === 3,
      )
    }

    // The month starts on every clock: each node appends its cycle op, and once two of the
    // three clocks are past it, network time is, and the clearing runs.
    shift = 5 * DAY
    const november = await agree(all, network, (v) => v.includes('"cycle":"2030-12"'))
    const state = JSON.parse(november[0]!) as {
      pledges: Array<{ id: string; state: string; amount: number; cleared: number }>
      runs: Array<{ totals: { cleared: number } }>
    }
    const byId = new Map(state.pledges.map((p) => [p.id, p]))
    expect(byId.get(bv)).toMatchObject({ state: 'confirmed', amount: 2_000 })
    expect(byId.get(ab)).toMatchObject({ state: 'open', amount: 1_000, cleared: 2_000 })
    expect(byId.get(va)).toMatchObject({ state: 'open', amount: 3_000, cleared: 2_000 })
    expect(byId.get(`${ab}.c203011`)).toMatchObject({ state: 'confirmed', amount: 2_000 })
    expect(state.runs.map((r) => r.totals.cleared)).toEqual([6_000])
    // Every member reads the same run, and their own part of it.
    const results = await Promise.all(
      all.map((p) => p.node.call('clearing.results', { network }) as Promise<ClearingResultsState>),
    )
    expect(new Set(results.map((r) => JSON.stringify(r.runs))).size).toBe(1)
    expect(results.map((r) => r.mine?.cleared)).toEqual([2_000, 2_000, 2_000])
    expect(results[0]!.mine!.obligations[0]!.chains[0]).toMatchObject({ amount: 2_000, length: 3 })
    const told = await anna.node.call('notifications.list', { network })
    expect(told.map((n) => n.text)).toEqual(
      expect.arrayContaining([
        'Clearing settled 20 EUR of your obligations, and as much of what others owe you',
        'Clearing of 2030-11: 60 EUR of 100 EUR in consented obligations settled (60%)',
      ]),
    )

    // December 26th: Boris owes Anna 10; all consent, then Vera withdraws before the month ends.
    shift = 30 * DAY
    await eventually(
      () => anna.node.call('clearing.preview', { network }),
      (x) => x.cycle === '2030-12' && x.open,
    )
    const ba = await owe(boris, anna, 1_000)
    for (const p of all) await p.node.call('clearing.consent', { network, obligations: 'all' })
    await vera.node.call('clearing.consent', { network, obligations: 'none' })
    // Every node has seen the withdrawal before its clock passes the month start: a consent a
    // node has not seen may be ordered after that node's cycle op, and come too late.
    for (const p of all) {
      await eventually(
        () => p.node.call('clearing.preview', { network }),
        (x) => x.members === 2 && x.taking === 2,
      )
    }
    shift = 36 * DAY
    const december = await agree(all, network, (v) => v.includes('"cycle":"2031-01"'))
    const after = new Map(
      (
        JSON.parse(december[0]!) as {
          pledges: Array<{ id: string; amount: number; state: string }>
        }
      ).pledges.map((p) => [p.id, p]),
    )
    // Anna and Boris: 10 each way is cleared. Vera's 30 to Anna stays as it was.
    expect(after.get(ba)).toMatchObject({ state: 'confirmed', amount: 1_000 })
    expect(after.get(ab)).toMatchObject({ state: 'confirmed', amount: 1_000 })
    expect(after.get(va)).toMatchObject({ state: 'open', amount: 3_000 })
    const latest = await vera.node.call('clearing.results', { network })
    expect(latest.run).toMatchObject({
      cycle: '2030-12',
      members: 2,
      totals: { debt: 2_000, cleared: 2_000 },
    })
    expect(latest.mine).toBeNull()
  }, 240_000)
})
