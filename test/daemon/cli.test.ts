/**
 * The `exodus` CLI end to end over the real transport: argv → HTTP → output and exit code.
 * The node is the in-test FakeNode (transports only; real-node tests come with core/node).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startDaemon, type Daemon, type NodeFactoryOptions } from '../../core/daemon/daemon.ts'
import { writeDaemonInfo } from '../../core/daemon/info.ts'
import { ANNA, FakeNode, ME, summary } from './fake-node.ts'
import { runCli, tempDir } from './helpers.ts'

const exodus = runCli

describe('exodus CLI against a running daemon', () => {
  let dir: string
  let node: FakeNode
  let daemon: Daemon
  const run = (...argv: string[]) => exodus(['--data', dir, ...argv])

  beforeEach(async () => {
    dir = await tempDir('exodus-cli-')
    node = new FakeNode()
    daemon = await startDaemon({
      dataDir: dir,
      handleSignals: false,
      print: () => {},
      createNode: async () => node,
    })
  })
  afterEach(async () => {
    await daemon.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('networks --json prints the contract result as is', async () => {
    const r = await run('networks', '--json')
    expect(r).toMatchObject({ code: 0, err: '' })
    expect(JSON.parse(r.out)).toEqual(node.networks)
  })

  it('networks prints a table for people', async () => {
    const r = await run('networks')
    expect(r.code).toBe(0)
    expect(r.out.split('\n')[0]).toMatch(/^NAME\s+ID\s+CURRENCY/)
    expect(r.out).toMatch(/Friends\s+cccccccc\s+EUR\s+2025-01\s+2\s+never\s+yes/)
  })

  it('converts typed amounts to minor units with the network decimals, and names members', async () => {
    const r = await run('intention', 'create', 'Anna', '75.50', '--note', 'rent')
    expect(r.code).toBe(0)
    expect(node.calls.find((c) => c.command === 'intention.create')?.params).toEqual({
      network: node.networks[0]!.id,
      to: 'Anna',
      amount: 7550,
      note: 'rent',
    })
    expect(r.out).toBe(
      'Intention ❤️ recorded.\naaaaaaaaaaaa-op0001  intention active  75.50 EUR  Me → Anna  "rent"',
    )
    const json = await run('intention', 'create', 'Anna', '75', '--json')
    expect(JSON.parse(json.out)).toMatchObject({ op: 'op0001', pledge: { amount: 7500, to: ANNA } })
  })

  it('refuses amounts the currency cannot hold, with the usage', async () => {
    const r = await run('intention', 'create', 'Anna', '75.555')
    expect(r.code).toBe(2)
    expect(r.err).toBe(
      'exodus: "75.555" is not an amount in EUR: write a number greater than 0 with at most 2 decimals, e.g. 75 or 75.50\n' +
        'Usage: exodus [--data DIR] intention create MEMBER AMOUNT [--note TEXT] [--network NET] [--json]',
    )
    expect(node.calls.map((c) => c.command)).toEqual(['network.list'])
  })

  it('status takes orange AMOUNT and red AMOUNT DAYS', async () => {
    expect((await run('status', 'orange', '500')).out).toBe(
      'You are orange 🔆: asking for 500 EUR a month.',
    )
    expect((await run('status', 'red', '1200.5', '10')).code).toBe(0)
    const sent = node.calls.filter((c) => c.command === 'status.set').map((c) => c.params)
    expect(sent).toEqual([
      { network: node.networks[0]!.id, status: 'orange', amount: 50000 },
      { network: node.networks[0]!.id, status: 'red', amount: 120050, days: 10 },
    ])
    const bad = await run('status', 'red', '5')
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/^exodus: write: status green, status orange AMOUNT/)
  })

  it('shows a node error on one line of stderr and exits 1', async () => {
    const r = await run('obligation', 'confirm', 'xyz-123')
    expect(r).toEqual({
      code: 1,
      out: '',
      err: 'exodus: Only the recipient may confirm an obligation.',
    })
    const json = await run('obligation', 'confirm', 'xyz-123', '--json')
    expect(json.code).toBe(1)
    expect(JSON.parse(json.err)).toEqual({
      error: { code: 'not-allowed', message: 'Only the recipient may confirm an obligation.' },
    })
  })

  it('shows a member card from its display lines', async () => {
    const r = await run('card', 'Anna')
    expect(r.code).toBe(0)
    expect(r.out).toContain('Anna (bbbbbbbb) 🔆 orange')
    expect(r.out).toContain('1 👥→👤 (75 ❤️ / 500 🙏)')
    expect(r.out).toContain('Supported by: Me')
  })

  it('picks the network with --network when the node has several, and says so otherwise', async () => {
    node.networks.push({ ...summary('e'.repeat(64), 'Family', 0), me: ME })
    const ambiguous = await run('status', 'green')
    expect(ambiguous.code).toBe(1)
    expect(ambiguous.err).toBe(
      'exodus: This node is in 2 networks (Friends (cccccccc), Family (eeeeeeee)): choose one with --network NAME',
    )
    expect((await run('--network', 'family', 'status', 'orange', '30')).code).toBe(0)
    expect((await run('status', 'orange', '30', '--network', 'eee')).code).toBe(0)
    const sent = node.calls.filter((c) => c.command === 'status.set').map((c) => c.params)
    expect(sent).toEqual([
      { network: 'e'.repeat(64), status: 'orange', amount: 30 }, // 0 decimals
      { network: 'e'.repeat(64), status: 'orange', amount: 30 },
    ])
    const unknown = await run('--network', 'Work', 'state')
    expect(unknown.err).toMatch(/No network of this node matches "Work"/)
  })

  it('creates a network with its options', async () => {
    const r = await run(
      'network',
      'create',
      'Garden club',
      '--currency',
      'hours',
      '--decimals',
      '0',
      '--tz',
      'Europe/Berlin',
      '--me',
      'Anna',
    )
    expect(r.code).toBe(0)
    expect(node.calls.at(-1)).toEqual({
      command: 'network.create',
      params: {
        name: 'Garden club',
        currency: 'hours',
        decimals: 0,
        timeZone: 'Europe/Berlin',
        memberName: 'Anna',
      },
    })
    expect(r.out).toMatch(/^Created network Garden club \(dddddddd\) in hours/)
    const missing = await run('network', 'create', 'X')
    expect(missing.code).toBe(2)
    expect(missing.err).toMatch(/--currency/)
  })

  it('reads the logs through the daemon', async () => {
    const r = await run('logs', '-n', '5')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/INFO {2}listening port=\d+$/)
  })

  it('parses payment details with a default marker', async () => {
    const r = await run('payment', 'set', 'IBAN=DE89 3704', 'PayPal=anna@example.org*')
    // The fake node does not know payment.set: the error comes back, the params went out.
    expect(r.code).toBe(1)
    expect(node.calls.at(-1)?.params).toEqual({
      network: node.networks[0]!.id,
      details: [
        { label: 'IBAN', value: 'DE89 3704', isDefault: false },
        { label: 'PayPal', value: 'anna@example.org', isDefault: true },
      ],
    })
    const bad = await run('payment', 'set', 'IBAN')
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/is not LABEL=VALUE/)
  })
})

describe('exodus CLI without a daemon', () => {
  let dir: string
  beforeEach(async () => {
    dir = await tempDir('exodus-cli-')
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  const missing = (d: string) =>
    `exodus: No Exodus node is running for ${d}. Start one with: exodus daemon --data ${d}`

  it('says no node is running when daemon.json is missing', async () => {
    const r = await exodus(['--data', dir, 'networks'])
    expect(r).toEqual({ code: 1, out: '', err: missing(dir) })
  })

  it('says no node is running when daemon.json is left over from a dead node', async () => {
    writeDaemonInfo(dir, {
      pid: 1,
      port: 9, // discard port: nothing listens there on loopback
      token: 'f'.repeat(64),
      url: '',
      dataDir: dir,
      startedAt: 0,
      clockOffsetMs: 0,
    })
    const r = await exodus(['--data', dir, 'state'])
    expect(r).toEqual({ code: 1, out: '', err: missing(dir) })
  })

  it('shows the log file directly', async () => {
    fs.writeFileSync(path.join(dir, 'exodus.log'), 'one\ntwo\nthree\n')
    const r = await exodus(['--data', dir, 'logs', '--lines', '2'])
    expect(r).toEqual({ code: 0, out: 'two\nthree', err: '' })
  })

  it('prints help, and usage errors exit 2 with the usage of the command', async () => {
    const help = await exodus(['--help'])
    expect(help.code).toBe(0)
    expect(help.out).toMatch(/intention create MEMBER AMOUNT/)
    expect(help.out).toMatch(/obligation forgive PLEDGE/)
    const sub = await exodus(['invite', 'create', '--help'])
    expect(sub.out).toMatch(/^Usage: exodus \[--data DIR\] invite create \[--for MEMBER\]/)
    const unknown = await exodus(['--data', dir, 'frobnicate'])
    expect(unknown).toMatchObject({
      code: 2,
      err: expect.stringMatching(/unknown command "frobnicate"/),
    })
    const wrongSub = await exodus(['--data', dir, 'intention', 'eat'])
    expect(wrongSub.err).toMatch(/Did you mean: intention create, intention change/)
    const badOption = await exodus(['--data', dir, 'networks', '--currency', 'EUR'])
    expect(badOption.code).toBe(2)
    expect(badOption.err).toMatch(/^exodus: exodus networks has no option --currency\nUsage: /)
    const extra = await exodus(['--data', dir, 'card', 'Anna', 'Boris'])
    expect(extra.err).toMatch(/unexpected "Boris"/)
    const missingArg = await exodus(['--data', dir, 'intention', 'create', 'Anna'])
    expect(missingArg.err).toMatch(/^exodus: missing AMOUNT/)
  })
})

describe('exodus daemon', () => {
  let dir: string
  beforeEach(async () => {
    dir = await tempDir('exodus-cli-')
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  const runDaemon = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    let factory: NodeFactoryOptions | null = null
    const r = await exodus(['--data', dir, 'daemon', ...argv], {
      env,
      handleSignals: false,
      createNode: async (options) => {
        factory = options
        return new FakeNode()
      },
      onDaemon: (d) => void d.stop(),
    })
    return { ...r, factory: factory as NodeFactoryOptions | null }
  }

  it('passes --clock-offset and --bootstrap to the node, and prints the URL', async () => {
    const r = await runDaemon([
      '--clock-offset',
      '-2h',
      '--bootstrap',
      '127.0.0.1:4000,127.0.0.1:4001',
    ])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/Open in your browser: http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}/)
    expect(r.factory!.bootstrap).toEqual(['127.0.0.1:4000', '127.0.0.1:4001'])
    expect(Math.abs(r.factory!.clock() - (Date.now() - 7_200_000))).toBeLessThan(1000)
  })

  it('reads EXODUS_CLOCK_OFFSET and EXODUS_BOOTSTRAP; flags win', async () => {
    const env = { EXODUS_CLOCK_OFFSET: '+35d', EXODUS_BOOTSTRAP: 'localhost:5000' }
    const fromEnv = await runDaemon([], env)
    expect(fromEnv.factory!.bootstrap).toEqual(['localhost:5000'])
    expect(fromEnv.factory!.clock() - Date.now()).toBeGreaterThan(35 * 86_400_000 - 1000)
    const flag = await runDaemon(['--clock-offset=3600000'], env)
    expect(Math.round((flag.factory!.clock() - Date.now()) / 1000)).toBe(3600)
  })

  it('refuses a bad clock offset before starting anything', async () => {
    const r = await runDaemon(['--clock-offset', 'tomorrow'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/^exodus: "tomorrow" is not a duration/)
    expect(r.factory).toBeNull()
  })

  it('refuses to run twice on one folder, naming the first pid', async () => {
    const first = await startDaemon({
      dataDir: dir,
      handleSignals: false,
      print: () => {},
      createNode: async () => new FakeNode(),
    })
    try {
      const r = await runDaemon([])
      expect(r.code).toBe(1)
      expect(r.err).toBe(
        `exodus: Another Exodus node (pid ${process.pid}) is already using ${path.resolve(dir)}. ` +
          'Stop it first, or use another --data folder.',
      )
    } finally {
      await first.stop()
    }
  })
})

describe('bin/exodus.js', () => {
  it('runs the built JavaScript, which imports no TypeScript source', async () => {
    const built = path.resolve(import.meta.dirname, '../../out/cli')
    for (const file of fs.readdirSync(built))
      expect(fs.readFileSync(path.join(built, file), 'utf8')).not.toMatch(
        /(from|import\()\s*['"][^'"]+\.tsx?['"]/,
      )
    const dir = await tempDir('exodus-bin-')
    try {
      const bin = path.resolve(import.meta.dirname, '../../bin/exodus.js')
      // A loader hook would be needed to run any .ts file: without tsx, only built code runs.
      const r = spawnSync(process.execPath, [bin, '--data', dir, 'networks'], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      })
      expect(r.status).toBe(1)
      expect(r.stderr.trim()).toBe(
        `exodus: No Exodus node is running for ${dir}. Start one with: exodus daemon --data ${dir}`,
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
