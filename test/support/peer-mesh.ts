/**
 * Several LedgerBases of one network, each on a real Corestore in its own temporary folder,
 * replicating in-process over piped streams that the test can cut and restore pair by pair.
 * The network is set up the way members are admitted: network.create and member.join by the
 * creator, then for every other peer invite.create + writer.add by the creator and
 * member.join by the new writer.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Corestore from 'corestore'
import crypto from 'hypercore-crypto'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import { applyOp as ledgerApplyOp } from '../../core/ledger/apply.ts'
import { LedgerBase, type ApplyOpFn, type OpRef } from '../../core/network/ledger-base.ts'
import { keys, type Member } from '../../core/ledger/model.ts'
import { OP_VERSION } from '../../core/ledger/ops.ts'
import { joinProof, receiptFor, testInvite } from './admission.ts'
import { DAY } from './ledger.ts'

export interface Peer {
  index: number
  name: string
  dir: string
  /** Replaced when the peer restarts. */
  store: Corestore
  base: LedgerBase
  restarts: number
  /** Ops the router skipped because applyOp or a host call threw. */
  applyErrors: Array<{ error: unknown; op: OpRef }>
  /** 'error' events of the base (Autobase stopped). */
  baseErrors: unknown[]
  /** Ops applied so far, counting those applied again after Autobase reordered. */
  applied: number
}

export interface PeerMeshOptions {
  size: number
  /** `ts` of the setup ops. */
  ts: number
  ackInterval: number
  /** The rules each peer runs; the real ones by default. */
  applyOp?: (index: number) => ApplyOpFn
  /**
   * Whose device each peer is, by peer index (default: its own): a peer naming an earlier one
   * joins with that person's member key, as a second device of the same member.
   */
  persons?: number[]
  /**
   * Every peer replicates with the creator only (default: with every other peer), and setup
   * waits for the creator alone to see every member: for many peers.
   */
  star?: boolean
  /**
   * With `star`: the peers for which this holds leave the creator once it has their
   * member.join, so that setting up a network of many writers does not make every one of them
   * apply every later join. They stay open, writable and unconnected.
   */
  detached?: (index: number) => boolean
}

