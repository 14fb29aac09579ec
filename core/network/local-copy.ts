/**
 * What a LedgerBase holds on this device, and the helpers around what it appends and skips.
 */
import type Autobase from 'autobase'
import type Corestore from 'corestore'
import type { ReadKV } from '../ledger/kv.ts'
import { keys } from '../ledger/model.ts'
import type { OpRef } from './view-apply.ts'

/**
 * The keys (hex) of every core of the network this device may hold blocks of: the bootstrap,
 * its own writer, the system core, the views and every writer the view (`view`) knows.
 */
export async function coresOf(base: Autobase<Buffer, unknown>, view: ReadKV): Promise<Set<string>> {
  const cores = new Set<string>()
  const add = (key: Uint8Array | null | undefined) => {
    if (key) cores.add(Buffer.from(key).toString('hex'))
  }
  add(base.key)
  add(base.local.key)
  add(base.core.key)
  for (const v of base.views()) add(v.key)
  for (const { key } of await view.list(keys.writers)) {
    add(Buffer.from(key.slice(keys.writers.length), 'hex'))
  }
  return cores
}

/** Deletes every block of the cores `hexKeys` in `store` (their headers stay). */
export async function clearCores(store: Corestore, hexKeys: Iterable<string>): Promise<void> {
  for (const hex of hexKeys) {
    const core = store.get({ key: Buffer.from(hex, 'hex') })
    await core.ready()
    if (core.length > 0) await core.clear(0, core.length)
    await core.close()
  }
}

/** An op as appended: bytes as they are, anything else as JSON. */
export function encodeOp(op: Uint8Array | object): Buffer {
  if (op instanceof Uint8Array) return Buffer.from(op.buffer, op.byteOffset, op.byteLength)
  if (op === null || typeof op !== 'object') {
    // null would be appended as an Autobase ack and never reach the rules.
    throw new TypeError('an op must be bytes or an object')
  }
  return Buffer.from(JSON.stringify(op))
}

export function logApplyError(error: unknown, op: OpRef): void {
  console.error(`op ${op.author.slice(0, 8)}/${op.length} skipped:`, error)
}
