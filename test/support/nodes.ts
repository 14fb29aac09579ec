/**
 * Real nodes in the test process over a local HyperDHT testnet on 127.0.0.1, each on its own
 * temporary folder; `cleanup` closes them (and the testnet) after each test.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import createTestnet from 'hyperdht/testnet'
import { afterEach } from 'vitest'
import { ApiError } from '../../core/api/contract.ts'
import { createNode, type ExodusNode, type NodeOptions } from '../../core/node/node.ts'

export type Testnet = Awaited<ReturnType<typeof createTestnet>>

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!()
})

/** Runs `fn` after the test, before what was registered earlier (last in, first out). */
export function afterTest(fn: () => Promise<void>): void {
  cleanup.push(fn)
}

export async function testnet(): Promise<Testnet> {
  const t = await createTestnet(3, { host: '127.0.0.1' })
  cleanup.push(() => t.destroy())
  return t
}

export function bootstrapOf(t: Testnet): string[] {
  return t.bootstrap.map((b) => `${b.host}:${b.port}`)
}

export async function tempFolder(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `exodus-node-${name}-`))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** A node named `name` on the testnet; options as createNode's (defaults: the real ones). */
export async function startNode(
  t: Testnet,
  name: string,
  opts: Partial<NodeOptions> = {},
): Promise<ExodusNode> {
  const n = await createNode({
    dataDir: await tempFolder(name),
    bootstrap: bootstrapOf(t),
    ...opts,
  })
  cleanup.push(() => n.close())
  await n.call('identity.set', { name })
  return n
}

/** `newcomer` joins `network` with a fresh invite from `member` (who must be online). */
export async function admit(
  member: ExodusNode,
  newcomer: ExodusNode,
  network: string,
): Promise<void> {
  const invite = await member.call('invite.create', { network })
  await newcomer.call('network.join', { invite: invite.code })
}

/** Polls `read` until `check` passes (peers sync asynchronously). */
export async function eventually<T>(
  read: () => Promise<T> | T,
  check: (v: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const until = Date.now() + ms
  while (true) {
    const last = await read()
    if (check(last)) return last
    if (Date.now() > until)
      throw new Error(`condition not met in ${ms} ms; last value: ${JSON.stringify(last)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export async function errorOf(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('expected an error')
}
