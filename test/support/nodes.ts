/**
 * Real nodes in the test process over a local HyperDHT testnet on 127.0.0.1, each on its own
 * temporary folder; `cleanup` closes them (and the testnet) after each test.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import createTestnet from 'hyperdht/testnet'
import { afterEach } from 'vitest'
import { ApiError, type NetworkSummary, type Params } from '../../core/api/contract.ts'
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

/** A member of a network: its node (closed after the test) and the network as it sees it. */
export interface Peer {
  node: ExodusNode
  /** The network, as this peer sees it: `net.me` is its member id. */
  net: NetworkSummary
  /** The testnet the peer is on; `pair` starts newcomers there. */
  t: Testnet
}

export interface CreateOptions {
  /** The node's identity name; default 'Anna'. */
  name?: string
  /** Parameters of `network.create`; default a network 'Friends' in EUR. */
  network?: Partial<Params<'network.create'>>
  /** Options of createNode. */
  node?: Partial<NodeOptions>
}

/**
 * A node with one network, which it created: on `t`, or on a testnet of its own. Both are
 * cleaned up after the test.
 */
export async function create(t?: Testnet, options: CreateOptions = {}): Promise<Peer> {
  const net = t ?? (await testnet())
  const node = await startNode(net, options.name ?? 'Anna', options.node)
  const summary = await node.call('network.create', {
    name: 'Friends',
    currency: 'EUR',
    ...options.network,
  })
  return { node, net: summary, t: net }
}

export interface PairOptions {
  /** Options of createNode, when `pair` starts the newcomer. */
  node?: Partial<NodeOptions>
  /** Parameters of the invite `a` creates. */
  invite?: Omit<Params<'invite.create'>, 'network'>
  /** Parameters of the join, besides the invite. */
  join?: Omit<Params<'network.join'>, 'invite'>
}

/**
 * `b` (a node, or the name of one to start on `a`'s testnet) joins `a`'s network with a real
 * invite from `a`, and is a writer of it once this returns.
 */
export async function pair(
  a: Peer,
  b: ExodusNode | string,
  options: PairOptions = {},
): Promise<Peer> {
  const node = typeof b === 'string' ? await startNode(a.t, b, options.node) : b
  const invite = await a.node.call('invite.create', { network: a.net.id, ...options.invite })
  const joined = await node.call('network.join', { ...options.join, invite: invite.code })
  const net = joined.network.sync.writable
    ? joined.network
    : await eventually(
        async () => (await node.call('network.list', {})).find((n) => n.id === a.net.id),
        (n) => n?.sync.writable === true,
      )
  return { node, net: net!, t: a.t }
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
