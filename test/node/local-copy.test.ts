/**
 * What a member does with this device's copy of a network (domain.md §9): export it (JSON and
 * CSV), leave (the node stops syncing once the leave reached a peer) and forget it (the copy,
 * its keys and its bookkeeping are deleted). Real nodes on a local testnet.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import Corestore from 'corestore'
import { describe, expect, it } from 'vitest'
import { createNode } from '../../core/node/node.ts'
import { EXPORT_COLUMNS } from '../../core/ledger/export.ts'
import { bootstrapOf, create, errorOf, eventually, pair } from '../support/nodes.ts'

async function twoMembers() {
  const a = await create(undefined, {
    network: { name: 'Friends & Co', timeZone: 'Europe/Berlin' },
  })
  const { node: anna, net, t } = a
  await anna.call('status.set', { network: net.id, status: 'orange', amount: 50_000 })
  const { node: boris } = await pair(a, 'Boris')
  return { t, anna, boris, net }
}

describe('export', () => {
  it('gives the history and my own promises as JSON and CSV, in the network units', async () => {
    const { anna, boris, net } = await twoMembers()
    await boris.call('intention.create', {
      network: net.id,
      to: 'Anna',
      amount: 7_550,
      note: '=HYPERLINK("http://evil")',
    })
    await boris.call('obligation.create', { network: net.id, to: 'Anna', amount: 2_000 })
    const json = await eventually(
      () => anna.call('export', { network: net.id }),
      (e) => e.rows === 2,
    )
    expect(json.filename).toMatch(/^exodus-Friends-Co-history-\d{4}-\d{2}-\d{2}\.json$/)
    const data = JSON.parse(json.text)
    expect(data.network).toMatchObject({ id: net.id, name: 'Friends & Co', currency: 'EUR' })
    expect(data.pledges[0]).toMatchObject({
      kind: 'intention',
      state: 'active',
      from: 'Boris',
      to: 'Anna',
      toId: net.me,
      amount: '75.50',
      currency: 'EUR',
      collection: 'monthly',
    })
    expect(data.pledges[0].created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)

    const csv = await anna.call('export', { network: net.id, format: 'csv' })
    expect(csv.mimeType).toBe('text/csv')
    const lines = csv.text.trim().split('\n')
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','))
    expect(lines).toHaveLength(3)
    expect(lines[1]).toContain(',75.50,EUR,')
    // A member's note must not become a formula in the reader's spreadsheet.
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`)

    const annasOwn = await anna.call('export', { network: net.id, mine: true })
    expect(JSON.parse(annasOwn.text).pledges).toEqual([])
    const borisOwn = await boris.call('export', { network: net.id, mine: true, format: 'csv' })
    expect(borisOwn.filename).toContain('-my-promises-')
    expect(borisOwn.rows).toBe(2)
  })
})

describe('leaving and forgetting a network', () => {
  it('the leaver stops syncing once the others know; forgetting deletes the copy', async () => {
    const { t, anna, boris, net } = await twoMembers()
    await boris.call('network.leave', { network: net.id })
    await eventually(
      () => anna.call('state', { network: net.id }),
      (s) => s.members.some((m) => m.name === 'Boris' && m.left),
    )
    const left = await eventually(
      () => boris.call('network.list', {}),
      (list) => list[0]?.syncing === false,
    )
    expect(left[0]).toMatchObject({ id: net.id, joined: false, left: true, syncing: false })
    // Anna's next change no longer reaches Boris's copy.
    await anna.call('profile.set', { network: net.id, about: 'after Boris left' })
    await new Promise((r) => setTimeout(r, 1_000))
    const card = await boris.call('member.card', { network: net.id, member: 'Anna' })
    expect(card.about).not.toBe('after Boris left')

    // A restart keeps it that way.
    const dir = boris.dataDir
    await boris.close()
    const again = await createNode({ dataDir: dir, bootstrap: bootstrapOf(t) })
    try {
      expect((await again.call('network.list', {}))[0]).toMatchObject({ syncing: false })
      const gone = await again.call('network.forget', { network: net.id })
      expect(gone).toEqual({ network: net.id, name: 'Friends & Co' })
      expect(await again.call('network.list', {})).toEqual([])
      expect((await errorOf(again.call('state', { network: net.id }))).code).toBe('unknown-network')
    } finally {
      await again.close()
    }
    const saved = JSON.parse(await readFile(join(dir, 'node.json'), 'utf8'))
    expect(saved.networks).toEqual([])
    expect(saved.read[net.id]).toBeUndefined()

    // The network's blocks are gone from the store.
    const store = new Corestore(join(dir, 'store'))
    try {
      const core = store.get({ key: Buffer.from(net.id, 'hex') })
      await core.ready()
      expect(core.length).toBeGreaterThan(0)
      expect(core.contiguousLength).toBe(0)
    } finally {
      await store.close()
    }
  })
})
