/**
 * A host (the daemon, the desktop's core process) keeps everything it writes in the data
 * folder private, also what the store creates while it runs and when it closes. In a file of
 * its own: the host sets this test process's umask.
 */
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { closeHost, noHostParts, openHost, type RunningNode } from '../../core/daemon/host.ts'
import { createNode } from '../../core/node/node.ts'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

/** Entries of `dir` that others may read: not 0700 (folders) or 0600 (files). */
async function looseEntries(dir: string): Promise<string[]> {
  const loose: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name)
    const mode = (await stat(path)).mode & 0o777
    if (mode !== (entry.isDirectory() ? 0o700 : 0o600)) {
      loose.push(`${relative(dir, path)} ${mode.toString(8)}`)
    }
  }
  return loose
}

async function runHost(dataDir: string, work: (node: RunningNode) => Promise<void>) {
  const parts = noHostParts()
  const host = await openHost(
    {
      dataDir,
      createNode: (o) => createNode({ ...o, bootstrap: ['127.0.0.1:9'] }),
      bootstrap: undefined,
      clock: Date.now,
      log: { level: 'info' },
      starting: { message: 'starting', fields: {} },
      errors: {
        folder: (code) => new Error(code),
        node: (message) => new Error(message),
      },
    },
    parts,
  )
  await work(host.node)
  await closeHost(parts, {
    onError: (err) => {
      throw err
    },
  })
}

it('leaves no file of the folder readable by others, whatever the folder was', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'exodus-host-'))
  dirs.push(dir)
  await chmod(dir, 0o755)
  process.umask(0o022) // the usual one, whatever ran before in this process
  await runHost(dir, async (node) => {
    await node.call('network.create', { name: 'Friends', currency: 'EUR' })
  })
  // Opened again: the store replays its log into new files as it opens and as it closes.
  await runHost(dir, async (node) => {
    await node.call('network.create', { name: 'Neighbours', currency: 'EUR' })
  })
  expect(((await stat(dir)).mode & 0o777).toString(8)).toBe('700')
  const names = await readdir(join(dir, 'store', 'db'))
  expect(names.some((n) => n.endsWith('.sst'))).toBe(true)
  expect(await looseEntries(dir)).toEqual([])
})
