/**
 * The network key's checks: a network's data decodes only under its key, and Autobase keeps
 * the key a device first opened a network with.
 */
import Autobase from 'autobase'
import type Corestore from 'corestore'

export class WrongNetworkKeyError extends Error {
  readonly code = 'WRONG_NETWORK_KEY'

  constructor(
    networkKey: Uint8Array,
    /** 'stored-key-differs': this device already holds the network under another key (only a
     *  fresh copy can switch keys); 'undecryptable': the network's data does not decrypt. */
    readonly reason: 'stored-key-differs' | 'undecryptable',
  ) {
    super(`wrong network key for network ${shortKey(networkKey)}`)
    this.name = 'WrongNetworkKeyError'
  }
}

export function shortKey(key: Uint8Array): string {
  return Buffer.from(key).toString('hex').slice(0, 8)
}

/**
 * Throws WrongNetworkKeyError when `base` uses another key than `key`: Autobase keeps the key
 * it was first opened with in local user data and silently uses that one from then on,
 * whatever key is passed.
 */
export function checkStoredKey(base: Autobase<Buffer, unknown>, key: Buffer): void {
  const inUse = base.encryptionKey
  if (inUse === null || !inUse.equals(key)) {
    throw new WrongNetworkKeyError(base.key, 'stored-key-differs')
  }
}

/**
 * Checks the encryption key against the network's first block, which decodes as an Autobase
 * message only under the right key: true when verified, false when that block is not here
 * (with `wait`, not within `timeout`); throws WrongNetworkKeyError when it does not decrypt.
 * The probe session is in `probes` while it is open, for the owner to close on shutdown.
 */
export async function checkFirstBlock(
  store: Corestore,
  base: Autobase<Buffer, unknown>,
  probes: Set<{ close(): Promise<void> }>,
  closing: () => boolean,
  opts: { wait: boolean; timeout?: number },
): Promise<boolean> {
  const { wait, timeout = 0 } = opts
  const core = store.get({
    key: base.key,
    active: false,
    encryption: base.getWriterEncryption(),
  })
  probes.add(core)
  try {
    await core.ready()
    if (!wait && !(await core.has(0))) return false
    const decodes = await Autobase.isAutobase(core, { wait, timeout })
    if (!decodes) throw new WrongNetworkKeyError(base.key, 'undecryptable')
    return true
  } catch (err) {
    if (err instanceof WrongNetworkKeyError) throw err
    // Timed out, or closed while waiting: not verified, not disproved.
    if (isCode(err, 'REQUEST_TIMEOUT') || isCode(err, 'SESSION_CLOSED') || closing()) {
      return false
    }
    throw err
  } finally {
    probes.delete(core)
    await core.close()
  }
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code
}
