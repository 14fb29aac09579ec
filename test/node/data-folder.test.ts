/**
 * A damaged or unreadable data folder gets a clear message and is never overwritten; the
 * folder and its secrets are private whatever modes they had; a lost node.json or a copied
 * store is refused with what to do, and nothing on disk is changed; so is a folder of an
 * older test build (node.json version 1), or of a newer app.
 */
import { createHash } from 'node:crypto'
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { ApiError } from '../../core/api/contract.ts'
import { statusOf } from '../../core/errors.ts'
import { identityKeyPair } from '../../core/identity/member-key.ts'
import { identitySeed } from '../../core/identity/phrase.ts'
import { createNode } from '../../core/node/node.ts'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

async function folder() {
  const dir = await mkdtemp(join(tmpdir(), 'exodus-data-'))
  dirs.push(dir)
  return dir
}

async function openError(dir: string): Promise<ApiError> {
  try {
    const node = await createNode({ dataDir: dir, bootstrap: ['127.0.0.1:9'] })
    await node.close()
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('expected the node to refuse the folder')
}

/** BIP39's phrase of 32 zero bytes, and the identity node.json keeps for it. */
const PHRASE = `${'abandon '.repeat(23)}art`
const IDENTITY = {
  name: 'Anna',
  phrase: PHRASE,
  publicKey: identityKeyPair(identitySeed(PHRASE)).publicKey.toString('hex'),
}

it.each([
  ['not JSON', '{"version": 2, "identity": '],
  ['the wrong shape', JSON.stringify({ version: 2, identity: { name: 'x' }, networks: 'none' })],
])('refuses a local state file that is %s, and leaves it as it was', async (_what, text) => {
  const dir = await folder()
  await writeFile(join(dir, 'node.json'), text)
  const err = await openError(dir)
  expect(err.code).toBe('data-corrupt')
  expect(err.message).toMatch(/node\.json is damaged .*It was left untouched/)
  expect(await readFile(join(dir, 'node.json'), 'utf8')).toBe(text)
})

it.each([
  ['a phrase that is not one', { ...IDENTITY, phrase: PHRASE.replace('art', 'abandon') }, 'phrase'],
  ['a key that is not its phrase’s', { ...IDENTITY, publicKey: 'ab'.repeat(32) }, 'publicKey'],
])('refuses an identity with %s, and leaves the file as it was', async (_what, identity, field) => {
  const dir = await folder()
  const text = JSON.stringify({ version: 2, identity, networks: [] })
  await writeFile(join(dir, 'node.json'), text)
  const err = await openError(dir)
  expect(err.code).toBe('data-corrupt')
  expect(err.params.field).toBe(`identity.${field}`)
  expect(await readFile(join(dir, 'node.json'), 'utf8')).toBe(text)
})

it('refuses a folder of an older test build (version 1) or a newer app, leaving it as it was', async () => {
  const dir = await folder()
  const v1 = JSON.stringify({ version: 1, identity: { name: 'Anna', publicKey: 'ab'.repeat(32) } })
  await writeFile(join(dir, 'node.json'), v1)
  const old = await openError(dir)
  expect(old.code).toBe('data-old-version')
  expect(statusOf(old.code)).toBe(500)
  expect(old.message).toBe(
    `The data folder ${dir} was created by an older test build of Exodus Circles (its ` +
      'node.json is version 1; this version reads 2) and cannot be opened. Nothing was ' +
      'changed. Start afresh: stop the app, move the folder away or delete it, and start ' +
      'again (its networks and identity cannot be carried over).',
  )
  expect(await readFile(join(dir, 'node.json'), 'utf8')).toBe(v1)
  expect(await readdir(dir)).toEqual(['node.json'])

  await writeFile(join(dir, 'node.json'), JSON.stringify({ version: 3, identity: {} }))
  const newer = await openError(dir)
  expect([newer.code, newer.variant]).toEqual(['data-old-version', 'newer'])
  expect(newer.message).toMatch(/written by a newer version .* Update the app to open it\.$/)
})

it('says so when the local state cannot be read', async () => {
  // A folder where the file should be cannot be read as a file, whoever runs the test.
  const dir = await folder()
  await mkdir(join(dir, 'node.json'))
  const err = await openError(dir)
  expect(err.code).toBe('data-unreadable')
  expect(err.message).toMatch(/Cannot read .*node\.json/)
})

const bootstrap = ['127.0.0.1:9']

/** Every entry under `dir`: its mode and, for files, a hash of its content. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name)
    const mode = ((await stat(path)).mode & 0o777).toString(8)
    out[relative(dir, path)] = entry.isFile()
      ? `${mode} ${createHash('sha256')
          .update(await readFile(path))
          .digest('hex')}`
      : `${mode} dir`
  }
  return out
}

async function modeOf(path: string): Promise<string> {
  return ((await stat(path)).mode & 0o777).toString(8)
}

/** Modes of the store's entries, grouped: what is not 0700 (folders) or 0600 (files). */
async function loosePartsOfStore(dir: string): Promise<string[]> {
  const store = join(dir, 'store')
  const loose = (await modeOf(store)) === '700' ? [] : [`store ${await modeOf(store)}`]
  for (const entry of await readdir(store, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name)
    const want = entry.isDirectory() ? '700' : '600'
    const mode = await modeOf(path)
    if (mode !== want) loose.push(`${relative(dir, path)} ${mode}`)
  }
  return loose
}

/** A node on `dir` with one network, closed again; the network's id. */
async function usedFolder(dir: string): Promise<{ network: string; publicKey: string }> {
  const node = await createNode({ dataDir: dir, bootstrap })
  const net = await node.call('network.create', { name: 'Friends', currency: 'EUR' })
  const { publicKey } = node.state.state.identity
  await node.close()
  return { network: net.id, publicKey }
}

it('makes an existing loose folder, its node.json and its store private', async () => {
  const dir = await folder()
  await chmod(dir, 0o755)
  const { publicKey } = IDENTITY
  const state = { version: 2, identity: IDENTITY, networks: [] }
  await writeFile(join(dir, 'node.json'), JSON.stringify(state), { mode: 0o644 })
  await chmod(join(dir, 'node.json'), 0o644) // whatever the umask
  expect([await modeOf(dir), await modeOf(join(dir, 'node.json'))]).toEqual(['755', '644'])

  const node = await createNode({ dataDir: dir, bootstrap })
  expect(node.state.state.identity.publicKey).toBe(publicKey) // the file was used, not replaced
  expect(await modeOf(dir)).toBe('700')
  expect(await modeOf(join(dir, 'node.json'))).toBe('600')
  expect(await readdir(join(dir, 'store'))).toContain('CORESTORE')
  expect(await loosePartsOfStore(dir)).toEqual([])
  await node.call('network.create', { name: 'Friends', currency: 'EUR' })
  await node.close()
  // What the store wrote since (its own files, with the process umask) stays behind them.
  expect([await modeOf(dir), await modeOf(join(dir, 'store'))]).toEqual(['700', '700'])

  // A store loosened meanwhile (restored from a backup, chmod -R) is made private again.
  await chmod(dir, 0o755)
  await chmod(join(dir, 'node.json'), 0o644)
  for (const path of Object.keys(await snapshot(join(dir, 'store')))) {
    const full = join(dir, 'store', path)
    await chmod(full, (await stat(full)).isDirectory() ? 0o755 : 0o644)
  }
  await chmod(join(dir, 'store'), 0o755)
  expect((await loosePartsOfStore(dir)).length).toBeGreaterThan(2)
  const loose = (await loosePartsOfStore(dir)).map((entry) => entry.split(' ')[0])
  const again = await createNode({ dataDir: dir, bootstrap })
  expect(await modeOf(dir)).toBe('700')
  expect(await modeOf(join(dir, 'node.json'))).toBe('600')
  // (The store may write new files as it opens: their modes are the host's umask's, see
  // data-folder-host.test.ts.)
  const stillLoose = (await loosePartsOfStore(dir)).filter((e) => loose.includes(e.split(' ')[0]))
  expect(stillLoose).toEqual([])
  await again.close()
})

it('creates a fresh folder private', async () => {
  const dir = join(await folder(), 'fresh', 'data')
  const node = await createNode({ dataDir: dir, bootstrap })
  expect(await modeOf(dir)).toBe('700')
  expect(await modeOf(join(dir, 'node.json'))).toBe('600')
  expect(await readdir(join(dir, 'store'))).toContain('db')
  expect(await loosePartsOfStore(dir)).toEqual([])
  await node.close()
})

it('refuses a folder whose node.json was deleted next to its store, and changes nothing', async () => {
  const dir = await folder()
  await usedFolder(dir)
  await unlink(join(dir, 'node.json'))
  const before = await snapshot(dir)
  const err = await openError(dir)
  expect(err.code).toBe('data-incomplete')
  expect(statusOf(err.code)).toBe(500)
  expect(err.message).toContain(`${join(dir, 'node.json')} is missing but the store`)
  expect(err.message).toMatch(/Restore node\.json from a backup, or move the store away/)
  expect(await snapshot(dir)).toEqual(before)
})

it('still starts afresh in a folder whose store is an empty folder', async () => {
  const dir = await folder()
  await mkdir(join(dir, 'store'))
  const node = await createNode({ dataDir: dir, bootstrap })
  await node.close()
  expect(await readdir(dir)).toContain('node.json')
})

it.each([
  ['a plain copy', { recursive: true }],
  ['a copy keeping times (as cp -a, tar)', { recursive: true, preserveTimestamps: true }],
])(
  'refuses %s of a stopped folder with the steps, and opens it once they are followed',
  async (_what, how) => {
    const original = await folder()
    const { network, publicKey } = await usedFolder(original)
    const copy = join(await folder(), 'copy')
    await cp(original, copy, how)

    const before = await snapshot(copy)
    const err = await openError(copy)
    expect(err.code).toBe('data-copied')
    const file = join(copy, 'store', 'CORESTORE')
    expect(err.params).toEqual({ store: join(copy, 'store'), file })
    expect(err.message).toContain(`delete ${file} and start again`)
    expect(await snapshot(copy)).toEqual(before)

    // The steps: this copy replaces the original, so its device file goes.
    await unlink(file)
    const node = await createNode({ dataDir: copy, bootstrap })
    expect(node.state.state.identity.publicKey).toBe(publicKey)
    expect((await node.call('network.list', {})).map((n) => n.id)).toEqual([network])
    await node.close()
    // …and it stays its own: it opens again without a word.
    const again = await createNode({ dataDir: copy, bootstrap })
    await again.close()
  },
)
