/**
 * The node: one install's identity and its networks. For each network it runs a LedgerBase
 * (the Autobase), a Hyperswarm on the network's topic and the member side of blind pairing,
 * so any online member can admit a newcomer. Commands of the API contract enter here and
 * become ops; queries read a snapshot of the view. No business rule lives here.
 */
import { EventEmitter } from 'node:events'
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import BlindPairing from 'blind-pairing'
import Corestore from 'corestore'
import crypto from 'hypercore-crypto'
import HyperDHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import z32 from 'z32'
import pkg from '../../package.json' with { type: 'json' }
import {
  ApiError,
  type Appended,
  type Command,
  type HomeState,
  type InviteInfo,
  type NetworkState,
  type NetworkSummary,
  type NodeApi,
  type NodeEvent,
  type NotificationEntry,
  type Params,
  type PledgeCommand,
  type Results,
  type SyncState,
} from '../api/contract.ts'
import { cycleStart, DAY, daysLeft, nextCycle } from '../ledger/cycle-time.ts'
import { exportNetwork, exportText } from '../ledger/export.ts'
import { lastEntries } from '../ledger/kv.ts'
import { currentOutgoing, outgoingOf } from '../ledger/ledger.ts'
import {
  keys,
  pledgeIdOf,
  type Invite,
  type LedgerEvent,
  type Member,
  type NetworkMeta,
  type Pledge,
  type Rejection,
} from '../ledger/model.ts'
import {
  calendarNotifications,
  concerns,
  notificationsFor,
  refusalNotifications,
  type Notification,
} from '../ledger/notifications.ts'
import { OP_VERSION, type Op, type OpInput } from '../ledger/ops.ts'
import {
  allCards,
  home,
  latestEvents,
  memberCard,
  memberPage,
  named,
  needsHelp,
  othersInNeed,
  organizer,
  partiesOf,
  relations,
  type MemberSource,
} from '../ledger/queries.ts'
import { reasonText } from '../ledger/reasons.ts'
import { inviteRefusal } from '../ledger/rules/invite.ts'
import { incomingOf } from '../ledger/ledger.ts'
import { tryOp } from '../ledger/try-op.ts'
import { type Logger, silentLogger } from '../logger.ts'
import { LedgerBase } from '../network/ledger-base.ts'
import { DataUnavailableError, type ViewSnapshot } from '../network/view.ts'
import { decodeInviteCode, encodeInviteCode, inviteLink } from './invite-code.ts'
import { LocalStateFile, type NetworkEntry } from './local-state.ts'
import { MemberIndex } from './member-index.ts'

const VERSION = pkg.version

export interface NodeOptions {
  dataDir: string
  /** HOST:PORT of DHT bootstrap nodes; the public HyperDHT when absent. */
  bootstrap?: string[]
  /** The node's clock (ms); shifted to try month boundaries and deadlines. */
  clock?: () => number
  log?: Logger
  /** How long a join waits for a member to admit it before saying so. */
  pairingTimeoutMs?: number
  /** How long a join call waits for the network to sync once admitted (default 3x pairing). */
  syncTimeoutMs?: number
  /** How often the clock is checked for month boundaries and deadlines. */
  cycleCheckMs?: number
}

interface NetworkHandle {
  entry: NetworkEntry
  base: LedgerBase
  /** Every member's record, kept between updates for the queries about all members. */
  members: MemberIndex
  /** Null once this node stopped syncing the network (after leaving it). */
  swarm: Hyperswarm | null
  pairing: BlindPairing | null
  member: BlindPairing.Member | null
  connections: Set<{ remotePublicKey: Buffer; since: number }>
  lastSync: number | null
  /** Serialises notification scans. */
  scanning: Promise<void>
  /** A scan waiting to start: see SCAN_DELAY_MS. */
  scanTimer: NodeJS.Timeout | null
  /** Days left of the running red collections at the last tick, to tell when one goes down. */
  daysLeft?: string
}

/**
 * A notification scan starts this long after the update that called for it, so that a burst
 * of updates (catching up) costs one scan, and the scan never competes with the work in
 * flight (replicating an op just appended, answering the call that appended it).
 */
const SCAN_DELAY_MS = 25
/** How many of the network's latest refusals the notification list looks through for mine. */
const RECENT_REFUSALS = 200

function hex(buf: Uint8Array): string {
  return Buffer.from(buf).toString('hex')
}

function randomOpId(): string {
  return z32.encode(randomBytes(10)).slice(0, 12)
}

function parseBootstrap(list: string[] | undefined) {
  if (!list || list.length === 0) return undefined
  return list.map((entry) => {
    const at = entry.lastIndexOf(':')
    const host = entry.slice(0, at)
    const port = Number(entry.slice(at + 1))
    if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new ApiError('bad-bootstrap', `bootstrap node "${entry}" is not HOST:PORT`)
    }
    return { host, port }
  })
}

export class ExodusNode extends EventEmitter implements NodeApi {
  readonly dataDir: string
  readonly clock: () => number
  private readonly log: Logger
  private readonly bootstrap: Array<{ host: string; port: number }> | undefined
  private readonly pairingTimeoutMs: number
  private readonly syncTimeoutMs: number
  private readonly cycleCheckMs: number
  private state!: LocalStateFile
  private store!: Corestore
  private readonly networks = new Map<string, NetworkHandle>()
  private timer: NodeJS.Timeout | null = null
  private closing = false

  constructor(opts: NodeOptions) {
    super()
    this.dataDir = opts.dataDir
    this.clock = opts.clock ?? Date.now
    this.log = opts.log ?? silentLogger
    this.bootstrap = parseBootstrap(opts.bootstrap)
    this.pairingTimeoutMs = opts.pairingTimeoutMs ?? 20_000
    this.syncTimeoutMs = opts.syncTimeoutMs ?? this.pairingTimeoutMs * 3
    this.cycleCheckMs = opts.cycleCheckMs ?? 30_000
  }

