/**
 * One suite for every transport of the API contract (as automerge-repo's
 * runStorageAdapterTests is for its storage adapters): given a factory that puts a transport in
 * front of a real node, it checks that calls through it behave as calls to the node itself.
 * test/api/transports.test.ts runs it for each transport.
 */
import { describe, expect, it } from 'vitest'
import { parseCommand, type Command, type Reply } from '../../core/api/contract.ts'
import type { ExodusNode } from '../../core/node/node.ts'
import { create, errorOf, type Peer } from './nodes.ts'

/** A call through the transport, answered as the contract's Reply whatever the wire says. */
export type Call = (command: string, params?: unknown) => Promise<Reply>

export interface Transport {
  call: Call
  /**
   * Where the transport lets only its owner in (a token, the app's window): a call from
   * someone else, and the error code it is refused with.
   */
  stranger?: { call: Call; code: string }
}

/** Puts the transport in front of `peer.node`; what it opens is closed after the test. */
export type TransportFactory = (peer: Peer) => Promise<Transport>

/**
 * A reply as every transport must keep it: the result, or the error's code and message (what
 * else an error carries, its parameters for the UI's wording, the CLI's client drops).
 */
function kept(reply: Reply): Reply {
  return reply.ok
    ? reply
    : { ok: false, error: { code: reply.error.code, message: reply.error.message } }
}

/** The reply an error thrown by the node makes: what every transport must pass on. */
async function nodeError(p: Promise<unknown>): Promise<Reply> {
  return { ok: false, error: (await errorOf(p)).toValue() }
}

/** What crosses a wire is JSON: the node's own result, as it reads once sent. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown

function invalidParams(command: Command, params: unknown): Reply {
  const parsed = parseCommand(command, params)
  if (parsed.ok) throw new Error(`${command}: these parameters are valid`)
  return { ok: false, error: parsed.error.toValue() }
}

const monthly = (node: ExodusNode, peer: Peer) =>
  node.call('member.card', { network: peer.net.id, member: peer.net.me }).then((c) => c.monthly)

export interface SuiteOptions {
  /** Whether the transport lets in only its owner (Transport.stranger): a token, a window. */
  guarded?: boolean
  /**
   * Whether it passes on only an error's code and message (the CLI's client), not what else
   * the error carries (its parameters, for the UI's wording).
   */
  codeAndMessageOnly?: boolean
}

export function runApiTransportTests(
  name: string,
  factory: TransportFactory,
  options: SuiteOptions = {},
): void {
  describe(`the API through ${name}`, () => {
    const error = (reply: Reply) => (options.codeAndMessageOnly ? kept(reply) : reply)
    const setUp = async () => {
      const peer = await create()
      return { peer, node: peer.node, transport: await factory(peer) }
    }

    it("answers a query with the node's own result", async () => {
      const { peer, node, transport } = await setUp()
      const params = { network: peer.net.id, member: peer.net.me }
      expect(await transport.call('member.card', params)).toEqual({
        ok: true,
        result: asJson(await node.call('member.card', params)),
      })
      expect(await transport.call('identity.get', {})).toEqual({
        ok: true,
        result: asJson(await node.call('identity.get', {})),
      })
    })

    it("carries out a command: its effect is the node's", async () => {
      const { peer, node, transport } = await setUp()
      const reply = await transport.call('status.set', {
        network: peer.net.id,
        status: 'orange',
        amount: 42_000,
      })
      expect(reply).toMatchObject({ ok: true, result: {} })
      expect(await monthly(node, peer)).toBe(42_000)
    })

    it('refuses invalid parameters with the code and message of the contract', async () => {
      const { peer, node, transport } = await setUp()
      const params = { network: peer.net.id, status: 'orange', amount: -5 }
      expect(error(await transport.call('status.set', params))).toEqual(
        error(invalidParams('status.set', params)),
      )
      expect(error(await transport.call('identity.set', { name: '' }))).toEqual(
        error(invalidParams('identity.set', { name: '' })),
      )
      expect(await monthly(node, peer)).toBe(0)
      expect((await node.call('identity.get', {})).name).toBe('Anna')
    })

    it('refuses a command the contract does not have', async () => {
      const { transport } = await setUp()
      const reply = await transport.call('network.destroy', { network: 'Friends' })
      expect(reply).toMatchObject({ ok: false, error: { code: 'unknown-command' } })
      if (!reply.ok) expect(reply.error.message).toMatch(/network\.destroy/)
    })

    it("passes on the node's errors with their code and message", async () => {
      const { node, transport } = await setUp()
      const params = { network: 'Strangers' }
      const expected = await nodeError(node.call('member.card', { ...params, member: 'Anna' }))
      expect(expected).toMatchObject({ ok: false, error: { code: 'unknown-network' } })
      expect(error(await transport.call('member.card', { ...params, member: 'Anna' }))).toEqual(
        error(expected),
      )
      expect(error(await transport.call('invite.create', params))).toEqual(
        error(await nodeError(node.call('invite.create', params))),
      )
    })

    if (!options.guarded) return
    it('lets in only its owner', async () => {
      const { peer, node, transport } = await setUp()
      expect(transport.stranger).toBeDefined()
      const { call, code } = transport.stranger!
      expect(await call('identity.get', {})).toMatchObject({ ok: false, error: { code } })
      const set = await call('status.set', { network: peer.net.id, status: 'orange', amount: 1 })
      expect(set).toMatchObject({ ok: false, error: { code } })
      expect(await monthly(node, peer)).toBe(0)
    })
  })
}
