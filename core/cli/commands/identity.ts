/**
 * The recovery phrase (domain.md §12): `identity phrase` shows it, `identity restore` makes
 * this install the person of one, `identity rekey` changes it (after a device was lost or
 * stolen). The phrase is read from standard input, never from the command line, where it
 * would stay in the shell's history and be seen by other users' process lists.
 */
import type { LinkedDevice, Rekeyed } from '../../api/contract.ts'
import { REKEY_DEVICES_MAX } from '../../ledger/limits.ts'
import { short } from '../output.ts'
import { arg } from './args.ts'
import { UsageError, type CommandSpec } from './spec.ts'

/** More than any way of writing 24 words down: what standard input may hold. */
const INPUT_MAX = 4_096

/** What the input to `identity restore` is read from: standard input, as tests can fake it. */
export interface PhraseInput extends AsyncIterable<Buffer | string> {
  isTTY?: boolean
}

/**
 * The recovery phrase from `input`, as typed (the node normalises and checks it). From a
 * terminal, after a prompt (on `prompt`), up to the line where 24 words have been typed, or
 * an end of input (Ctrl-D); from a pipe or file, everything, up to 4 KiB.
 */
export async function readPhrase(
  input: PhraseInput,
  prompt: (text: string) => void,
): Promise<string> {
  if (input.isTTY) {
    prompt(
      'Type the 24 words of your recovery phrase, with spaces or new lines between them ' +
        '(they show as you type: make sure nobody is watching), then press Enter:\n',
    )
  }
  let text = ''
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
    if (text.length > INPUT_MAX)
      throw new UsageError(
        `standard input holds more than a recovery phrase (over ${INPUT_MAX} characters)`,
      )
    if (input.isTTY && text.endsWith('\n') && words(text) >= 24) break
  }
  if (words(text) === 0)
    throw new UsageError(
      'no recovery phrase on standard input: type it when asked, or pipe it in: ' +
        'exodus identity restore < phrase.txt',
    )
  return text
}

/** Words in `text`, not counting the numbers of a numbered list. */
function words(text: string): number {
  return text.split(/[\s,;]+/).filter((w) => w !== '' && !/^\d+[.)]?$/.test(w)).length
}

/** The words in numbered columns, four to a line, as a person writes them down. */
export function phraseLines(list: string[]): string {
  const width = Math.max(...list.map((w) => w.length))
  const lines: string[] = []
  for (let i = 0; i < list.length; i += 4) {
    const row = list.slice(i, i + 4).map((w, j) => `${String(i + j + 1).padStart(2)}. ${w}`)
    lines.push(
      row
        .map((cell) => cell.padEnd(width + 4))
        .join('  ')
        .trimEnd(),
    )
  }
  return lines.join('\n')
}

/** What `identity link` did, in words. */
export function linkedText(l: LinkedDevice, publicKey: string): string {
  const names = l.networks.map((n) => `${n.name} (${short(n.id)})`).join(', ')
  const lines = [`Linked: this install is now you (identity key ${short(publicKey)}), in ${names}.`]
  if (l.notLinked > 0) {
    const more = l.notLinked === 1 ? '1 more network' : `${l.notLinked} more networks`
    lines.push(
      `${more} of yours could not be linked now: for each, run exodus device link ` +
        '--network NET on your other device, then exodus join CODE here.',
    )
  }
  return lines.join('\n')
}

/** What `identity rekey` did, in words: the new phrase, then each network. */
export function rekeyedText(r: Rekeyed): string {
  const lines = [
    'Your recovery phrase has changed: write these 24 words down now. The old words no ' +
      'longer work in your networks.',
    WARNING,
    '',
    phraseLines(r.words),
    '',
  ]
  for (const n of r.networks) {
    const where = `${n.name} (${short(n.network)})`
    if (!n.rekeyed) {
      lines.push(`${where}: not changed yet (this device cannot write there now); it will be.`)
      continue
    }
    const ids = n.unlinked.map((d) => short(d)).join(', ')
    const unlinked =
      n.unlinked.length === 0 ? '' : `; device${n.unlinked.length > 1 ? 's' : ''} ${ids} unlinked`
    lines.push(`${where}: member key changed${unlinked}.`)
  }
  lines.push('Your other devices take the new words by themselves.')
  return lines.join('\n')
}

