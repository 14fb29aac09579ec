/**
 * What the CLI says about a wrong value: in the words of the command line (AMOUNT, --tz,
 * LABEL) and the network's units, never the contract's command and field names or minor units.
 * Against a real node behind a daemon, on a local testnet.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import createTestnet from 'hyperdht/testnet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDaemon, type Daemon } from '../../core/daemon/daemon.ts'
import { createNode } from '../../core/node/node.ts'
import { runCli } from './helpers.ts'

let dir: string
let t: Awaited<ReturnType<typeof createTestnet>>
let daemon: Daemon

const exodus = (...argv: string[]) => runCli(['--data', dir, ...argv])

/** The first line of stderr, when the command failed with `code`. */
async function refusal(code: number, ...argv: string[]): Promise<string> {
  const r = await exodus(...argv)
  expect(r.code, `${argv.join(' ')}: ${r.out}${r.err}`).toBe(code)
  return r.err.split('\n')[0]!
}

beforeAll(async () => {
  t = await createTestnet(3, { host: '127.0.0.1' })
  dir = await mkdtemp(join(tmpdir(), 'exodus-cli-errors-'))
  daemon = await startDaemon({
    dataDir: dir,
    bootstrap: t.bootstrap.map((b) => `${b.host}:${b.port}`),
    handleSignals: false,
    print: () => {},
    createNode: (options) => createNode(options),
  })
  await exodus('network', 'create', 'Friends', '--currency', 'EUR', '--tz', 'UTC', '--me', 'Anna')
  await exodus('network', 'create', 'Lessons', '--currency', 'hours', '--decimals', '0')
})
afterAll(async () => {
  await daemon?.stop()
  await t?.destroy()
  await rm(dir, { recursive: true, force: true })
})

const FRIENDS = ['--network', 'Friends']

describe('amounts', () => {
  it('typed negative or zero: the amount must be more than 0, in the network’s unit', async () => {
    expect(await refusal(2, 'intention', 'create', 'Vera', '-5', ...FRIENDS)).toBe(
      'exodus: "-5" is not an amount in EUR: the amount must be more than 0 EUR',
    )
    const usage = await exodus('obligation', 'create', 'Vera', '-5', ...FRIENDS)
    expect(usage.err.split('\n')[1]).toMatch(/^Usage: exodus \[--data DIR\] obligation create /)
    for (const argv of [
      ['obligation', 'create', 'Vera', '-0.50'],
      ['intention', 'change', 'abc', '-5'],
      ['status', 'orange', '-5'],
      ['status', 'red', '-5', '3'],
      ['intention', 'create', 'Vera', '0'],
      ['intention', 'create', 'Vera', '−5'],
    ])
      expect(await refusal(2, ...argv, ...FRIENDS)).toMatch(
        /^exodus: ".+" is not an amount in EUR: the amount must be more than 0 EUR$/,
      )
    expect(await refusal(2, 'status', 'red', '100', '-3', ...FRIENDS)).toBe(
      'exodus: DAYS must be a whole number from 1 to 31, not "-3"',
    )
  })

  it('above the limit: the limit in the network’s units', async () => {
    for (const argv of [
      ['intention', 'create', 'Vera', '10000000000.01'],
      ['obligation', 'create', 'Vera', '20000000000'],
      ['intention', 'change', 'abc', '99999999999999999999'],
      ['status', 'orange', '10000000001'],
      ['status', 'red', '10000000000.5', '3'],
    ])
      expect(await refusal(2, ...argv, ...FRIENDS)).toMatch(
        /^exodus: "[\d.]+" is not an amount in EUR: the amount must be at most 10,000,000,000 EUR$/,
      )
    expect(await refusal(2, 'status', 'orange', '1000000000001', '--network', 'Lessons')).toBe(
      'exodus: "1000000000001" is not an amount in hours: the amount must be at most 1,000,000,000,000 hours',
    )
    // The limit itself is allowed, by the CLI and by the node.
    expect((await exodus('status', 'orange', '10000000000', ...FRIENDS)).code).toBe(0)
  })

  it('in a refusal of the ledger rules: in the network’s units, not minor units', async () => {
    expect((await exodus('status', 'orange', '600', ...FRIENDS)).code).toBe(0)
    expect(await refusal(1, 'status', 'orange', '600', ...FRIENDS)).toBe(
      'exodus: your monthly amount is already 600 EUR',
    )
    const json = await exodus('status', 'orange', '600', ...FRIENDS, '--json')
    expect(JSON.parse(json.err)).toEqual({
      error: { code: 'rejected', message: 'your monthly amount is already 600 EUR' },
    })
  })
})

describe('other values the contract limits', () => {
  const long = (n: number) => 'x'.repeat(n)

  it('are refused in the words of the command line', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['network', 'create', long(61), '--currency', 'EUR'],
        'NAME must be at most 60 characters (this one has 61)',
      ],
      [['network', 'create', '  ', '--currency', 'EUR'], 'NAME must not be empty'],
      [
        ['network', 'create', 'X', '--currency', 'EUR', '--me', long(61)],
        '--me must be at most 60 characters (this one has 61)',
      ],
      [
        ['network', 'create', 'X', '--currency', 'E1'],
        '--currency must be a currency code such as EUR, or a unit of 1 to 10 letters such as hours, not "E1"',
      ],
      [
        ['network', 'create', 'X', '--currency', 'EUR', '--tz', 'Mars/Olympus'],
        '--tz "Mars/Olympus" is not a known time zone: use one such as Europe/Berlin',
      ],
      [['identity', '--name', ''], '--name must not be empty'],
      [['join', 'x', '--name', long(61)], '--name must be at most 60 characters (this one has 61)'],
      [['join', ' '], 'CODE must not be empty'],
      [
        ['profile', '--about', long(181), ...FRIENDS],
        '--about must be at most 180 characters (this one has 181)',
      ],
      [
        ['profile', '--name', long(61), ...FRIENDS],
        '--name must be at most 60 characters (this one has 61)',
      ],
      [
        ['intention', 'create', 'Vera', '5', '--note', long(141), ...FRIENDS],
        '--note must be at most 140 characters (this one has 141)',
      ],
      [['card', '', ...FRIENDS], 'MEMBER must not be empty'],
      [['obligation', 'confirm', ' ', ...FRIENDS], 'PLEDGE must not be empty'],
      [['invite', 'revoke', '', ...FRIENDS], 'ID must not be empty'],
      [['invite', 'create', '--for', ' ', ...FRIENDS], '--for must not be empty'],
      [
        ['invite', 'create', '--expires', '400d', ...FRIENDS],
        '--expires must be at most 365d (a year)',
      ],
      [
        ['invite', 'create', '--expires', '1m', ...FRIENDS],
        '--expires is too short for anyone to use it: give at least 2m',
      ],
      [
        ['payment', 'set', `${long(41)}=x`, ...FRIENDS],
        'LABEL must be at most 40 characters (this one has 41)',
      ],
      [
        ['payment', 'set', `IBAN=${long(201)}`, ...FRIENDS],
        'VALUE must be at most 200 characters (this one has 201)',
      ],
      [['payment', 'set', ' =x', ...FRIENDS], '" =x" has no label'],
    ]
    const said: string[] = []
    for (const [argv, message] of cases) {
      const line = await refusal(2, ...argv)
      said.push(line)
      expect(line).toBe(`exodus: ${message}`)
    }
    // Nothing names a contract command or field: `network.create: timeZone: …`.
    expect(
      said.filter((l) => /\b[a-z]+\.[a-z]+:|memberName|timeZone|expiresInDays|details\./.test(l)),
    ).toEqual([])
  })
})
