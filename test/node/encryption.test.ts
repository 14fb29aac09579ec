/**
 * Openness inside, invisibility outside: nothing a network holds (its name, members, amounts,
 * notes) is in plaintext in the stored bytes, nor in the bytes a peer without the network
 * key receives when it replicates the network's cores.
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Corestore from 'corestore'
import HyperDHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import { afterEach, expect, it } from 'vitest'
import { create, pair } from '../support/nodes.ts'

const cleanup: Array<() => Promise<unknown>> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!()
})

async function tempDir(name: string) {
  const dir = await mkdtemp(join(tmpdir(), `exodus-enc-${name}-`))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function filesUnder(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(await readFile(join(entry.parentPath, entry.name)))
  }
  return out
}

const SECRETS = [
  'Quixotic Friends',
  'Zelda Marchbanks',
  'Boris Vantongeren',
  'rent for the flat on Quai',
]

function leaks(buffers: Buffer[]): string[] {
  const found = new Set<string>()
  for (const b of buffers) for (const s of SECRETS) if (b.includes(Buffer.from(s))) found.add(s)
  return [...found]
}

it('keeps names, profiles and notes out of stored and replicated bytes', async () => {
  const a = await create(undefined, {
    network: { name: 'Quixotic Friends', memberName: 'Zelda Marchbanks' },
  })
  const { node: anna, net, t: testnet } = a
  await anna.call('status.set', { network: net.id, status: 'orange', amount: 123_456 })
  const { node: boris } = await pair(a, 'Boris', { join: { name: 'Boris Vantongeren' } })
  const annaDir = anna.dataDir
  const borisDir = boris.dataDir
  const spyDir = await tempDir('spy')
  await boris.call('obligation.create', {
    network: net.id,
    to: 'Zelda Marchbanks',
    amount: 4_200,
    note: 'rent for the flat on Quai',
  })

  // A stranger who learnt the network's key (but not its encryption key) replicates it.
  const spyStore = new Corestore(join(spyDir, 'store'))
  cleanup.push(() => spyStore.close())
  const spySwarm = new Hyperswarm({
    dht: new HyperDHT({ bootstrap: testnet.bootstrap, host: '127.0.0.1', firewalled: false }),
  })
  cleanup.push(() => spySwarm.destroy())
  spySwarm.on('connection', (conn) => spyStore.replicate(conn))
  const core = spyStore.get({ key: Buffer.from(net.id, 'hex') })
  await core.ready()
  spySwarm.join(core.discoveryKey!, { server: false, client: true })
  await spySwarm.flush()
  const until = Date.now() + 15_000
  while (core.length < 3 && Date.now() < until) {
    await core.update({ wait: true }).catch(() => {})
    await new Promise((r) => setTimeout(r, 50))
  }
  expect(core.length).toBeGreaterThanOrEqual(3)
  const received: Buffer[] = []
  for (let i = 0; i < core.length; i++) received.push((await core.get(i))!)

  await anna.close()
  await boris.close()
  // The members themselves see everything in the clear...
  expect(received.length).toBeGreaterThan(0)
  // ...but no plaintext is on disk or in what the stranger received.
  expect(leaks(await filesUnder(join(annaDir, 'store')))).toEqual([])
  expect(leaks(await filesUnder(join(borisDir, 'store')))).toEqual([])
  expect(leaks(received)).toEqual([])
  expect(leaks(await filesUnder(join(spyDir, 'store')))).toEqual([])
  // Nor anywhere else in the data folders (local state keeps keys, not ledger contents).
  expect(leaks(await filesUnder(annaDir))).toEqual([])
  // Control: the scan does find plaintext where there is some.
  expect(leaks([Buffer.from('… Zelda Marchbanks …')])).toEqual(['Zelda Marchbanks'])
}, 60_000)