interface Link {
  a: NoiseSecretStream
  b: NoiseSecretStream
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Polls `check` (after letting every base update, or only the peers `only` names) until it
 * holds or `timeout` ms pass.
 */
export async function waitFor(
  mesh: PeerMesh,
  check: () => Promise<boolean> | boolean,
  what: string,
  timeout = 10_000,
  only?: number[],
): Promise<void> {
  const deadline = Date.now() + timeout
  while (true) {
    if (only) await Promise.all(only.map((i) => mesh.peer(i).base.update()))
    else await mesh.updateAll()
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`)
    await sleep(20)
  }
}

export class PeerMesh {
  readonly peers: Peer[] = []
  private readonly links = new Map<string, Link>()
  private opCounter = 0

  private constructor(
    readonly encryptionKey: Uint8Array,
    private readonly opts: PeerMeshOptions,
  ) {}

  /**
   * Creates a network of `size` members, all connected, and waits until every peer sees
   * every member. Setup ops carry `ts`.
   */
  static async create(opts: PeerMeshOptions): Promise<PeerMesh> {
    const mesh = new PeerMesh(crypto.randomBytes(32), opts)
    try {
      await mesh.setUp(opts.size, opts.ts)
    } catch (err) {
      await mesh.close()
      throw err
    }
    return mesh
  }

  get bases(): LedgerBase[] {
    return this.peers.map((p) => p.base)
  }

  /** The peer whose person peer `index` is a device of (itself, unless `persons` says). */
  personOf(index: number): number {
    return this.opts.persons?.[index] ?? index
  }

  /** The member ids: the writer keys of the peers that joined as themselves. */
  members(): string[] {
    return this.peers.filter((p) => this.personOf(p.index) === p.index).map((p) => p.base.localKey)
  }

  /** A fresh op id, unique in the mesh (and so per author). */
  nextOpId(): string {
    return `op${(++this.opCounter).toString().padStart(6, '0')}`
  }

  /** A member.profile op setting the author's about text, stamped `ts`. */
  profileOp(about: string, ts: number) {
    return { v: OP_VERSION, id: this.nextOpId(), ts, type: 'member.profile', about }
  }

  private async setUp(size: number, ts: number): Promise<void> {
    const creator = await this.addPeer(null)
    const envelope = () => ({ v: OP_VERSION, id: this.nextOpId(), ts })
    await creator.base.append({
      ...envelope(),
      type: 'network.create',
      name: 'Convergence',
      currency: 'EUR',
      decimals: 2,
      timeZone: 'UTC',
    })
    // The network's id for member keys: the creator's writer key (networkId).
    const network = creator.base.localKey
    const join = (peer: Peer) => {
      const person = this.peer(this.personOf(peer.index)).name
      return {
        ...envelope(),
        type: 'member.join',
        name: person,
        ...joinProof(person, network, peer.base.localKey),
      }
    }
    await creator.base.append(join(creator))
    for (let i = 1; i < size; i++) {
      const peer = await this.addPeer(creator.base.key)
      for (const other of this.opts.star ? [creator] : this.peers) {
        if (other !== peer) this.connect(other.index, peer.index)
      }
      const invite = testInvite(`${crypto.randomBytes(8).toString('hex')} for ${peer.name}`)
      await creator.base.append({
        ...envelope(),
        type: 'invite.create',
        invite: invite.id,
        publicKey: invite.publicKey,
        expires: ts + 7 * DAY,
        uses: 1,
      })
      await creator.base.append({
        ...envelope(),
        type: 'writer.add',
        key: peer.base.localKey,
        invite: invite.id,
        receipt: receiptFor(invite, peer.base.localKey),
      })
      // In a star only the creator and the newcomer take part: updating every base at each
      // poll would make setting up many peers quadratic.
      await waitFor(
        this,
        () => peer.base.writable,
        `${peer.name} to become writable`,
        this.opts.star ? 120_000 : 10_000,
        this.opts.star ? [0, peer.index] : undefined,
      )
      await peer.base.append(join(peer))
      if (this.opts.star && this.opts.detached?.(peer.index)) {
        const key = keys.member(peer.base.localKey)
        await waitFor(
          this,
          () => hasKeys(creator.base, [key]),
          `the creator to see ${peer.name} join`,
          120_000,
          [0, peer.index],
        )
        this.disconnect(0, peer.index)
      }
    }
    const everyone = this.members().map((m) => keys.member(m))
    for (const peer of this.opts.star ? [creator] : this.peers) {
      await waitFor(
        this,
        () => hasKeys(peer.base, everyone),
        `${peer.name} to see every member`,
        10_000,
        this.opts.star ? [0] : undefined,
      )
    }
  }

  private async addPeer(key: Buffer | null): Promise<Peer> {
    const index = this.peers.length
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'exodus-convergence-'))
    // Store and base come with open().
    const peer = {
      index,
      name: `peer${index}`,
      dir,
      applyErrors: [],
      baseErrors: [],
      applied: 0,
      restarts: 0,
    } as Omit<Peer, 'store' | 'base'> as Peer
    this.peers.push(peer)
    await this.open(peer, key)
    return peer
  }

  /** Opens the peer's store and base from its folder (again, after a restart). */
  private async open(peer: Peer, key: Buffer | null): Promise<void> {
    const rules = this.opts.applyOp?.(peer.index) ?? ledgerApplyOp
    peer.store = new Corestore(peer.dir)
    peer.base = new LedgerBase({
      store: peer.store,
      key,
      // Fixed, so that a restart finds the network again.
      namespace: 'convergence',
      encryptionKey: this.encryptionKey,
      ackInterval: this.opts.ackInterval,
      applyOp: (kv, raw, author, length) => {
        peer.applied++
        return rules(kv, raw, author, length)
      },
      onApplyError: (error, op) => peer.applyErrors.push({ error, op }),
    })
    peer.base.on('error', (err: unknown) => peer.baseErrors.push(err))

    await peer.base.ready()
  }

  /**
   * Closes the peer's base and store, as a device shutting down, and opens them again from
   * disk; its links come back once it is open.
   */
  async restart(i: number): Promise<void> {
    const peer = this.peer(i)
    const linked = this.peers.filter((p) => p !== peer && this.isConnected(i, p.index))
    for (const other of linked) this.disconnect(i, other.index)
    const key = peer.base.key
    await peer.base.close()
    await peer.store.close()
    await this.open(peer, key)
    peer.restarts++
    for (const other of linked) this.connect(i, other.index)
  }

  private static pair(i: number, j: number): string {
    return i < j ? `${i}-${j}` : `${j}-${i}`
  }

  isConnected(i: number, j: number): boolean {
    return this.links.has(PeerMesh.pair(i, j))
  }

  /** Starts replication between peers i and j (no-op if they already replicate). */
  connect(i: number, j: number): void {
    const id = PeerMesh.pair(i, j)
    if (i === j || this.links.has(id)) return
    const a = this.peer(i).base.replicate(true)
    const b = this.peer(j).base.replicate(false)
    // Destroying one end mid-transfer may surface as an error on the other.
    a.on('error', noop)
    b.on('error', noop)
    a.pipe(b).pipe(a)
    this.links.set(id, { a, b })
  }

  /** Cuts the streams between peers i and j (no-op if they are not connected). */
  disconnect(i: number, j: number): void {
    const id = PeerMesh.pair(i, j)
    const link = this.links.get(id)
    if (!link) return
    this.links.delete(id)
    link.a.destroy()
    link.b.destroy()
  }

  /** Connects exactly the pairs that share a group: group[i] is peer i's side. */
  partition(group: number[]): void {
    for (let i = 0; i < this.peers.length; i++) {
      for (let j = i + 1; j < this.peers.length; j++) {
        if (group[i] === group[j]) this.connect(i, j)
        else this.disconnect(i, j)
      }
    }
  }

  disconnectAll(): void {
    for (const id of [...this.links.keys()]) {
      const [i, j] = id.split('-').map(Number) as [number, number]
      this.disconnect(i, j)
    }
  }

  async updateAll(): Promise<void> {
    await Promise.all(this.bases.map((b) => b.update()))
  }

  peer(i: number): Peer {
    const peer = this.peers[i]
    if (!peer) throw new Error(`no peer ${i}`)
    return peer
  }

  /** Streams first, then bases, stores and folders. */
  async close(): Promise<void> {
    this.disconnectAll()
    await Promise.allSettled(this.peers.map((p) => p.base?.close()))
    await Promise.allSettled(this.peers.map((p) => p.store?.close()))
    await Promise.allSettled(this.peers.map((p) => fs.rm(p.dir, { recursive: true, force: true })))
  }
}

/** Member `id`'s about text in `peer`'s view. */
export async function aboutOf(peer: Peer, id: string): Promise<string | undefined> {
  const snap = peer.base.snapshot()
  try {
    return (await snap.get<Member>(keys.member(id)))?.about
  } finally {
    await snap.close()
  }
}

/** Whether the base's view holds every key. */
async function hasKeys(base: LedgerBase, wanted: string[]): Promise<boolean> {
  const snap = base.snapshot()
  try {
    for (const key of wanted) if (!(await snap.get(key))) return false
    return true
  } finally {
    await snap.close()
  }
}

function noop(): void {}
