/**
 * `exodus export`, `exodus forget` and `exodus data remove` as docs/cli.md documents them,
 * against a daemon running the real node on a local testnet.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { startDaemon } from '../../core/daemon/daemon.ts'
import { createNode } from '../../core/node/node.ts'
import {
  afterTest,
  bootstrapOf,
  eventually,
  startNode,
  tempFolder,
  testnet,
} from '../support/nodes.ts'
import { runCli } from './helpers.ts'

const run = promisify(execFile)
const exodus = (dir: string, ...argv: string[]) => runCli(['--data', dir, ...argv])

/** A daemon in this process running the real node on a new folder and local testnet. */
async function realDaemon() {
  const t = await testnet()
  const dir = await tempFolder('cli')
  const daemon = await startDaemon({
    dataDir: dir,
    bootstrap: bootstrapOf(t),
    handleSignals: false,
    print: () => {},
    createNode: (o) => createNode(o),
  })
  afterTest(() => daemon.stop())
  return { t, dir }
}

describe('exodus export, forget and data remove', () => {
  it('exports to a file, and deletes only with --yes', async () => {
    const { dir } = await realDaemon()
    expect(
      (await exodus(dir, 'network', 'create', 'Friends', '--currency', 'EUR', '--me', 'Anna')).code,
    ).toBe(0)
    await exodus(dir, 'status', 'orange', '500')

    const file = path.join(dir, 'history.csv')
    const exported = await exodus(dir, 'export', '--format', 'csv', '--out', file)
    expect(exported).toMatchObject({ code: 0, out: `Wrote 0 pledges to ${file}.` })
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toMatch(/^id,kind,state,from,/)
    const json = await exodus(dir, 'export', '--mine')
    expect(JSON.parse(json.out)).toMatchObject({ network: { name: 'Friends' }, pledges: [] })
    expect((await exodus(dir, 'export', '--format', 'xml')).code).toBe(2)

    const refused = await exodus(dir, 'forget')
    expect(refused.code).toBe(2)
    expect(refused.err).toContain("This deletes this device's copy of Friends")
    expect(refused.err).toContain('Run again with --yes to confirm.')
    expect(JSON.parse((await exodus(dir, 'networks', '--json')).out)).toHaveLength(1)
    expect(await exodus(dir, 'forget', '--yes')).toMatchObject({
      code: 0,
      out: "Deleted this device's copy of Friends.",
    })
    expect(JSON.parse((await exodus(dir, 'networks', '--json')).out)).toEqual([])

    const before = JSON.parse((await exodus(dir, 'identity', '--json')).out)
    expect((await exodus(dir, 'data', 'remove')).code).toBe(2)
    const removed = await exodus(dir, 'data', 'remove', '--yes', '--json')
    expect(removed.code).toBe(0)
    expect(JSON.parse(removed.out).removed).toEqual([
      path.join(dir, 'store'),
      path.join(dir, 'node.json'),
    ])
    const after = JSON.parse((await exodus(dir, 'identity', '--json')).out)
    expect(after.publicKey).not.toBe(before.publicKey)
  })
})

describe('output through a pipe', () => {
  it('exodus export writes all of a large export before it exits', async () => {
    const { t, dir } = await realDaemon()
    await exodus(dir, 'network', 'create', 'Friends', '--currency', 'EUR', '--me', 'Anna')
    await exodus(dir, 'status', 'orange', '5000')
    const boris = await startNode(t, 'Boris')
    const invite = JSON.parse((await exodus(dir, 'invite', 'create', '--json')).out)
    const { network } = await boris.call('network.join', { invite: invite.code })
    await eventually(
      () => boris.call('member.card', { network: network.id, member: 'Anna' }),
      (c) => c.status === 'orange',
    )
    for (let i = 0; i < 150; i++)
      await boris.call('obligation.create', {
        network: network.id,
        to: 'Anna',
        amount: 100 + i,
        note: `help number ${i} for the month`,
      })
    await eventually(
      async () => JSON.parse((await exodus(dir, 'export', '--json')).out).rows as number,
      (rows) => rows === 150,
    )
    // A separate process, its stdout a pipe: what a shell redirect or `| jq` gets. Not
    // spawnSync: the daemon it asks runs in this process.
    const bin = path.resolve(import.meta.dirname, '../../bin/exodus.js')
    const r = await run(process.execPath, [bin, '--data', dir, 'export', '--json'], {
      maxBuffer: 64 * 1024 * 1024,
    })
    expect(r.stdout.length).toBeGreaterThan(64 * 1024)
    expect(JSON.parse(r.stdout).rows).toBe(150)
  }, 60_000)
})
