/**
 * The main process's connection to the core service, over a real MessagePort (structured
 * clone, as between Electron's processes), with the transports' fake node: calls and replies,
 * events, a refused start, and the ordered close that quitting waits for.
 */
import fs from 'node:fs'
import path from 'node:path'
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { LOCK_FILE, acquireLock } from '../../core/daemon/lock.ts'
import type { Channel } from '../../electron/core-channel.ts'
import { CoreConnection } from '../../electron/core-connection.ts'
import { serveCore, type CoreService } from '../../electron/core-service.ts'
import { FakeNode, summary } from '../daemon/fake-node.ts'
import { tempDir } from '../daemon/helpers.ts'

function channelOf<T>(port: MessagePort): Channel<T> {
  return {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', listener),
  }
}

const cleanup: Array<() => void | Promise<void>> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!()
})

async function connect(
  options: { node?: FakeNode; dataDir?: string; closeNode?: () => Promise<void> } = {},
) {
  const dataDir = options.dataDir ?? (await tempDir('exodus-core-'))
  cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  const node = options.node ?? new FakeNode()
  if (options.closeNode) node.close = options.closeNode
  const { port1, port2 } = new MessageChannel()
  cleanup.push(() => {
    port1.close()
    port2.close()
  })
  const service: CoreService = serveCore({ dataDir }, channelOf(port2), {
    createNode: async () => node,
    closeTimeoutMs: 500,
  })
  const core = new CoreConnection(channelOf(port1))
  return { core, service, node, dataDir }
}

describe('the core channel', () => {
  it('opens the node on its data folder under the lock and answers calls', async () => {
    const { core, dataDir } = await connect()
    expect(await core.started).toEqual({ ok: true, dataDir })
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(true)
    expect(await core.call('network.list', {})).toEqual({
      ok: true,
      result: [summary('c'.repeat(64), 'Friends')],
    })
    const logs = await core.call('logs', { lines: 5 })
    expect(logs.ok && (logs.result as string[]).join('\n')).toMatch(/desktop core ready/)
    await core.close(2_000)
  })

  it("answers a bad call with the contract's error, and a node error as the node said", async () => {
    const { core } = await connect()
    expect(await core.call('nope' as 'logs', {})).toEqual({
      ok: false,
      error: { code: 'unknown-command', message: 'unknown command "nope"' },
    })
    const bad = await core.call('status.set', { network: 'x', status: 'purple' } as never)
    expect(!bad.ok && bad.error.code).toBe('invalid-params')
    const refused = await core.call('obligation.confirm', { network: 'c'.repeat(64), pledge: 'p' })
    expect(refused).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only the recipient may confirm an obligation.' },
    })
    await core.close(2_000)
  })

  it('answers calls made before the node is open, once it is', async () => {
    const { core } = await connect()
    const early = core.call('identity.get', {})
    expect(await early).toMatchObject({ ok: true, result: { name: 'Me' } })
    await core.close(2_000)
  })

  it('forwards node events', async () => {
    const { core, node } = await connect()
    await core.started
    const events: unknown[] = []
    core.onEvent((e) => events.push(e))
    const sync = {
      peers: 2,
      lastSync: 5,
      ownEntriesShared: true,
      stateComplete: true,
      writable: true,
    }
    node.emitEvent({ type: 'sync', network: 'n', sync })
    node.emitEvent({ type: 'state', network: 'n' })
    await until(() => events.length === 2)
    expect(events).toEqual([
      { type: 'sync', network: 'n', sync },
      { type: 'state', network: 'n' },
    ])
    await core.close(2_000)
  })

  it('closes in order: the node, then the log and the lock, then says so', async () => {
    const order: string[] = []
    const { core, service, dataDir } = await connect({
      closeNode: async () => {
        order.push(`node closes; lock held: ${fs.existsSync(path.join(dataDir, LOCK_FILE))}`)
      },
    })
    await core.started
    service.closed.then(() => order.push('service closed'))
    expect(await core.close(2_000)).toBe('closed')
    expect(order).toEqual(['node closes; lock held: true', 'service closed'])
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false)
    // After the close every call gets an error reply instead of hanging.
    expect(await core.call('identity.get', {})).toMatchObject({
      ok: false,
      error: { code: 'closed' },
    })
  })

  it('gives up waiting for a node that will not close, and still frees the folder', async () => {
    const { core, dataDir } = await connect({ closeNode: () => new Promise(() => {}) })
    await core.started
    expect(await core.close(5_000)).toBe('closed') // the service's own 500 ms limit
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false)
  })

  it("reports a data folder another node holds, with the lock's own explanation", async () => {
    const dataDir = await tempDir('exodus-core-held-')
    const held = acquireLock(dataDir)
    cleanup.push(() => held.release())
    const { core } = await connect({ dataDir })
    const start = await core.started
    expect(start.ok).toBe(false)
    expect(!start.ok && start.error.code).toBe('data-folder-in-use')
    expect(!start.ok && start.error.message).toMatch(/already using .*another --data folder/)
    const call = await core.call('identity.get', {})
    expect(!call.ok && call.error.code).toBe('data-folder-in-use')
    // The other node's lock is untouched.
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(true)
  })

  it('answers waiting calls when the core process is lost', async () => {
    const { port1 } = new MessageChannel()
    cleanup.push(() => port1.close())
    const core = new CoreConnection(channelOf(port1))
    const waiting = core.call('identity.get', {})
    core.lost({ code: 'core-stopped', message: 'The node stopped.' })
    expect(await waiting).toEqual({
      ok: false,
      error: { code: 'core-stopped', message: 'The node stopped.' },
    })
    expect(await core.started).toEqual({
      ok: false,
      error: { code: 'core-stopped', message: 'The node stopped.' },
    })
    expect(await core.close(10)).toBe('closed')
  })

  it('reports malformed messages from the core instead of acting on them', async () => {
    const { port1, port2 } = new MessageChannel()
    cleanup.push(() => {
      port1.close()
      port2.close()
    })
    const malformed: unknown[] = []
    const core = new CoreConnection(channelOf(port1), (m) => malformed.push(m))
    const waiting = core.call('identity.get', {})
    port2.postMessage({ type: 'reply', id: 1, reply: { ok: 'yes' } })
    port2.postMessage({ type: 'event', event: { type: 'hack' } })
    await until(() => malformed.length === 2)
    port2.postMessage({ type: 'reply', id: 1, reply: { ok: true, result: 1 } })
    expect(await waiting).toEqual({ ok: true, result: 1 })
  })
})

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met')
    await new Promise((r) => setTimeout(r, 10))
  }
}
