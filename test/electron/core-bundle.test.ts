/**
 * The bundled core process (out/…/core.cjs, as packaged) run by plain Node, since Electron
 * cannot run here: it must load the whole node with its native modules left external, serve
 * the contract over its channel, and close in order, on a local testnet only.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import createTestnet from 'hyperdht/testnet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NetworkSummary, Reply } from '../../core/api/contract.ts'
import { LOCK_FILE } from '../../core/daemon/lock.ts'
import { parseFromCore, type FromCore, type ToCore } from '../../electron/core-channel.ts'
import { tempDir } from '../daemon/helpers.ts'

const run = promisify(execFile)
const ROOT = path.join(import.meta.dirname, '..', '..')

type Testnet = Awaited<ReturnType<typeof createTestnet>>

let outdir: string
let testnet: Testnet

beforeAll(async () => {
  // Inside the repository, so that the external native modules resolve from node_modules.
  outdir = path.join(ROOT, 'out', `test-electron-${process.pid}`)
  await run(process.execPath, [path.join(ROOT, 'scripts', 'build-electron.js'), '--outdir', outdir])
  testnet = await createTestnet(3, { host: '127.0.0.1' })
}, 120_000)

afterAll(async () => {
  await testnet?.destroy()
  fs.rmSync(outdir, { recursive: true, force: true })
})

class CoreChild {
  readonly messages: FromCore[] = []
  private nextId = 1
  readonly exited: Promise<number | null>

  constructor(readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const message = parseFromCore(raw)
      if (!message) throw new Error(`malformed message from the core: ${JSON.stringify(raw)}`)
      this.messages.push(message)
    })
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  }

  send(message: ToCore) {
    this.child.send(message)
  }

  async next<T extends FromCore['type']>(
    type: T,
    match: (m: Extract<FromCore, { type: T }>) => boolean = () => true,
  ): Promise<Extract<FromCore, { type: T }>> {
    const end = Date.now() + 30_000
    while (Date.now() < end) {
      const found = this.messages.find(
        (m): m is Extract<FromCore, { type: T }> =>
          m.type === type && match(m as Extract<FromCore, { type: T }>),
      )
      if (found) return found
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(`no ${type} message; got ${JSON.stringify(this.messages)}`)
  }

  async call(command: string, params: unknown): Promise<Reply> {
    const id = this.nextId++
    this.send({ type: 'call', id, command, params })
    return (await this.next('reply', (m) => m.id === id)).reply
  }
}

describe('the bundled core process', () => {
  it('runs a real node over its channel and closes it in order', async () => {
    const bundle = path.join(outdir, 'core.cjs')
    expect(fs.readFileSync(bundle, 'utf8')).not.toMatch(/require\("\.\.\/core\//)
    const dataDir = await tempDir('exodus-core-bundle-')
    try {
      const core = new CoreChild(
        fork(bundle, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
      )
      // The first message is the start options (under Electron: with the port).
      core.child.send({
        dataDir,
        bootstrap: testnet.bootstrap.map((b) => `${b.host}:${b.port}`),
      })
      // A call made while the node opens waits for it.
      const early = core.call('identity.get', {})
      const failed = await Promise.race([
        core.next('ready').then(() => null),
        core.next('failed').then((m) => m.error),
      ])
      expect(failed).toBeNull()
      expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(true)
      expect(await early).toMatchObject({ ok: true, result: { publicKey: expect.any(String) } })

      expect(await core.call('identity.set', { name: 'Anna' })).toMatchObject({
        ok: true,
        result: { name: 'Anna' },
      })
      const created = await core.call('network.create', { name: 'Friends', currency: 'EUR' })
      expect(created).toMatchObject({ ok: true, result: { name: 'Friends', currency: 'EUR' } })
      const list = await core.call('network.list', {})
      expect(list.ok && (list.result as NetworkSummary[]).map((n) => n.name)).toEqual(['Friends'])
      expect(await core.call('network.create', { name: '' })).toMatchObject({
        ok: false,
        error: { code: 'invalid-params' },
      })
      expect(core.messages.some((m) => m.type === 'event')).toBe(true)

      core.send({ type: 'close' })
      await core.next('closed')
      expect(await core.exited).toBe(0)
      expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false)
      expect(fs.readFileSync(path.join(dataDir, 'exodus.log'), 'utf8')).toMatch(
        /desktop core closed/,
      )
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }, 90_000)
})
