/** startDaemon's process plumbing, with the in-test FakeNode (transports only). */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startDaemon, type Daemon, type NodeFactoryOptions } from '../../core/daemon/daemon.ts'
import { DAEMON_FILE, readDaemonInfo } from '../../core/daemon/info.ts'
import { LOCK_FILE } from '../../core/daemon/lock.ts'
import { FakeNode } from './fake-node.ts'
import { request, tempDir } from './helpers.ts'

describe('startDaemon', () => {
  let dir: string
  let daemons: Daemon[]
  beforeEach(async () => {
    dir = await tempDir()
    daemons = []
  })
  afterEach(async () => {
    for (const d of daemons) await d.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const start = async (extra: { clockOffsetMs?: number; bootstrap?: string[] } = {}) => {
    const node = new FakeNode()
    let factory: NodeFactoryOptions | null = null
    const printed: string[] = []
    const daemon = await startDaemon({
      dataDir: dir,
      ...extra,
      handleSignals: false,
      print: (line) => printed.push(line),
      createNode: async (options) => {
        factory = options
        return node
      },
    })
    daemons.push(daemon)
    return { daemon, node, factory: factory!, printed }
  }

  it('publishes daemon.json (0600) with the printed URL, and serves the API', async () => {
    const { daemon, printed } = await start()
    const info = readDaemonInfo(dir)!
    expect(info).toMatchObject({ pid: process.pid, port: daemon.port, token: daemon.token })
    expect(info.url).toBe(`http://127.0.0.1:${daemon.port}/?token=${daemon.token}`)
    expect(fs.statSync(path.join(dir, DAEMON_FILE)).mode & 0o777).toBe(0o600)
    expect(printed.join('\n')).toContain(info.url)
    const res = await request(daemon.port, {
      method: 'POST',
      path: '/api/identity.get',
      headers: { Authorization: `Bearer ${daemon.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, result: { name: 'Me' } })
  })

  it('gives the node the data folder, bootstrap list, a log and the shifted clock', async () => {
    const offset = 35 * 86_400_000
    const { factory } = await start({ clockOffsetMs: offset, bootstrap: ['127.0.0.1:49737'] })
    expect(factory.dataDir).toBe(path.resolve(dir))
    expect(factory.bootstrap).toEqual(['127.0.0.1:49737'])
    expect(Math.abs(factory.clock() - (Date.now() + offset))).toBeLessThan(1000)
    factory.log.info('hello from the node')
    expect(fs.readFileSync(path.join(dir, 'exodus.log'), 'utf8')).toMatch(
      /\[node\] hello from the node/,
    )
  })

  it('refuses a second daemon on the same folder with a clear message', async () => {
    await start()
    await expect(start()).rejects.toThrow(
      `Another Exodus node (pid ${process.pid}) is already using ${path.resolve(dir)}.`,
    )
  })

  it('answers the logs command from its own log file', async () => {
    const { daemon, node } = await start()
    daemon.log.warn('no peers found', { network: 'Friends' })
    const lines = await daemon.node.call('logs', { lines: 2 })
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/WARN {2}no peers found network=Friends$/)
    expect(node.calls).toEqual([]) // the node was not asked
  })

  it('stops in order: server closed, node closed, daemon.json and lock removed', async () => {
    const { daemon, node } = await start()
    const port = daemon.port
    await daemon.stop()
    await daemon.stopped
    expect(node.closed).toBe(true)
    expect(fs.existsSync(path.join(dir, DAEMON_FILE))).toBe(false)
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false)
    await expect(request(port)).rejects.toThrow(/ECONNREFUSED/)
    expect(fs.readFileSync(path.join(dir, 'exodus.log'), 'utf8')).toMatch(/INFO {2}stopped\n$/)
    // The folder is free again.
    await start()
  })

  it('frees the folder and says why when the node cannot open', async () => {
    await expect(
      startDaemon({
        dataDir: dir,
        handleSignals: false,
        print: () => {},
        createNode: async () => {
          throw new Error('the store is corrupt')
        },
      }),
    ).rejects.toThrow(`The node could not open ${path.resolve(dir)}: the store is corrupt`)
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false)
    expect(fs.readFileSync(path.join(dir, 'exodus.log'), 'utf8')).toMatch(
      /ERROR the node could not open/,
    )
  })

  it('refuses a data path that is a file', async () => {
    const file = path.join(dir, 'file')
    fs.writeFileSync(file, '')
    await expect(
      startDaemon({ dataDir: file, handleSignals: false, createNode: async () => new FakeNode() }),
    ).rejects.toThrow(`${file} is not a folder`)
  })
})
