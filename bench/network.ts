/**
 * Real networks for the benches: a Corestore in a temporary folder and a LedgerBase on it,
 * with an injected apply; appending a stream of ops the same way for every run.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Corestore from 'corestore'
import crypto from 'hypercore-crypto'
import { LedgerBase, type ApplyOpFn } from '../core/network/ledger-base.ts'
import { Progress } from './report.ts'

/** Concurrent appends per chunk: Autobase takes a chunk in as one batch and applies it. */
export const APPEND_CHUNK = Number(process.env.BENCH_CHUNK ?? 256)

export interface NetworkSpec {
  dir: string
  key: Buffer | null
  encryptionKey: Buffer
  namespace: string
}

export interface OpenNetwork {
  spec: NetworkSpec
  store: Corestore
  base: LedgerBase
  close(): Promise<void>
}

const tempDirs = new Set<string>()

export async function tempDir(label: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `exodus-bench-${label}-`))
  tempDirs.add(dir)
  return dir
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true })
  tempDirs.delete(dir)
}

/** Removes every temporary folder still there (after a crash too). */
export async function removeAllDirs(): Promise<void> {
  await Promise.all([...tempDirs].map(removeDir))
}

export async function dirSize(dir: string): Promise<number> {
  let total = 0
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    // A running node replaces files as it goes (node.json through a temporary file).
    const stat = await fs.stat(path.join(entry.parentPath, entry.name)).catch(() => null)
    total += stat?.size ?? 0
  }
  return total
}

export function newSpec(dir: string): NetworkSpec {
  return {
    dir,
    key: null,
    encryptionKey: crypto.randomBytes(32),
    namespace: 'exodus-bench/' + crypto.randomBytes(8).toString('hex'),
  }
}

/** Opens (or creates, when spec.key is null) the network; ready when it resolves. */
export async function openNetwork(
  spec: NetworkSpec,
  applyOp: ApplyOpFn,
  likelyReads?: (raw: Buffer, author: string) => string[],
): Promise<OpenNetwork> {
  const store = new Corestore(spec.dir)
  const base = new LedgerBase({
    store,
    key: spec.key,
    namespace: spec.namespace,
    encryptionKey: spec.encryptionKey,
    ackInterval: 0,
    applyOp,
    likelyReads,
    onApplyError: (err, op) => console.error(`    apply error at ${op.length}:`, err),
  })
  await base.ready()
  spec.key = base.key
  return {
    spec,
    store,
    base,
    async close() {
      await base.close()
      await store.close()
    },
  }
}

/**
 * Appends every op, `chunk` at a time (concurrent appends, awaited together: Autobase makes
 * them one batch and one apply call), then waits until Autobase has applied them all.
 * Resolves with the elapsed ms.
 */
export async function appendAll(
  base: LedgerBase,
  ops: Buffer[],
  label: string,
  applied: () => number,
  chunkSize = APPEND_CHUNK,
): Promise<number> {
  const progress = new Progress(label, ops.length)
  const start = performance.now()
  for (let i = 0; i < ops.length; i += chunkSize) {
    const chunk = ops.slice(i, i + chunkSize)
    await Promise.all(chunk.map((op) => base.append(op)))
    progress.update(applied())
  }
  await base.update()
  const ms = performance.now() - start
  if (applied() < ops.length) {
    throw new Error(`${label}: only ${applied()} of ${ops.length} ops were applied`)
  }
  return ms
}
