/**
 * The identity of an install (domain.md §12): a recovery phrase made at first run, kept in
 * node.json and shown only when asked with confirm; restoring another phrase while the
 * install is in no network; the keys the lead's code derives from it.
 */
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ApiError, parseCommand } from '../../core/api/contract.ts'
import { identityKeyPair, memberKeyPair } from '../../core/identity/member-key.ts'
import { identitySeed, normalisePhrase } from '../../core/identity/phrase.ts'
import { createNode, type ExodusNode } from '../../core/node/node.ts'
import { afterTest, tempFolder } from '../support/nodes.ts'

const bootstrap = ['127.0.0.1:9'] // nothing listens there: these nodes stay offline
const ZEROS = `${'abandon '.repeat(23)}art`

async function open(dir: string): Promise<ExodusNode> {
  const node = await createNode({ dataDir: dir, bootstrap })
  afterTest(() => node.close())
  return node
}

async function refusal(run: () => Promise<unknown>): Promise<ApiError> {
  try {
    await run()
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('expected a refusal')
}

describe('a new install', () => {
  it('has a phrase, kept in its private node.json, and the identity key derived from it', async () => {
    const dir = await tempFolder('identity')
    const node = await open(dir)
    const me = await node.call('identity.get', {})
    expect(me).toEqual({ name: '', publicKey: expect.any(String), phraseWritten: false })
    const { words } = await node.call('identity.phrase', { confirm: true })
    expect(words).toHaveLength(24)
    const phrase = words.join(' ')
    expect(normalisePhrase(phrase)).toBe(phrase)
    const seed = identitySeed(phrase)
    expect(me.publicKey).toBe(identityKeyPair(seed).publicKey.toString('hex'))
    expect(node.state.identitySeed()).toEqual(seed)
    const network = Buffer.alloc(32, 7)
    expect(node.state.memberKeyPair(network)).toEqual(memberKeyPair(seed, network))

    const file = join(dir, 'node.json')
    const saved = JSON.parse(await readFile(file, 'utf8'))
    expect(saved.version).toBe(2)
    expect(saved.identity).toEqual({
      name: '',
      phrase,
      publicKey: me.publicKey,
      phraseWritten: false,
    })
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600)

    // The same person after a restart; written down once, not asked again.
    expect(await node.call('identity.phraseWritten', {})).toMatchObject({ phraseWritten: true })
    await node.close()
    const again = await open(dir)
    expect(await again.call('identity.get', {})).toEqual({ ...me, phraseWritten: true })
    expect((await again.call('identity.phrase', { confirm: true })).words).toEqual(words)
  })

  it('shows the phrase only with confirm: true', () => {
    for (const params of [{}, { confirm: false }, { confirm: 'yes' }]) {
      const parsed = parseCommand('identity.phrase', params)
      expect(parsed.ok || parsed.error.message).toBe(
        'identity.phrase: confirm: confirm: true is required',
      )
    }
    expect(parseCommand('identity.phrase', { confirm: true }).ok).toBe(true)
  })

  it('gets a new phrase when all its data is removed', async () => {
    const node = await open(await tempFolder('identity'))
    const before = await node.call('identity.phrase', { confirm: true })
    await node.call('data.remove', { confirm: true })
    const after = await node.call('identity.phrase', { confirm: true })
    expect(after.words).not.toEqual(before.words)
    expect((await node.call('identity.get', {})).phraseWritten).toBe(false)
  })
})

describe('identity.restore', () => {
  it('takes a phrase however typed, keeps the name, and is the person of that phrase', async () => {
    const dir = await tempFolder('identity')
    const node = await open(dir)
    await node.call('identity.set', { name: 'Anna' })
    const restored = await node.call('identity.restore', {
      phrase: `\n  ${ZEROS.toUpperCase().replace(/ /g, '  ')}\n`,
    })
    const seed = identitySeed(ZEROS)
    expect(restored).toEqual({
      name: 'Anna',
      publicKey: identityKeyPair(seed).publicKey.toString('hex'),
      phraseWritten: true,
    })
    expect((await node.call('identity.phrase', { confirm: true })).words.join(' ')).toBe(ZEROS)
    expect(node.state.identitySeed()).toEqual(seed)
    await node.close()
    const again = await open(dir)
    expect(await again.call('identity.get', {})).toEqual(restored)
    expect(again.state.identitySeed()).toEqual(seed)
  })

  it('says what is wrong with the words, and changes nothing', async () => {
    const node = await open(await tempFolder('identity'))
    const before = await node.call('identity.get', {})
    const wrong = await refusal(() =>
      node.call('identity.restore', { phrase: ZEROS.replace('art', 'arts') }),
    )
    expect([wrong.code, wrong.variant, wrong.params]).toEqual([
      'phrase-invalid',
      'word',
      { position: 24, word: 'arts' },
    ])
    const short = await refusal(() => node.call('identity.restore', { phrase: 'abandon art' }))
    expect([short.variant, short.params.given]).toEqual(['count', 2])
    expect(await node.call('identity.get', {})).toEqual(before)
    expect(parseCommand('identity.restore', { phrase: 'x'.repeat(2_001) }).ok).toBe(false)
  })

  it('is refused while the install is in a network, and allowed once it left', async () => {
    const node = await open(await tempFolder('identity'))
    const net = await node.call('network.create', { name: 'Friends', currency: 'EUR' })
    const before = await node.call('identity.get', {})
    const refused = await refusal(() => node.call('identity.restore', { phrase: ZEROS }))
    expect(refused.code).toBe('restore-in-network')
    expect(refused.message).toBe(
      'You are a member of Friends on this device. Restoring from a recovery phrase replaces ' +
        'who you are here, so this device must be in no network: leave those networks or ' +
        'delete this device’s copy of them first, then restore.',
    )
    expect(await node.call('identity.get', {})).toEqual(before)

    await node.call('network.leave', { network: net.id })
    const restored = await node.call('identity.restore', { phrase: ZEROS })
    expect(restored.publicKey).not.toBe(before.publicKey)
  })
})