const WARNING =
  'Anyone with these words can act as you in every network: write them on paper, keep them ' +
  'safe, and never type them into a website or send them to anyone.'

export const IDENTITY_COMMANDS: CommandSpec[] = [
  {
    name: 'identity phrase',
    options: [['--yes', 'confirm that nobody else can see the screen (required)']],
    summary:
      'Show the 24 words of your recovery phrase: they restore you, with your networks, on ' +
      'another device. Anyone who has them can act as you.',
    group: 'The node',
    async run(ctx) {
      if (ctx.opts.yes !== true)
        throw new UsageError(
          'This shows the 24 words of your recovery phrase. Anyone who sees them can act as ' +
            'you in every network. Make sure nobody else can see your screen, then run again ' +
            'with --yes.',
        )
      const result = await ctx.call('identity.phrase', { confirm: true })
      return { result, human: () => `${WARNING}\n\n${phraseLines(result.words)}` }
    },
  },
  {
    name: 'identity restore',
    summary:
      'Restore your identity from its recovery phrase: this install becomes you again. The ' +
      'words are read from standard input, never from the command line. Only while this ' +
      'install is in no network; joining a network you were a member of then brings your ' +
      'membership back.',
    group: 'The node',
    async run(ctx) {
      const phrase = await readPhrase(process.stdin, (text) => void process.stderr.write(text))
      const result = await ctx.call('identity.restore', { phrase })
      return {
        result,
        human: () =>
          `Restored: this install is now the person of that recovery phrase (identity key ` +
          `${result.publicKey.slice(0, 8)}). To come back to a network you were a member of, ` +
          'join it with an invite from one of its members.',
      }
    },
  },
  {
    name: 'identity rekey',
    options: [
      ['--unlink DEVICE...', 'unlink these devices of yours with it (a lost or stolen one)'],
      ['--yes', 'confirm that nobody else can see the screen (required)'],
    ],
    min: 0,
    max: REKEY_DEVICES_MAX,
    summary:
      'Change your recovery phrase: a new one in every network you are a member of, after a ' +
      'device was lost or stolen. The old phrase no longer works; your other devices take the ' +
      'new one. --unlink unlinks devices (ids or starts of them) in the same change.',
    group: 'The node',
    async run(ctx) {
      const unlink = ctx.opts.unlink === true
      if (unlink && ctx.args.length === 0)
        throw new UsageError('name the devices to unlink after --unlink (ids or starts of them)')
      if (!unlink && ctx.args.length > 0)
        throw new UsageError(
          `unexpected ${JSON.stringify(ctx.args.join(' '))}: name devices after --unlink`,
        )
      if (ctx.opts.yes !== true)
        throw new UsageError(
          'This makes a new recovery phrase and changes your member key in every network you ' +
            'are a member of: the old words stop working, and your other devices take the new ' +
            'ones. It shows the 24 new words to write down. Make sure nobody else can see your ' +
            'screen, then run again with --yes.',
        )
      const result = await ctx.call('identity.rekey', {
        confirm: true,
        ...(unlink ? { unlink: ctx.args } : {}),
      })
      return { result, human: () => rekeyedText(result) }
    },
  },
  {
    name: 'identity link',
    args: 'CODE',
    summary:
      'Make this install one of your devices with a link code from your other device ' +
      '(exodus device link there): it becomes you, in your networks, with the same recovery ' +
      'phrase. Only while this install is in no network.',
    group: 'The node',
    async run(ctx) {
      const result = await ctx.call('identity.link', { code: arg(ctx, 0, 'CODE') })
      const identity = await ctx.call('identity.get', {})
      return { result, human: () => linkedText(result, identity.publicKey) }
    },
  },
]
