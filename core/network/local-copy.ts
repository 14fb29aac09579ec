/**
 * What a LedgerBase holds on this device, and the helpers around what it appends and skips.
 */
import type Autobase from 'autobase'
import type Corestore from 'corestore'
import Hypercore from 'hypercore'
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

/**
 * The keys (hex) of the cores Autobase derives from the writers' logs: the system, encryption
 * and view cores it uses now, and the ones it starts a network on before the first indexer
 * exists (keys fixed by the view's name). Rebuilding drops them: see dropDerivedState.
 */
export function derivedCoresOf(base: Autobase<Buffer, unknown>): Set<string> {
  const cores = new Set<string>()
  for (const v of base.views()) cores.add(Buffer.from(v.key).toString('hex'))
  // Autobase 7.28 internals (lib/store.js): the genesis cores' manifests.
  const store = (base as unknown as { _viewStore: GenesisKeys })._viewStore
  cores.add(Buffer.from(store.getBootstrapSystemKey()).toString('hex'))
  for (const v of base.views()) {
    if (v.name === '_system') continue
    const { manifest } = store._freshCorePreload([], v.name, null)
    cores.add(Hypercore.key(manifest).toString('hex'))
  }
  return cores
}

interface GenesisKeys {
  getBootstrapSystemKey(): Buffer
  _freshCorePreload(
    manifests: [],
    name: string,
    entropy: null,
  ): { manifest: Parameters<typeof Hypercore.key>[0] }
}

/** Autobase's linearizer records in its writer core (lib/local-state.js, LINEARIZER_PREFIX). */
const LINEARIZER_RANGE = { gte: Buffer.from([1]), lt: Buffer.from([2]) }

interface CoreInternals {
  core: { close(): Promise<void> }
  state: {
    storage: {
      core: unknown
      deleteSessions(): Promise<void>
      write(): { deleteLocalRange(gte: Buffer, lt: Buffer): void; flush(): Promise<void> }
    }
  }
}

/**
 * Drops what Autobase derived from the logs on this device, so that its next open applies
 * every writer's log again from the start, as a device that never opened the network would:
 * every block, batch and record of the cores `derived` (hex keys), and the boot record and
 * linearizer records kept in this device's writer core `localKey`. The writer cores stay as
 * they are. Run it with the network's Autobase closed.
 */
export async function dropDerivedState(
  store: Corestore,
  derived: Iterable<string>,
  localKey: Buffer,
): Promise<void> {
  for (const hex of derived) {
    const session = store.get({ key: Buffer.from(hex, 'hex'), active: false })
    await session.ready()
    const internals = session as unknown as CoreInternals
    const core = internals.core
    const pointer = internals.state.storage.core
    if (session.length > 0) await session.clear(0, session.length)
    // Autobase keeps its unsigned view blocks in named sessions ('batch').
    await internals.state.storage.deleteSessions()
    await session.close()
    // Close the core itself, not only this session: the store would otherwise keep serving
    // its cached state. The next get() opens it anew from storage, where it is gone.
    await core.close()
    await (store as unknown as StoreStorage).storage.deleteCore(pointer)
  }
  const local = store.get({ key: localKey, active: false })
  await local.ready()
  await local.setUserData('autobase/boot', null)
  const tx = (local as unknown as CoreInternals).state.storage.write()
  tx.deleteLocalRange(LINEARIZER_RANGE.gte, LINEARIZER_RANGE.lt)
  await tx.flush()
  await local.close()
}

interface StoreStorage {
  storage: { deleteCore(pointer: unknown): Promise<void> }
}
