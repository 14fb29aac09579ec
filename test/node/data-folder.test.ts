/**
 * A damaged or unreadable data folder gets a clear message and is never overwritten.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { ApiError } from '../../core/api/contract.ts'
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

it.each([
  ['not JSON', '{"version": 1, "identity": '],
  ['the wrong shape', JSON.stringify({ version: 1, identity: { name: 'x' }, networks: 'none' })],
])('refuses a local state file that is %s, and leaves it as it was', async (_what, text) => {
  const dir = await folder()
  await writeFile(join(dir, 'node.json'), text)
  const err = await openError(dir)
  expect(err.code).toBe('data-corrupt')
  expect(err.message).toMatch(/node\.json is damaged .*It was left untouched/)
  expect(await readFile(join(dir, 'node.json'), 'utf8')).toBe(text)
})

it('says so when the local state cannot be read', async () => {
  // A folder where the file should be cannot be read as a file, whoever runs the test.
  const dir = await folder()
  await mkdir(join(dir, 'node.json'))
  const err = await openError(dir)
  expect(err.code).toBe('data-unreadable')
  expect(err.message).toMatch(/Cannot read .*node\.json/)
})
