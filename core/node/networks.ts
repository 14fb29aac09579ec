/**
 * The networks this node keeps: one NetworkSession each, opened from the bookkeeping file at
 * start, created, joined (see admission.ts), left and forgotten.
 */
import { randomBytes } from 'node:crypto'
import type BlindPairing from 'blind-pairing'
import type Corestore from 'corestore'
import HyperDHT from 'hyperdht'
import { fail } from '../errors.ts'
import type { NodeEvent } from '../api/results.ts'
import type { Logger } from '../logger.ts'
import { LedgerBase } from '../network/ledger-base.ts'
import type { LocalStateFile, NetworkEntry } from './local-state.ts'
import { resolveNetwork } from './names.ts'
import { hex, NetworkSession } from './session.ts'

export interface NetworksOptions {
  store: Corestore
  state: LocalStateFile
  clock: () => number
  log: Logger
  push: (event: NodeEvent) => void
  bootstrap: Array<{ host: string; port: number }> | undefined
  admit: (session: NetworkSession, request: BlindPairing.MemberRequest) => Promise<void>
  /** Told of each network once it is open (at start, created or joined). */
  opened?: (session: NetworkSession) => void
}

export function parseBootstrap(list: string[] | undefined) {
  if (!list || list.length === 0) return undefined
  return list.map((entry) => {
    const at = entry.lastIndexOf(':')
    const host = entry.slice(0, at)
    const port = Number(entry.slice(at + 1))
    if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw fail('bad-bootstrap', { entry })
    }
    return { host, port }
  })
}

/** A new network's own namespace in the node's store (see LedgerBase). */
export function newNamespace(): string {
  return `network-${randomBytes(16).toString('hex')}`
}

/** A new entry for the bookkeeping file. */
export function networkEntry(
  fields: Pick<NetworkEntry, 'key' | 'encryptionKey' | 'namespace' | 'addedAt' | 'joiningAs'>,
): NetworkEntry {
  return {
    ...fields,
    landing: null,
    left: false,
    seenEvent: 0,
    seenRejected: 0,
    seenCalendar: [],
  }
}

export class Networks {
  private readonly sessions = new Map<string, NetworkSession>()

  constructor(private readonly o: NetworksOptions) {}

  get store(): Corestore {
    return this.o.store
  }

  list(): NetworkSession[] {
    return [...this.sessions.values()]
  }

  get(ref: string): NetworkSession {
    return resolveNetwork(this.list(), ref)
  }

  dht(): HyperDHT {
    const { bootstrap } = this.o
    const loopback = bootstrap?.every((b) => b.host === '127.0.0.1' || b.host === 'localhost')
    // On loopback (tests, local trials) the DHT must not probe the LAN address, and peers
    // in separate processes connect at once only when not treated as firewalled.
    return new HyperDHT({
      bootstrap,
      ...(loopback ? { host: '127.0.0.1', firewalled: false } : {}),
    })
  }

  /** Opens a network of the bookkeeping file (its base too, unless given). */
  async open(entry: NetworkEntry, given?: LedgerBase): Promise<NetworkSession> {
    const { store, log } = this.o
    const base =
      given ??
      new LedgerBase({
        store,
        key: Buffer.from(entry.key, 'hex'),
        encryptionKey: Buffer.from(entry.encryptionKey, 'hex'),
        namespace: entry.namespace,
        onApplyError: (error, op) =>
          log.error('op skipped by apply', {
            network: entry.key.slice(0, 8),
            op,
            error: String(error),
          }),
      })
    await base.ready()
    const session = new NetworkSession({
      ...this.o,
      entry,
      base,
      dht: () => this.dht(),
      bootstrapText:
        this.o.bootstrap?.map((b) => `${b.host}:${b.port}`).join(',') ?? 'public HyperDHT',
    })
    this.sessions.set(entry.key, session)
    await session.ready()
    this.o.opened?.(session)
    return session
  }

  /** A new network with this node's writer as its creator, kept in the bookkeeping file. */
  async create(): Promise<NetworkSession> {
    const encryptionKey = randomBytes(32)
    const namespace = newNamespace()
    const base = new LedgerBase({ store: this.o.store, key: null, encryptionKey, namespace })
    await base.ready()
    const entry = networkEntry({
      key: hex(base.key),
      encryptionKey: encryptionKey.toString('hex'),
      namespace,
      addedAt: this.o.clock(),
      joiningAs: null,
    })
    this.o.state.state.networks.push(entry)
    await this.o.state.save()
    return this.open(entry, base)
  }

  /** Deletes this device's copy of a network: its data, its keys and what was kept about it. */
  async forget(n: NetworkSession): Promise<void> {
    await n.feed.close()
    await n.stopSync()
    this.sessions.delete(n.key)
    await n.base.deleteLocalCopy()
    const state = this.o.state.state
    state.networks = state.networks.filter((e) => e.key !== n.key)
    state.invites = state.invites.filter((i) => i.network !== n.key)
    delete state.read[n.key]
    await this.o.state.save()
  }

  /** Closes every network: each its scan, pairing, swarm and base, in that order. */
  async close(): Promise<void> {
    const all = this.list()
    this.sessions.clear()
    await Promise.all(all.map((n) => n.close()))
  }
}
