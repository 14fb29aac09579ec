/**
 * `exodus identity phrase` and `exodus identity restore` as docs/cli.md documents them,
 * against a daemon running the real node (offline). Restore reads standard input, so it runs
 * as its own process from the sources, as a person runs it.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { phraseLines, readPhrase } from '../../core/cli/commands/identity.ts'
import { UsageError } from '../../core/cli/commands/spec.ts'
import { startDaemon } from '../../core/daemon/daemon.ts'
import { createNode } from '../../core/node/node.ts'
import { afterTest, tempFolder } from '../support/nodes.ts'
import { runCli, type CliRun } from './helpers.ts'

const ROOT = path.join(import.meta.dirname, '..', '..')
const ZEROS = `${'abandon '.repeat(23)}art`

const exodus = (dir: string, ...argv: string[]) => runCli(['--data', dir, ...argv])

async function realDaemon(): Promise<string> {
  const dir = await tempFolder('cli-identity')
  const daemon = await startDaemon({
    dataDir: dir,
    bootstrap: ['127.0.0.1:9'],
    handleSignals: false,
    print: () => {},
    createNode: (o) => createNode(o),
  })
  afterTest(() => daemon.stop())
  return dir
}

/** `exodus ARGV` as a process of its own (the sources, through tsx), `input` on its stdin. */
function exodusProcess(argv: string[], input: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'core/cli/run.ts'), ...argv],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, out: out.trim(), err: err.trim() }))
    child.stdin.end(input)
  })
}

describe('exodus identity phrase', () => {
  it('shows the words only with --yes, after a warning, in numbered columns', async () => {
    const dir = await realDaemon()
    const refused = await exodus(dir, 'identity', 'phrase')
    expect(refused).toEqual({
      code: 2,
      out: '',
      err:
        'exodus: This shows the 24 words of your recovery phrase. Anyone who sees them can ' +
        'act as you in every network. Make sure nobody else can see your screen, then run ' +
        'again with --yes.\nUsage: exodus [--data DIR] identity phrase --yes [--json]',
    })

    const json = await exodus(dir, 'identity', 'phrase', '--yes', '--json')
    const { words } = JSON.parse(json.out) as { words: string[] }
    expect(words).toHaveLength(24)
    const shown = await exodus(dir, 'identity', 'phrase', '--yes')
    expect(shown.code).toBe(0)
    const [warning, blank, ...lines] = shown.out.split('\n')
    expect(warning).toBe(
      'Anyone with these words can act as you in every network: write them on paper, keep ' +
        'them safe, and never type them into a website or send them to anyone.',
    )
    expect(blank).toBe('')
    expect(lines).toHaveLength(6)
    expect(lines[0]).toMatch(new RegExp(`^ 1\\. ${words[0]} +2\\. ${words[1]} `))
    expect(lines.join(' ').match(/[a-z]+/g)).toEqual(words)

    const identity = JSON.parse((await exodus(dir, 'identity', '--json')).out)
    expect(identity).toEqual({ name: '', publicKey: expect.any(String), phraseWritten: false })
  })

  it('lays 24 words out four to a line, aligned', () => {
    const text = phraseLines(ZEROS.split(' '))
    expect(text.split('\n')[0]).toBe(' 1. abandon   2. abandon   3. abandon   4. abandon')
    expect(text.split('\n')[5]).toBe('21. abandon  22. abandon  23. abandon  24. art')
  })
})

describe('exodus identity restore', () => {
  it('reads the phrase from standard input, says what is wrong, and refuses in a network', async () => {
    const dir = await realDaemon()
    const argv = ['--data', dir, 'identity', 'restore']
    // Written down as `identity phrase` shows it: numbers and columns are fine.
    const restored = await exodusProcess(argv, `${phraseLines(ZEROS.split(' '))}\n`)
    expect(restored).toEqual({
      code: 0,
      out:
        'Restored: this install is now the person of that recovery phrase (identity key ' +
        '9f09521e). To come back to a network you were a member of, join it with an invite ' +
        'from one of its members.',
      err: '',
    })
    const phrase = JSON.parse((await exodus(dir, 'identity', 'phrase', '--yes', '--json')).out)
    expect(phrase.words.join(' ')).toBe(ZEROS)

    expect(await exodusProcess(argv, ZEROS.replace(/art$/, 'arts'))).toEqual({
      code: 1,
      out: '',
      err: 'exodus: Word 24, "arts", is not a word of recovery phrases: check its spelling.',
    })
    expect(await exodusProcess(argv, '')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^exodus: no recovery phrase on standard input/),
    })

    await exodus(dir, 'network', 'create', 'Friends', '--currency', 'EUR')
    const inNetwork = await exodusProcess([...argv, '--json'], ZEROS)
    expect(inNetwork.code).toBe(1)
    expect(JSON.parse(inNetwork.err).error).toMatchObject({
      code: 'restore-in-network',
      message: expect.stringMatching(/^You are a member of Friends on this device\./),
    })
  }, 60_000)
})

describe('readPhrase', () => {
  const input = (chunks: string[], isTTY = false) =>
    Object.assign(Readable.from(chunks), isTTY ? { isTTY: true } : {})

  it('reads a pipe to its end, without a prompt', async () => {
    const prompts: string[] = []
    const text = await readPhrase(input(['abandon ', 'abandon\n', 'art\n']), (t) => prompts.push(t))
    expect(text).toBe('abandon abandon\nart\n')
    expect(prompts).toEqual([])
  })

  it('from a terminal, prompts and stops at the line that completes 24 words', async () => {
    const prompts: string[] = []
    const lines = ZEROS.split(' ').map((w, i) => `${i + 1}. ${w}\n`)
    const text = await readPhrase(input([...lines, 'never read\n'], true), (t) => prompts.push(t))
    expect(text).toBe(lines.join(''))
    expect(prompts).toHaveLength(1)
    expect(prompts[0]).toMatch(/^Type the 24 words of your recovery phrase/)
  })

  it('refuses nothing, and more than a phrase', async () => {
    await expect(readPhrase(input([' \n']), () => {})).rejects.toThrow(UsageError)
    await expect(readPhrase(input(['abandon '.repeat(1_000)]), () => {})).rejects.toThrow(
      /more than a recovery phrase/,
    )
  })
})
