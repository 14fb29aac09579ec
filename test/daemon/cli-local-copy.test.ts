/**
 * `exodus export`, `exodus forget` and `exodus data remove` as docs/cli.md documents them,
 * against a daemon running the real node on a local testnet.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { startDaemon } from '../../core/daemon/daemon.ts'
import { createNode } from '../../core/node/node.ts'
import { afterTest, bootstrapOf, tempFolder, testnet } from '../support/nodes.ts'
import { runCli } from './helpers.ts'

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