  async open(): Promise<void> {
    this.state = await LocalStateFile.open(this.dataDir)
    this.store = new Corestore(join(this.dataDir, 'store'))
    try {
      await this.store.ready()
    } catch (err) {
      throw new ApiError(
        'data-unreadable',
        `Cannot open the data store in ${join(this.dataDir, 'store')}: ${(err as Error).message}. Nothing was changed.`,
      )
    }
    for (const entry of this.state.state.networks) {
      try {
        const handle = await this.openNetwork(entry)
        if (entry.joiningAs !== null) this.completeJoin(handle)
      } catch (err) {
        this.log.error('network failed to open', {
          network: entry.key.slice(0, 8),
          error: String(err),
        })
      }
    }
    this.timer = setInterval(() => void this.tick(), this.cycleCheckMs)
    this.timer.unref()
    await this.tick()
  }

  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    if (this.timer) clearInterval(this.timer)
    // Ordered: pairing, swarms, bases, then the store they share. A notification scan still
    // reading a base finishes first.
    for (const n of this.networks.values()) {
      if (n.scanTimer) clearTimeout(n.scanTimer)
      await n.scanning
    }
    for (const n of this.networks.values()) await n.pairing?.close().catch(() => {})
    for (const n of this.networks.values()) await n.swarm?.destroy().catch(() => {})
    for (const n of this.networks.values()) await n.base.close().catch(() => {})
    this.networks.clear()
    await this.store?.close()
    await this.state?.save()
  }

  /** Stops replicating a network; its local copy stays readable until it is forgotten. */
  private async stopSync(n: NetworkHandle): Promise<void> {
    const { pairing, swarm } = n
    n.pairing = null
    n.swarm = null
    n.member = null
    await pairing?.close().catch(() => {})
    await swarm?.destroy().catch(() => {})
    n.connections.clear()
    this.log.info('stopped syncing a network', { network: n.entry.key.slice(0, 8) })
    this.emitSync(n)
  }

  /**
   * After leaving, sync stops once the leave reached a peer: until then the others would not
   * know, and the leaver's intentions would keep counting for them.
   */
  private stopSyncOnceShared(n: NetworkHandle): void {
    if (n.entry.left && n.swarm && n.base.ownEntriesShared) void this.stopSync(n)
  }

  private dht(): HyperDHT {
    const loopback = this.bootstrap?.every((b) => b.host === '127.0.0.1' || b.host === 'localhost')
    // On loopback (tests, local trials) the DHT must not probe the LAN address, and peers
    // in separate processes connect at once only when not treated as firewalled.
    return new HyperDHT({
      bootstrap: this.bootstrap,
      ...(loopback ? { host: '127.0.0.1', firewalled: false } : {}),
    })
  }

  private async openNetwork(entry: NetworkEntry): Promise<NetworkHandle> {
    const base = new LedgerBase({
      store: this.store,
      key: Buffer.from(entry.key, 'hex'),
      encryptionKey: Buffer.from(entry.encryptionKey, 'hex'),
      namespace: entry.namespace,
      onApplyError: (error, op) =>
        this.log.error('op skipped by apply', {
          network: entry.key.slice(0, 8),
          op,
          error: String(error),
        }),
    })
    await base.ready()
    return this.startNetwork(entry, base)
  }

  private async startNetwork(entry: NetworkEntry, base: LedgerBase): Promise<NetworkHandle> {
    const handle: NetworkHandle = {
      entry,
      base,
      members: new MemberIndex(base.watchChanges()),
      swarm: null,
      pairing: null,
      member: null,
      connections: new Set(),
      lastSync: null,
      scanning: Promise.resolve(),
      scanTimer: null,
    }
    this.networks.set(entry.key, handle)
    base.on('update', () => {
      if (handle.connections.size > 0) handle.lastSync = this.clock()
      this.push({ type: 'state', network: entry.key })
      this.scheduleScan(handle)
      this.stopSyncOnceShared(handle)
    })
    base.on('error', (err: Error) =>
      this.log.error('network stopped', { network: entry.key.slice(0, 8), error: err.message }),
    )
    // The member index is read whole once, now, rather than by the first screen that asks.
    handle.scanning = this.scanNotifications(handle)
      .then(async () => {
        await this.read(handle, (kv) => handle.members.at(kv))
      })
      .catch(() => {})
    if (entry.left && base.ownEntriesShared) return handle
    const swarm = new Hyperswarm({ dht: this.dht() })
    const pairing = new BlindPairing(swarm, { poll: 5_000 })
    handle.swarm = swarm
    handle.pairing = pairing
    swarm.on('connection', (conn) => {
      const record = { remotePublicKey: conn.remotePublicKey, since: this.clock() }
      handle.connections.add(record)
      handle.lastSync = this.clock()
      this.log.info('peer connected', {
        network: entry.key.slice(0, 8),
        peer: hex(conn.remotePublicKey).slice(0, 8),
      })
      base.replicate(conn)
      conn.on('error', (err: Error) => this.log.debug('connection error', { error: err.message }))
      conn.on('close', () => {
        handle.connections.delete(record)
        this.log.info('peer disconnected', { network: entry.key.slice(0, 8) })
        this.emitSync(handle)
      })
      this.emitSync(handle)
    })
    handle.member = pairing.addMember({
      discoveryKey: crypto.discoveryKey(base.key),
      onadd: (request) => this.admit(handle, request),
    })
    // Announce first, then look: two peers joining a fresh topic at once may otherwise miss
    // each other until the next discovery refresh (minutes).
    const discovery = swarm.join(base.discoveryKey, { server: true, client: true })
    discovery
      .flushed()
      .then(() => {
        this.log.info('announced on the network topic', { network: entry.key.slice(0, 8) })
        if (handle.connections.size > 0) return
        this.log.warn(
          'no peers found yet: nobody else in this network is online, or the DHT is unreachable',
          {
            network: entry.key.slice(0, 8),
            bootstrap:
              this.bootstrap?.map((b) => `${b.host}:${b.port}`).join(',') ?? 'public HyperDHT',
          },
        )
      })
      .catch((err) => this.log.warn('could not announce on the DHT', { error: String(err) }))
    return handle
  }

  private scheduleScan(n: NetworkHandle) {
    if (n.scanTimer || this.closing) return
    n.scanTimer = setTimeout(() => {
      n.scanTimer = null
      n.scanning = n.scanning
        .then(() => this.scanNotifications(n))
        .catch((err) => this.log.warn('notification scan failed', { error: String(err) }))
    }, SCAN_DELAY_MS)
  }

  private emitSync(handle: NetworkHandle) {
    this.push({ type: 'sync', network: handle.entry.key, sync: this.syncState(handle) })
  }

  private push(event: NodeEvent) {
    this.emit('event', event)
  }

  // ---- the API ----

  async call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]> {
    const p = params as never
    const handlers: { [K in Command]: (p: Params<K>) => Promise<Results[K]> } = {
      'identity.get': async () => this.identity(),
      'identity.set': async ({ name }) => {
        this.state.state.identity.name = name
        await this.state.save()
        return this.identity()
      },
      'network.create': (p) => this.createNetwork(p),
      'network.list': async () =>
        Promise.all([...this.networks.values()].map((n) => this.summary(n))),
      'network.join': (p) => this.join(p),
      'network.leave': (p) => this.leave(p),
      'network.forget': (p) => this.forget(p),
      'data.remove': () => this.removeAllData(),
      export: (p) => this.exportNetwork(p),
      'invite.create': (p) => this.createInvite(p),
      'invite.list': async (p) => this.listInvites(this.network(p.network)),
      'invite.revoke': (p) => this.revokeInvite(p),
      'profile.set': async (p) => {
        if (p.name === undefined && p.about === undefined) {
          throw new ApiError('invalid-params', 'give a new name or about text')
        }
        return this.append(this.network(p.network), {
          type: 'member.profile',
          ...(p.name !== undefined ? { name: p.name } : {}),
          ...(p.about !== undefined ? { about: p.about } : {}),
        })
      },
      'payment.set': async (p) =>
        this.append(this.network(p.network), { type: 'member.payment', details: p.details }),
      'status.set': async (p) => {
        const n = this.network(p.network)
        if (p.status === 'green') return this.append(n, { type: 'status.green' })
        if (p.status === 'orange')
          return this.append(n, { type: 'status.orange', amount: p.amount })
        return this.append(n, { type: 'status.red', amount: p.amount, days: p.days })
      },
      'intention.create': async (p) => this.pledgeTo(p, 'intention.create'),
      'obligation.create': async (p) => this.pledgeTo(p, 'obligation.create'),
      'intention.change': async (p) => {
        const n = this.network(p.network)
        return this.append(n, {
          type: 'intention.change',
          pledge: await this.pledgeRef(n, p.pledge),
          amount: p.amount,
        })
      },
      'intention.cancel': (p) => this.onPledge(p, 'intention.cancel'),
      'intention.commit': (p) => this.onPledge(p, 'intention.commit'),
      'intention.fulfil': (p) => this.onPledge(p, 'intention.fulfil'),
      'obligation.fulfil': (p) => this.onPledge(p, 'obligation.fulfil'),
      'obligation.confirm': (p) => this.onPledge(p, 'obligation.confirm'),
      'obligation.forgive': (p) => this.onPledge(p, 'obligation.forgive'),
      'request.commit': (p) => this.onPledge(p, 'request.commit'),
      'request.fulfil': (p) => this.onPledge(p, 'request.fulfil'),
      'request.confirm': (p) => this.onPledge(p, 'request.confirm'),
      state: (p) => this.networkState(this.network(p.network)),
      home: (p) => this.homeState(this.network(p.network)),
      'member.card': (p) =>
        this.aboutMember(
          p,
          async (kv, id, me, source) => (await memberCard(kv, id, me, this.clock(), source))!,
        ),
      'member.relations': (p) =>
        this.aboutMember(p, (kv, id, _me, source) => relations(kv, id, source)),
      'member.page': (p) =>
        this.aboutMember(
          p,
          async (kv, id, me, source) => (await memberPage(kv, id, me, this.clock(), source))!,
        ),
      organizer: async (p) => {
        const n = this.network(p.network)
        const me = n.base.localKey
        return this.read(n, async (kv) => {
          const org = await organizer(kv, me)
          const mentioned = Object.values(org).flatMap(partiesOf)
          return { me, organizer: org, ...(await named(await n.members.at(kv), mentioned)) }
        })
      },
      members: async (p) => {
        const n = this.network(p.network)
        const me = n.base.localKey
        return this.read(n, async (kv) => {
          await this.synced(kv)
          const source = await n.members.at(kv)
          const [members, rel] = await Promise.all([
            allCards(kv, me, this.clock(), source),
            relations(kv, me, source),
          ])
          return { me, members, relations: rel }
        })
      },
      'members.inNeed': async (p) => {
        const n = this.network(p.network)
        return this.read(n, async (kv) => {
          await this.synced(kv)
          return needsHelp(kv, this.clock(), await n.members.at(kv))
        })
      },
      peers: async (p) => {
        const n = this.network(p.network)
        return {
          network: n.entry.key,
          ...this.syncState(n),
          remotes: [...n.connections].map((c) => ({ key: hex(c.remotePublicKey), since: c.since })),
        }
      },
      'notifications.list': async (p) => {
        const nets = p.network ? [this.network(p.network)] : [...this.networks.values()]
        const all = (await Promise.all(nets.map((n) => this.notifications(n)))).flat()
        return all.filter((n) => !p.unreadOnly || !n.read).sort((a, b) => b.at - a.at)
      },
      'notifications.read': async (p) => {
        let read = 0
        for (const n of this.networks.values()) {
          const ids = (await this.notifications(n)).map((x) => x.id)
          const chosen = p.all ? ids : ids.filter((id) => p.ids?.includes(id))
          const added = this.state.markRead(n.entry.key, chosen)
          if (added > 0) this.push({ type: 'state', network: n.entry.key })
          read += added
        }
        await this.state.save()
        return { read }
      },
      logs: async () => [],
      'node.info': async () => ({
        dataDir: this.dataDir,
        bootstrap: this.bootstrap?.map((b) => `${b.host}:${b.port}`) ?? null,
        version: VERSION,
      }),
    }
    const handler = handlers[command] as (p: never) => Promise<Results[C]>
    return handler(p)
  }

  private identity() {
    return { name: this.state.state.identity.name, publicKey: this.state.state.identity.publicKey }
  }

  // ---- networks ----

  private network(ref: string): NetworkHandle {
    const all = [...this.networks.values()]
    const exact = this.networks.get(ref)
    if (exact) return exact
    const lower = ref.toLowerCase()
    const byPrefix = lower.length >= 4 ? all.filter((n) => n.entry.key.startsWith(lower)) : []
    if (byPrefix.length === 1) return byPrefix[0]!
    const byName = all.filter((n) => this.cachedName(n)?.toLowerCase() === lower)
    if (byName.length === 1) return byName[0]!
    if (byPrefix.length + byName.length > 1) {
      throw new ApiError(
        'ambiguous-network',
        `"${ref}" matches several networks: use more of the network id`,
      )
    }
    throw new ApiError(
      'unknown-network',
      all.length === 0
        ? 'This node has no networks yet: create one or join with an invite'
        : `No network "${ref}". Known: ${all.map((n) => `${this.cachedName(n) ?? '?'} (${n.entry.key.slice(0, 8)})`).join(', ')}`,
    )
  }

  private readonly names = new Map<string, string>()

  private cachedName(n: NetworkHandle): string | undefined {
    return this.names.get(n.entry.key)
  }

  private async read<T>(n: NetworkHandle, fn: (kv: ViewSnapshot) => Promise<T>): Promise<T> {
    const snap = n.base.snapshot()
    try {
      return await fn(snap)
    } catch (err) {
      throw err instanceof DataUnavailableError ? dataUnavailable() : err
    } finally {
      await snap.close()
    }
  }

  private async meta(n: NetworkHandle): Promise<NetworkMeta | null> {
    return this.knownAs(n, await this.read(n, (kv) => kv.get<NetworkMeta>(keys.meta)))
  }

  /** Remembers the network's name from a meta just read. */
  private knownAs(n: NetworkHandle, meta: NetworkMeta | null): NetworkMeta | null {
    if (meta) this.names.set(n.entry.key, meta.name)
    return meta
  }

  private syncState(n: NetworkHandle): SyncState {
    return {
      peers: n.connections.size,
      lastSync: n.lastSync,
      ownEntriesShared: n.base.ownEntriesShared,
      stateComplete: n.base.viewComplete,
      writable: n.base.writable,
    }
  }

  private async summary(n: NetworkHandle): Promise<NetworkSummary> {
    const meta = await this.meta(n)
    const me = n.base.localKey
    const member = await this.read(n, (kv) => kv.get<Member>(keys.member(me)))
    return {
      id: n.entry.key,
      name: meta?.name ?? '(syncing)',
      currency: meta?.currency ?? '',
      decimals: meta?.decimals ?? 2,
      timeZone: meta?.timeZone ?? 'UTC',
      cycle: meta?.cycle ?? null,
      me,
      joined: !!member && !member.left,
      left: n.entry.left,
      syncing: n.swarm !== null,
      sync: this.syncState(n),
      needsUpdate: meta?.needsUpdate ?? false,
    }
  }

  private async createNetwork(p: Params<'network.create'>): Promise<NetworkSummary> {
    const encryptionKey = randomBytes(32)
    const namespace = `network-${randomBytes(16).toString('hex')}`
    const base = new LedgerBase({ store: this.store, key: null, encryptionKey, namespace })
    await base.ready()
    const entry: NetworkEntry = {
      key: hex(base.key),
      encryptionKey: encryptionKey.toString('hex'),
      namespace,
      addedAt: this.clock(),
      landing: null,
      left: false,
      joiningAs: null,
      seenEvent: 0,
      seenRejected: 0,
      seenCalendar: [],
    }
    this.state.state.networks.push(entry)
    await this.state.save()
    const handle = await this.startNetwork(entry, base)
    await this.append(handle, {
      type: 'network.create',
      name: p.name,
      currency: p.currency.length === 3 ? p.currency.toUpperCase() : p.currency,
      decimals: p.decimals ?? defaultDecimals(p.currency),
      timeZone: p.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    })
    const name = p.memberName ?? (this.state.state.identity.name || 'Me')
    await this.append(handle, { type: 'member.join', name })
    this.log.info('network created', { network: entry.key.slice(0, 8) })
    return this.summary(handle)
  }

  private async leave(p: Params<'network.leave'>) {
    const n = this.network(p.network)
    await this.append(n, { type: 'member.leave' })
    n.entry.left = true
    await this.state.save()
    this.stopSyncOnceShared(n)
    return {
      network: n.entry.key,
      note:
        'You left the network: your intentions were cancelled and your profile and payment details removed from the current state. ' +
        'Entries already written to the shared log stay in other members\u2019 copies; they cannot be erased. ' +
        'This device stops syncing the network once your leaving has reached a member; its copy stays here until you delete it.',
    }
  }

  /** Deletes this device's copy of a network: its data, its keys and what was kept about it. */
  private async forget(p: Params<'network.forget'>): Promise<Results['network.forget']> {
    const n = this.network(p.network)
    const name = this.cachedName(n) ?? n.entry.key.slice(0, 8)
    if (n.scanTimer) clearTimeout(n.scanTimer)
    await n.scanning
    await this.stopSync(n)
    this.networks.delete(n.entry.key)
    await n.base.deleteLocalCopy()
    const key = n.entry.key
    const state = this.state.state
    state.networks = state.networks.filter((e) => e.key !== key)
    state.invites = state.invites.filter((i) => i.network !== key)
    delete state.read[key]
    this.names.delete(key)
    await this.state.save()
    this.log.info('network forgotten: its local copy was deleted', { network: key.slice(0, 8) })
    this.push({ type: 'state', network: key })
    return { network: key, name }
  }

  /**
   * Deletes every network's copy, the identity and the node's bookkeeping, then opens afresh
   * as a new install would. The daemon's lock and log stay: they belong to the running host.
   */
  private async removeAllData(): Promise<Results['data.remove']> {
    const removed = [join(this.dataDir, 'store'), this.state.path]
    await this.close()
    for (const path of removed) await rm(path, { recursive: true, force: true })
    this.closing = false
    this.names.clear()
    this.log.warn('all local data removed: the node starts afresh')
    await this.open()
    return { removed }
  }

  private async exportNetwork(p: Params<'export'>): Promise<Results['export']> {
    const n = this.network(p.network)
    const me = n.base.localKey
    const now = this.clock()
    const data = await this.read(n, (kv) =>
      exportNetwork(kv, { networkId: n.entry.key, now, ...(p.mine ? { author: me } : {}) }),
    )
    if (!data)
      throw new ApiError('not-synced', 'This network has not synced yet: stay online for a moment')
    const format = p.format ?? 'json'
    const slug =
      data.network.name.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'network'
    const day = new Date(now).toISOString().slice(0, 10)
    return {
      filename: `exodus-${slug}-${p.mine ? 'my-promises' : 'history'}-${day}.${format}`,
      mimeType: format === 'json' ? 'application/json' : 'text/csv',
      rows: data.pledges.length,
      text: exportText(data, format),
    }
  }

  // ---- ops ----

  /**
   * Appends an op after checking it against the current state, so a refused action is
   * explained at once and never written to the log.
   */
  private async append(n: NetworkHandle, input: OpInput): Promise<Appended> {
    const op = { v: OP_VERSION, id: randomOpId(), ts: this.clock(), ...input } as Op
    const author = n.base.localKey
    // Write access can blink off for a moment while Autobase reorders after a new writer
    // is added; only a lasting loss is an error.
    for (let waited = 0; !n.base.writable && waited < 5_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50))
    }
    if (!n.base.writable) {
      throw new ApiError(
        'not-writable',
        'This device cannot write to the network yet: it is still being admitted or syncing',
      )
    }
    const { result: dry, missing } = await this.read(n, (kv) =>
      tryOp(kv, op, author, (err) => err instanceof DataUnavailableError),
    )
    if (missing) throw dataUnavailable()
    if (!dry.accepted) throw new ApiError('rejected', dry.reason ?? 'refused by the ledger rules')
    await n.base.append(op)
    await n.base.update()
    const ref = pledgeIdOf(author, op.id)
    const outcome = await this.read(
      n,
      async (kv) =>
        [await kv.get<string>(keys.refusal(ref)), await this.touchedPledge(kv, op, ref)] as const,
    ).catch((err: unknown) => {
      // Appended already: reporting an error would invite a second, duplicate op.
      if (!(err instanceof ApiError && err.code === 'data-unavailable')) throw err
      this.log.warn('op appended, its outcome not readable yet', { id: op.id })
      return [null, null] as const
    })
    const [refusal, pledge] = outcome
    if (refusal) throw new ApiError('rejected', refusal)
    this.log.info('op appended', { network: n.entry.key.slice(0, 8), type: op.type, id: op.id })
    return { network: n.entry.key, op: op.id, pledge }
  }

  private async touchedPledge(kv: ViewSnapshot, op: Op, ref: string): Promise<Pledge | null> {
    const id = 'pledge' in op ? op.pledge : ref
    return kv.get<Pledge>(keys.pledge(id))
  }

  private async pledgeTo(
    p: Params<'intention.create'>,
    type: 'intention.create' | 'obligation.create',
  ): Promise<Appended> {
    const n = this.network(p.network)
    const to = await this.memberRef(n, p.to)
    return this.append(n, { type, to, amount: p.amount, ...(p.note ? { note: p.note } : {}) })
  }

  private async onPledge(
    p: { network: string; pledge: string },
    type: PledgeCommand,
  ): Promise<Appended> {
    const n = this.network(p.network)
    return this.append(n, { type, pledge: await this.pledgeRef(n, p.pledge) })
  }

  /** A query about one member named by `p.member`, read with the member index. */
  private async aboutMember<T>(
    p: { network: string; member: string },
    query: (kv: ViewSnapshot, id: string, me: string, source: MemberSource) => Promise<T>,
  ): Promise<T> {
    const n = this.network(p.network)
    const id = await this.memberRef(n, p.member)
    return this.read(n, async (kv) => query(kv, id, n.base.localKey, await n.members.at(kv)))
  }

  /** Every member in join order, from the index the node keeps (see MemberIndex). */
  private async membersOf(n: NetworkHandle, kv: ViewSnapshot): Promise<readonly Member[]> {
    return (await n.members.at(kv)).members()
  }

  /** A member by id, id prefix or unique name. */
  private async memberRef(n: NetworkHandle, ref: string): Promise<string> {
    const lower = ref.toLowerCase()
    // A full id (what the UI sends) is one read; names and short ids need the member list.
    if (await this.read(n, (kv) => kv.get(keys.member(lower)))) return lower
    const members = await this.read(n, (kv) => this.membersOf(n, kv))
    const matches = members.filter(
      (m) => !m.left && (m.id.startsWith(lower) || m.name.toLowerCase() === lower),
    )
    if (matches.length === 1) return matches[0]!.id
    if (matches.length > 1) {
      throw new ApiError(
        'ambiguous-member',
        `"${ref}" matches ${matches.map((m) => `${m.name} (${m.id.slice(0, 8)})`).join(', ')}: use the short id`,
      )
    }
    throw new ApiError('unknown-member', `No member "${ref}" in this network`)
  }

  /** A pledge by full id, its op-id part, or a unique prefix of either. */
  private async pledgeRef(n: NetworkHandle, ref: string): Promise<string> {
    return this.read(n, async (kv) => {
      if (await kv.get(keys.pledge(ref))) return ref
      const me = n.base.localKey
      const mine = [...(await incomingOf(kv, me)), ...(await outgoingOf(kv, me))]
      const matches = [...new Set(mine.map((p) => p.id))].filter(
        (id) => id.startsWith(ref) || id.split('-').slice(1).join('-').startsWith(ref),
      )
      if (matches.length === 1) return matches[0]!
      if (matches.length > 1)
        throw new ApiError(
          'ambiguous-pledge',
          `"${ref}" matches several pledges: use more of the id`,
        )
      throw new ApiError('unknown-pledge', `No pledge "${ref}" involving you in this network`)
    })
  }

  // ---- invites ----

  private async createInvite(p: Params<'invite.create'>): Promise<InviteInfo> {
    const n = this.network(p.network)
    const forMember = p.for ? await this.memberRef(n, p.for) : undefined
    const expires = this.clock() + (p.expiresInDays ?? 7) * DAY
    const created = BlindPairing.createInvite(n.base.key, { expires })
    const id = hex(created.id)
    await this.append(n, {
      type: 'invite.create',
      invite: id,
      publicKey: hex(created.publicKey),
      expires,
      uses: p.uses ?? 1,
      ...(forMember ? { for: forMember } : {}),
    })
    const code = encodeInviteCode(created.invite)
    this.state.state.invites.push({ network: n.entry.key, id, code, createdAt: this.clock() })
    await this.state.save()
    return (await this.listInvites(n)).find((i) => i.id === id)!
  }

  /**
   * The invites this device made (it keeps their codes), each read by its id: listing the
   * network's invites would read one per member who ever joined.
   */
  private async listInvites(n: NetworkHandle): Promise<InviteInfo[]> {
    const mine = this.state.state.invites.filter((i) => i.network === n.entry.key)
    const list = await this.read(n, async (kv) => {
      const records = await Promise.all(mine.map((i) => kv.get<Invite>(keys.invite(i.id))))
      const source = await n.members.at(kv)
      const forNames = (
        await named(
          source,
          records.flatMap((r) => (r?.for ? [r.for] : [])),
        )
      ).names
      return mine.flatMap(({ code }, i) => {
        const r = records[i]
        if (!r) return []
        return [
          {
            id: r.id,
            code,
            link: inviteLink(code),
            network: n.entry.key,
            for: r.for,
            forName: r.for ? (forNames[r.for] ?? null) : null,
            createdAt: r.createdAt,
            expiresAt: r.expires,
            uses: r.uses,
            used: r.used,
            revoked: r.revoked,
          },
        ]
      })
    })
    return list.sort((a, b) => b.createdAt - a.createdAt)
  }

  private async revokeInvite(p: Params<'invite.revoke'>): Promise<InviteInfo> {
    const n = this.network(p.network)
    const all = await this.listInvites(n)
    const match = all.filter(
      (i) => i.id.startsWith(p.invite.toLowerCase()) || (i.code && i.code === p.invite),
    )
    if (match.length !== 1) {
      throw new ApiError(
        'unknown-invite',
        match.length ? `"${p.invite}" matches several invites` : `No invite "${p.invite}" of yours`,
      )
    }
    await this.append(n, { type: 'invite.revoke', invite: match[0]!.id })
    return (await this.listInvites(n)).find((i) => i.id === match[0]!.id)!
  }

  /** Member side of pairing: admit a candidate whose invite the ledger still honours. */
  private async admit(n: NetworkHandle, request: BlindPairing.MemberRequest): Promise<void> {
    const inviteId = hex(request.inviteId)
    const short = n.entry.key.slice(0, 8)
    try {
      const invite = await this.read(n, (kv) => kv.get<Invite>(keys.invite(inviteId)))
      const me = await this.read(n, (kv) => kv.get<Member>(keys.member(n.base.localKey)))
      if (!me || me.left || !n.base.writable) return
      // Unknown invites cannot even be answered: the reply is sealed with the invite's key.
      if (!invite) return
      const userData = request.open(Buffer.from(invite.publicKey, 'hex'))
      const refusal = inviteRefusal(invite, this.clock())
      if (refusal) {
        this.log.warn('invite refused', {
          network: short,
          invite: inviteId.slice(0, 8),
          reason: reasonText(refusal.code, refusal.params),
        })
        request.deny({
          status: refusal.code === 'invite-expired' ? 3 : refusal.code === 'invite-used-up' ? 2 : 1,
        })
        return
      }
      const writer = hex(userData)
      if (!/^[0-9a-f]{64}$/.test(writer)) {
        request.deny()
        return
      }
      const already = await this.read(n, (kv) => kv.get(keys.writer(writer)))
      if (!already) await this.append(n, { type: 'writer.add', key: writer, invite: inviteId })
      request.confirm({ key: n.base.key, encryptionKey: Buffer.from(n.entry.encryptionKey, 'hex') })
      this.log.info('admitted a new member', { network: short, writer: writer.slice(0, 8) })
    } catch (err) {
      this.log.warn('could not admit a candidate', { network: short, error: String(err) })
      try {
        request.deny()
      } catch {
        // the request may already be answered
      }
    }
  }

  /** Candidate side: pair with any online member, then open the network and join it. */
  private async join(p: Params<'network.join'>): Promise<Results['network.join']> {
    const invite = decodeInviteCode(p.invite, this.clock())
    const existing = [...this.networks.values()].find(
      (n) => hex(crypto.discoveryKey(n.base.key)) === invite.discoveryKey,
    )
    if (existing)
      throw new ApiError(
        'already-joined',
        `You are already in this network (${existing.entry.key.slice(0, 8)})`,
      )

    // A request that timed out stays out there: a member who comes online later admits it.
    // Retrying the same invite with the same writer key makes that admission ours, instead
    // of a stranger key that used up the invite.
    const pending = this.state.state.pendingJoins.find((j) => j.invite === invite.id)
    const namespace = pending?.namespace ?? `network-${randomBytes(16).toString('hex')}`
    if (!pending) {
      this.state.state.pendingJoins.push({ invite: invite.id, namespace, at: this.clock() })
      await this.state.save()
    }
    const writerKey = await LedgerBase.localKeyFor(this.store, namespace)
    const swarm = new Hyperswarm({ dht: this.dht() })
    const pairing = new BlindPairing(swarm, { poll: 1_000 })
    let rejected: Error | null = null
    const candidate = pairing.addCandidate({ invite: invite.bytes, userData: writerKey })
    candidate.request.on('rejected', (err: Error) => {
      rejected = err
    })
    this.log.info('joining with an invite', { invite: invite.id.slice(0, 8) })
    let timer: NodeJS.Timeout | undefined
    let paired: BlindPairing.Paired | null = null
    try {
      paired = await Promise.race([
        candidate.pairing,
        new Promise<null>((resolve) => {
          const check = () => {
            if (rejected) return resolve(null)
            timer = setTimeout(check, 100)
          }
          check()
        }),
        p.wait
          ? new Promise<null>(() => {})
          : new Promise<null>((resolve) =>
              setTimeout(() => resolve(null), this.pairingTimeoutMs).unref(),
            ),
      ])
    } finally {
      clearTimeout(timer)
      await candidate.close().catch(() => {})
      await pairing.close().catch(() => {})
      await swarm.destroy().catch(() => {})
    }
    if (rejected) {
      const status = (rejected as Error & { status?: number }).message ?? ''
      this.log.warn('invite refused by a member', { reason: status })
      throw new ApiError('invite-refused', refusalMessage(rejected))
    }
    if (!paired) {
      this.log.warn('no member admitted the invite in time', { invite: invite.id.slice(0, 8) })
      throw new ApiError(
        'invite-no-answer',
        `No member of this network answered within ${Math.round(this.pairingTimeoutMs / 1000)} seconds. ` +
          'Someone in the network must be online to let you in; try again later, or wait (--wait) until one is.',
      )
    }
    if (!paired.encryptionKey)
      throw new ApiError('invite-refused', 'The member who answered sent no network key')
    const name = p.name ?? (this.state.state.identity.name || 'New member')
    const entry: NetworkEntry = {
      key: hex(paired.key),
      encryptionKey: hex(paired.encryptionKey),
      namespace,
      addedAt: this.clock(),
      landing: null,
      left: false,
      joiningAs: name,
      seenEvent: 0,
      seenRejected: 0,
      seenCalendar: [],
    }
    this.state.state.networks.push(entry)
    this.state.state.pendingJoins = this.state.state.pendingJoins.filter(
      (j) => j.invite !== invite.id,
    )
    await this.state.save()
    const handle = await this.openNetwork(entry)
    try {
      await this.whenWritable(handle)
    } catch (err) {
      // Admitted, but catching up on a big network outlasted the call: the join completes
      // in the background (after a restart too), as the error tells the user.
      this.completeJoin(handle)
      throw err
    }
    const inviteRecord = await this.read(handle, (kv) => kv.get<Invite>(keys.invite(invite.id)))
    entry.landing = inviteRecord?.for ?? null
    await this.becomeMember(handle)
    this.log.info('joined a network', { network: entry.key.slice(0, 8) })
    return { network: await this.summary(handle), landing: entry.landing }
  }

  /**
   * Appends my member.join (with the name kept in `joiningAs`) unless the view already has
   * me, as after a retried join, and notes that the join is complete.
   */
  private async becomeMember(n: NetworkHandle): Promise<void> {
    const name = n.entry.joiningAs
    if (name === null) return
    const me = await this.read(n, (kv) => kv.get<Member>(keys.member(n.base.localKey)))
    if (!me) await this.append(n, { type: 'member.join', name })
    n.entry.joiningAs = null
    await this.state.save()
  }

  /** Waits, without a deadline, until the network has synced, then becomes a member. */
  private completeJoin(n: NetworkHandle): void {
    void this.whenWritable(n, Infinity)
      .then(() => this.becomeMember(n))
      .catch((e) => this.log.warn('joining did not complete', { error: String(e) }))
  }

  private async whenWritable(n: NetworkHandle, waitMs = this.syncTimeoutMs): Promise<void> {
    const deadline = Date.now() + waitMs
    while (!n.base.writable || !(await this.meta(n))) {
      if (this.closing) throw new ApiError('closing', 'The node is shutting down')
      if (Date.now() > deadline) {
        throw new ApiError(
          'join-not-synced',
          'You were admitted but the network has not synced yet. Stay online: it will finish in the background.',
        )
      }
      await n.base.update().catch(() => {})
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  // ---- state and notifications ----

  private networkState(n: NetworkHandle): Promise<NetworkState> {
    return this.myView(n, async ({ kv, meta, source, me, now }) => ({
      meta,
      home: await home(kv, me, now, source),
      members: await allCards(kv, me, now, source),
      relations: await relations(kv, me, source),
      organizer: await organizer(kv, me),
      rejected: (await lastEntries<Rejection>(kv, keys.rejections, 50)).map((e) => e.value),
    }))
  }

  /**
   * What Home shows, without the whole network: its cost grows with what concerns me and with
   * who asks for help, not with the number of members (see MemberIndex).
   */
  private async homeState(n: NetworkHandle): Promise<HomeState> {
    const view = await this.myView(n, async ({ kv, meta, source, me, now }) => {
      const h = await home(kv, me, now, source)
      const o = h.organizer
      const mentioned = Object.values(o).flatMap(partiesOf)
      for (const e of h.recent) for (const id of [e.actor, e.subject]) if (id) mentioned.push(id)
      const { names } = await named(source, mentioned)
      const needy = othersInNeed(h.needsHelp, me)
      return {
        meta,
        home: { ...h, needsHelp: needy.shown },
        needsHelpTotal: needy.total,
        organizer: o,
        names,
      }
    })
    // Home names the people its notifications are about too; they carry those names.
    for (const x of view.notifications) Object.assign(view.names, x.names)
    return view
  }

  /**
   * My view of a network: its summary, `part` read from one synced snapshot with the member
   * index, and my notifications.
   */
  private async myView<T extends object>(
    n: NetworkHandle,
    part: (q: {
      kv: ViewSnapshot
      meta: NetworkMeta
      source: MemberSource
      me: string
      now: number
    }) => Promise<T>,
  ) {
    const me = n.base.localKey
    const summary = await this.summary(n)
    const now = this.clock()
    const data = await this.read(n, async (kv) =>
      part({ kv, meta: await this.synced(kv), source: await n.members.at(kv), me, now }),
    )
    return { network: summary, me, ...data, notifications: await this.notifications(n) }
  }

  /** The network's meta, or an error saying to wait while the network has none yet. */
  private async synced(kv: ViewSnapshot): Promise<NetworkMeta> {
    const meta = await kv.get<NetworkMeta>(keys.meta)
    if (!meta)
      throw new ApiError('not-synced', 'This network has not synced yet: stay online for a moment')
    return meta
  }

  private async notifications(n: NetworkHandle): Promise<NotificationEntry[]> {
    const me = n.base.localKey
    return this.read(n, async (kv) => {
      const [meta, member] = await Promise.all([
        kv.get<NetworkMeta>(keys.meta),
        kv.get<Member>(keys.member(me)),
      ])
      if (!meta || !member) return []
      const events = (await latestEvents(kv)).filter((e) => concerns(e, member))
      const { names } = await named(await n.members.at(kv), events.flatMap(parties))
      const refused = await lastEntries<Rejection>(kv, keys.rejections, RECENT_REFUSALS)
      const list = [
        ...notificationsFor(events, member, meta, (id) => names[id]),
        ...calendarNotifications(this.clock(), meta, await currentOutgoing(kv, me)),
        ...refusalNotifications(
          refused.map((e) => e.value),
          me,
        ),
      ]
      return list.map((x) => ({
        ...x,
        network: n.entry.key,
        read: this.state.isRead(n.entry.key, x.id),
      }))
    })
  }

  /** Pushes notifications for events (and refusals of my ops) that arrived since the last scan. */
  private async scanNotifications(n: NetworkHandle): Promise<void> {
    if (this.closing) return
    // One read for both marks: this runs on every update of every network.
    const [read, lastRefused] = await this.read(n, async (kv) =>
      Promise.all([kv.get<NetworkMeta>(keys.meta), kv.get<number>(keys.rejectedSeq)]),
    )
    const meta = this.knownAs(n, read)
    await this.scanRefusals(n, lastRefused ?? 0)
    if (!meta || meta.seq.event <= n.entry.seenEvent) return
    const seen = n.entry.seenEvent
    n.entry.seenEvent = meta.seq.event
    // Saved soon, not now: this runs on every update. A crash may push a second's
    // notifications again after the restart, never lose one.
    this.state.saveSoon()
    if (seen === 0) return // first sight of this network: history, not news
    // Only the events that arrived since the last scan, and names only when one concerns me:
    // this runs on every update of every node.
    const fresh = await this.read(n, async (kv) => {
      const member = await kv.get<Member>(keys.member(n.base.localKey))
      if (!member) return []
      const events: LedgerEvent[] = []
      for (let s = seen + 1; s <= meta.seq.event; s++) {
        const e = await kv.get<LedgerEvent>(keys.event(s))
        if (e && concerns(e, member)) events.push(e)
      }
      if (events.length === 0) return []
      const { names } = await named(await n.members.at(kv), events.flatMap(parties))
      return notificationsFor(events, member, meta, (id) => names[id])
    })
    this.pushUnread(n, fresh)
  }

  /**
   * Pushes a notification for each op of mine that the rules refused once it was in the shared
   * log: one that counted when it was made and no longer did once ops made elsewhere at the
   * same time came in (say, an obligation marked as given that its recipient forgave meanwhile).
   */
  private async scanRefusals(n: NetworkHandle, last: number): Promise<void> {
    const seen = n.entry.seenRejected
    if (last <= seen) return
    n.entry.seenRejected = last
    this.state.saveSoon()
    if (seen < 0) return // first look: history, not news
    const me = n.base.localKey
    const fresh = await this.read(n, async (kv) => {
      const out: Rejection[] = []
      for (let s = seen + 1; s <= last; s++) {
        const r = await kv.get<Rejection>(keys.rejected(s))
        if (r) out.push(r)
      }
      return refusalNotifications(out, me)
    })
    this.pushUnread(n, fresh)
  }

  /**
   * The calendar's notifications come from the clock, not from an update, so no scan finds
   * them: each is pushed once, when it first comes due, unless it was read already.
   */
  private pushCalendar(n: NetworkHandle, due: Notification[]): void {
    const seen = n.entry.seenCalendar
    const fresh = due.filter((x) => !seen.includes(x.id))
    if (fresh.length === 0 && due.length === seen.length) return
    // Only the ids due now are kept: they name their cycle, so the list never grows.
    n.entry.seenCalendar = due.map((x) => x.id)
    this.state.saveSoon()
    this.pushUnread(n, fresh)
  }

  private pushUnread(n: NetworkHandle, fresh: Notification[]): void {
    for (const x of fresh) {
      if (this.state.isRead(n.entry.key, x.id)) continue
      this.push({ type: 'notification', notification: { ...x, network: n.entry.key, read: false } })
    }
  }

  /**
   * Days left ⏳ are counted by this node's clock when the state is asked for: when the clock
   * takes one down, the screens are told to ask again, though no op came in.
   */
  private followDaysLeft(n: NetworkHandle, meta: NetworkMeta): void {
    const now = this.clock()
    const days = Object.values(meta.reds)
      .map((deadline) => daysLeft(deadline, now))
      .join()
    if (n.daysLeft !== undefined && days !== n.daysLeft)
      this.push({ type: 'state', network: n.entry.key })
    n.daysLeft = days
  }

  /**
   * Pushes the calendar's notifications when they come due, and appends a cycle op when this
   * node's clock has passed a month start or a red deadline.
   */
  private async tick(): Promise<void> {
    for (const n of this.networks.values()) {
      if (this.closing) return
      try {
        const meta = await this.meta(n)
        if (!meta) continue
        this.followDaysLeft(n, meta)
        const me = n.base.localKey
        const [member, mine] = await this.read(n, (kv) =>
          Promise.all([kv.get<Member>(keys.member(me)), currentOutgoing(kv, me)]),
        )
        if (!member || member.left) continue
        const now = this.clock()
        this.pushCalendar(n, calendarNotifications(now, meta, mine))
        if (!n.base.writable) continue
        const boundary = cycleStart(nextCycle(meta.cycle), meta.timeZone)
        const due = Object.values(meta.reds).some((deadline) => deadline <= now)
        if (now >= boundary || due) {
          await this.append(n, { type: 'cycle' })
          this.log.info('time passed a boundary: cycle op appended', {
            network: n.entry.key.slice(0, 8),
          })
        }
      } catch (err) {
        this.log.warn('cycle check failed', { error: String(err) })
      }
    }
  }
}

/** Who an event is about: the members a notification of it names. */
function parties(e: LedgerEvent): string[] {
  return [e.actor, e.subject].filter((id) => id !== undefined)
}

function dataUnavailable(): ApiError {
  return new ApiError(
    'data-unavailable',
    'Part of this network’s data has not reached this device yet, and no member online has ' +
      'sent it. Nothing was changed. Try again when more members are online.',
  )
}

function refusalMessage(err: Error): string {
  const text = err.message.toLowerCase()
  if (text.includes('expired')) return 'This invite has expired. Ask a member for a new one.'
  if (text.includes('used')) return 'This invite has already been used. Ask a member for a new one.'
  return 'A member refused this invite: it was revoked, used up or expired. Ask a member for a new one.'
}

function defaultDecimals(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    )
  } catch {
    return 0
  }
}

export async function createNode(opts: NodeOptions): Promise<ExodusNode> {
  const node = new ExodusNode(opts)
  await node.open()
  return node
}
