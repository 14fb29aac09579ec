/**
 * A malicious member, tried from inside the network (issue 12, "Tests"): real nodes in this
 * process on one local testnet, three honest members and one who appends raw ops to their own
 * writer core through their base, past every check of their node. Whatever they append, the
 * honest peers must end with one identical view (the whole view, every key: `dump`), network
 * time must be what the honest clocks say, and nothing that domain.md §4, §11 and §12 forbid
 * may be accepted.
 *
 * The rules themselves are tested in memory (test/ledger/network-time.test.ts, devices.test.ts);
 * these go through replication, Autobase's ordering and the real apply router.
 */
import { createReceipt } from 'blind-pairing-core'
import crypto from 'hypercore-crypto'
import HyperDHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import { describe, expect, it } from 'vitest'
import { MAX_TIMESTAMP } from '../../core/ledger/limits.ts'
import {
  keys,
  type Invite,
  type LedgerEvent,
  type Member,
  type NetworkMeta,
  type Pledge,
  type Rejection,
  type WriterRecord,
} from '../../core/ledger/model.ts'
import { nextBoundary } from '../../core/ledger/network-time.ts'
import { OP_VERSION } from '../../core/ledger/ops.ts'
import { APPLIED, type ApplyOpFn } from '../../core/network/ledger-base.ts'
import { decodeInviteCode } from '../../core/node/invite-code.ts'
import { networkEntry, newNamespace } from '../../core/node/networks.ts'
import { randomOpId } from '../../core/node/session.ts'
import { joinProof, receiptFor, testInvite } from '../support/admission.ts'
import { afterTest, create, eventually, pair, startNode, type Peer } from '../support/nodes.ts'

const DAY = 86_400_000
const MINUTE = 60_000
const Y2036 = Date.UTC(2036, 0, 15, 9)
const Y1990 = Date.UTC(1990, 5, 1, 9)
/** Stamps that jump back and forth: far ahead, far behind, the latest allowed, the epoch. */
const WILD = [Y2036, Y1990, MAX_TIMESTAMP, Y2036 + DAY, 0, MAX_TIMESTAMP - 1, Y1990 - DAY]

function session(p: Peer) {
  return p.node.networks.get(p.net.id)
}

function writerOf(p: Peer): string {
  return session(p).base.localKey
}

/**
 * Appends `op` as it is to `p`'s own writer core, past every check of its node; resolves with
 * its position in that core.
 */
function raw(p: Peer, op: Record<string, unknown>, ts = Date.now()): Promise<number> {
  return session(p).base.append({ v: OP_VERSION, id: randomOpId(), ts, ...op })
}

function random32(): string {
  return crypto.randomBytes(32).toString('hex')
}

/** The whole view of `p`, every key and value in key order. */
function dump(p: Peer): Promise<string> {
  return session(p).read(async (kv) => JSON.stringify(await kv.list('')))
}

/** Waits until every one of `peers` holds the same view, and returns it. */
async function converged(peers: Peer[]): Promise<string> {
  const views = await eventually(
    () => Promise.all(peers.map(dump)),
    (v) => v.every((x) => x === v[0]),
    30_000,
  )
  return views[0]!
}

function read<T>(p: Peer, key: string): Promise<T | null> {
  return session(p).read((kv) => kv.get<T>(key))
}

async function meta(p: Peer): Promise<NetworkMeta> {
  return (await read<NetworkMeta>(p, keys.meta))!
}

/** Waits until every one of `peers` applied `writer`'s core up to `length`. */
async function applied(peers: Peer[], writer: string, length: number): Promise<void> {
  await eventually(
    () => Promise.all(peers.map((p) => read<number>(p, APPLIED + writer))),
    (marks) => marks.every((m) => (m ?? 0) >= length),
    30_000,
  )
}

/** The reason codes of the ops of `author` that `p`'s view refused, in the order applied. */
async function refusedOf(p: Peer, author: string): Promise<string[]> {
  const all = await session(p).read((kv) => kv.list<Rejection>(keys.rejections))
  return all
    .map((e) => e.value)
    .filter((r) => r.author === author)
    .map((r) => (typeof r.reason === 'string' ? r.reason : r.reason.code))
}

interface ApplyCall {
  author: string
  raw: Buffer
  ms: number
}

/**
 * Records every op `p`'s base applies from now on, and how long the ledger's rules took over
 * it (applyOp, as the apply router calls it: decode, clock, rule, rejection). Reaches into
 * the base's router, which keeps the function it calls in its options.
 */
function tap(p: Peer): ApplyCall[] {
  const base = session(p).base as unknown as { applier: { opts: { applyOp: ApplyOpFn } } }
  const opts = base.applier.opts
  const inner = opts.applyOp
  const calls: ApplyCall[] = []
  opts.applyOp = async (kv, value, author, length) => {
    const start = performance.now()
    try {
      return await inner(kv, value, author, length)
    } finally {
      calls.push({ author, raw: value as Buffer, ms: performance.now() - start })
    }
  }
  return calls
}

/** The view core of `p`'s Autobase: how much of the view the indexers have signed. */
function viewCore(p: Peer): { length: number; signedLength: number } {
  const base = session(p).base as unknown as {
    base: { view: { core: { length: number; signedLength: number } } }
  }
  const core = base.base.view.core
  return { length: core.length, signedLength: core.signedLength }
}

/** Count, mean, median, 90th percentile and maximum of `ms`, rounded to µs. */
function stats(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  const round = (x: number) => Math.round(x * 1000) / 1000
  return {
    n: ms.length,
    mean: round(ms.reduce((a, b) => a + b, 0) / ms.length),
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    max: round(sorted.at(-1)!),
  }
}

/** A clock per node, each moved forward by hand. */
function clocks() {
  const ahead = new Map<string, number>()
  return {
    node: (name: string) => ({
      clock: () => Date.now() + (ahead.get(name) ?? 0),
      cycleCheckMs: 200,
    }),
    set: (name: string, at: number) => ahead.set(name, at - Date.now()),
  }
}

/** A node named `name` joins `a`'s network with the invite `code`, and is a writer of it. */
async function joinWith(a: Peer, name: string, code: string): Promise<Peer> {
  const node = await startNode(a.t, name)
  const joined = await node.call('network.join', { invite: code })
  expect(joined.network.id).toBe(a.net.id)
  const net = await eventually(
    async () => (await node.call('network.list', {})).find((n) => n.id === a.net.id),
    (n) => n?.sync.writable === true && n.joined,
  )
  return { node, net: net!, t: a.t }
}

/** Anna, Boris and Vera, honest, and Mallory, in a network of Anna's (time zone UTC). */
async function network(clock?: ReturnType<typeof clocks>) {
  const node = (name: string) => clock?.node(name) ?? {}
  const anna = await create(undefined, { node: node('Anna'), network: { timeZone: 'UTC' } })
  const boris = await pair(anna, 'Boris', { node: node('Boris') })
  const vera = await pair(anna, 'Vera', { node: node('Vera') })
  const mallory = await pair(anna, 'Mallory', { node: node('Mallory') })
  return { anna, boris, vera, mallory, honest: [anna, boris, vera], id: anna.net.id }
}

describe('a malicious member appending raw ops to their own writer core', () => {
  it('stamps far ahead, far behind, at the maximum and jumping about move no time and cost what honest ops cost', async () => {
    const { anna, mallory, id, ...rest } = await network()
    // Gleb joins after Mallory: like her, he holds no indexer place (his ops, like hers, are
    // ordered again as the indexers agree), so his ops are the ones to compare hers with.
    const gleb = await pair(anna, 'Gleb')
    const honest = [...rest.honest, gleb]
    const timings = honest.map(tap)
    await anna.node.call('status.set', { network: id, status: 'orange', amount: 50_000 })
    await converged([...honest, mallory])
    const before = await meta(anna)

    // The same ops, once from Mallory with stamps all over the place, once from Gleb with
    // his clock's: a profile, a cycle op, an intention to Anna (the first is made, the others
    // refused: one open intention per author and recipient), a status.
    const N = 48
    const opOf = (i: number) =>
      [
        { type: 'member.profile', about: `note ${i}` },
        { type: 'cycle' },
        { type: 'intention.create', to: anna.net.me, amount: 100 + i },
        { type: 'status.orange', amount: 1_000 + i },
      ][i % 4]!
    let start = performance.now()
    let last = 0
    for (let i = 0; i < N; i++) last = await raw(mallory, opOf(i), WILD[i % WILD.length])
    // And one stamped after the latest time allowed: malformed.
    const late = await raw(mallory, { type: 'member.profile', about: 'late' }, MAX_TIMESTAMP + 1)
    await applied(honest, writerOf(mallory), late)
    const malloryBatch = performance.now() - start
    start = performance.now()
    for (let i = 0; i < N; i++) last = await raw(gleb, opOf(i))
    await applied(honest, writerOf(gleb), last)
    const glebBatch = performance.now() - start
    await converged(honest)
    const after = Date.now()

    // Network time did not move: not to 2036, not to year 9999, not back to 1990.
    for (const p of honest) {
      const m = await meta(p)
      expect({ now: m.now, cycle: m.cycle }).toEqual({ now: before.now, cycle: before.cycle })
      expect(m.now).toBeLessThanOrEqual(after)
    }
    // Mallory's clock is what she said (her say counts once), and no more than that.
    expect(await read(anna, keys.clock(mallory.net.me))).toBe(
      Math.floor(MAX_TIMESTAMP / MINUTE) * MINUTE,
    )
    // Her intention (stamped at the maximum) is dated and filed at network time.
    const hers = (
      await session(anna).read((kv) => kv.list<Pledge>(keys.pledgesBy(mallory.net.me)))
    ).map((e) => e.value)
    expect(hers.map((p) => ({ createdAt: p.createdAt, cycle: p.cycle }))).toEqual([
      { createdAt: before.now, cycle: before.cycle },
    ])
    // Every record her ops made carries a time honest clocks had reached.
    const events = await session(anna).read((kv) => kv.list<LedgerEvent>(keys.events))
    const made = events.map((e) => e.value).filter((e) => e.actor === mallory.net.me)
    expect(made.length).toBeGreaterThan(0)
    for (const e of made) expect(e.at).toBeGreaterThanOrEqual(before.now)
    for (const e of made) expect(e.at).toBeLessThanOrEqual(after)
    // Refused: the later intentions, and the op stamped past the maximum, as malformed.
    const rejected = (await session(anna).read((kv) => kv.list<Rejection>(keys.rejections)))
      .map((e) => e.value)
      .filter((r) => r.author === writerOf(mallory))
    expect(rejected.map((r) => (typeof r.reason === 'string' ? r.reason : r.reason.code))).toEqual([
      ...Array<string>(N / 4 - 1).fill('intention-exists'),
      'malformed-field',
    ])
    expect(rejected.at(-1)).toMatchObject({
      ref: `${writerOf(mallory)}@${late}`,
      reason: { params: { field: 'ts' } },
    })

    // Apply time per op on the honest nodes (every call, re-applies after a reorder too),
    // Mallory's ops next to Gleb's same ops, in the same run.
    const all = timings.flat()
    const wild = stats(all.filter((c) => c.author === writerOf(mallory)).map((c) => c.ms))
    const tame = stats(all.filter((c) => c.author === writerOf(gleb)).map((c) => c.ms))
    expect(wild.n).toBeGreaterThanOrEqual(honest.length * (N + 1))
    // The usual and the slower ops cost what Gleb's cost (ratios, not absolute figures: the
    // machine may be busy), and no single one comes near the seconds to minutes that stamps
    // cost before they were bounded (issue 12): a pause of the process can reach 50 ms here.
    expect(wild.p50 / tame.p50).toBeLessThan(5)
    expect(wild.p90 / tame.p90).toBeLessThan(5)
    expect(wild.max).toBeLessThan(1_000)
    // From the first append until every honest peer applied the last, per op.
    expect(malloryBatch / glebBatch).toBeLessThan(5)
    console.info(
      `apply per op, ms: Mallory ${JSON.stringify(wild)}, Gleb ${JSON.stringify(tame)}; ` +
        `batch of ${N} until applied on all: Mallory ${malloryBatch.toFixed(0)}, Gleb ${glebBatch.toFixed(0)}`,
    )
  }, 60_000)

  it('a month starts when the honest clocks pass it, at their time, once', async () => {
    const clock = clocks()
    const { anna, boris, vera, mallory, honest } = await network(clock)
    await converged([...honest, mallory])
    const before = await meta(anna)
    const boundary = nextBoundary(before)
    let last = 0
    for (const ts of WILD) last = await raw(mallory, { type: 'cycle' }, ts)
    await applied(honest, writerOf(mallory), last)
    for (const p of honest) expect((await meta(p)).cycle).toBe(before.cycle)

    // Anna's app passes the month start (its cycle op says so): with Mallory's clock, two of
    // four are past it, not more than half.
    clock.set('Anna', boundary + 6 * 3_600_000)
    await eventually(
      () => Promise.all(honest.map((p) => read<number>(p, keys.clock(anna.net.me)))),
      (c) => c.every((x) => x !== null && x >= boundary),
    )
    for (const p of honest) expect((await meta(p)).cycle).toBe(before.cycle)
    // Mallory goes on jumping about: nothing.
    for (const ts of [Y1990, MAX_TIMESTAMP, 0]) last = await raw(mallory, { type: 'cycle' }, ts)
    await applied(honest, writerOf(mallory), last)
    for (const p of honest) expect((await meta(p)).cycle).toBe(before.cycle)

    // Boris's app passes it too: three of four. Network time is the lower median of the four
    // clocks (Vera's, Boris's, Anna's, Mallory's): Boris's.
    clock.set('Boris', boundary + 3 * 3_600_000)
    const next = await eventually(
      () => Promise.all(honest.map(meta)),
      (m) => m.every((x) => x.cycle !== before.cycle),
    )
    await converged(honest)
    const borisClock = (await read<number>(anna, keys.clock(boris.net.me)))!
    const annaClock = (await read<number>(anna, keys.clock(anna.net.me)))!
    const veraClock = (await read<number>(anna, keys.clock(vera.net.me)))!
    expect(borisClock).toBeGreaterThanOrEqual(boundary)
    expect(veraClock).toBeLessThan(boundary)
    for (const m of next) {
      expect(m.cycle).toBe(new Date(boundary).toISOString().slice(0, 7))
      expect(m.now).toBe(Math.min(borisClock, annaClock))
    }
    const started = (await session(vera).read((kv) => kv.list<LedgerEvent>(keys.events)))
      .map((e) => e.value)
      .filter((e) => e.kind === 'cycle.started')
    expect(started).toHaveLength(1)
    expect(started[0]!.at).toBe(boundary)
    expect(started[0]!.data).toEqual({ cycle: next[0]!.cycle, past: before.cycle })
  }, 60_000)

  it('cannot burn invites: writer.add without a real pairing is refused, and the invite still admits a newcomer', async () => {
    const anna = await create(undefined, { network: { timeZone: 'UTC' } })
    const id = anna.net.id
    const boris = await pair(anna, 'Boris')
    const mallory = await pair(anna, 'Mallory')
    // Mallory's node sees every op it applies, receipts included.
    const seen = tap(mallory)
    // Anna's invite for two friends; Vera uses it first.
    const invite = await anna.node.call('invite.create', { network: id, uses: 2 })
    const vera = await joinWith(anna, 'Vera', invite.code)
    const honest = [anna, boris, vera]
    const veraAdmitted = await eventually(
      () =>
        seen
          .map((c) => JSON.parse(c.raw.toString()) as Record<string, string>)
          .find((op) => op.type === 'writer.add' && op.key === writerOf(vera)),
      (op) => op !== undefined,
    )
    // What the ledger shows everyone: the invite's id and public key, and how often it was used.
    const record = (await read<Invite>(mallory, keys.invite(invite.id)))!
    expect(record).toMatchObject({ publicKey: expect.any(String), uses: 2, used: 1 })

    const sybil = random32()
    const burn = (fields: Record<string, string>) =>
      raw(mallory, { type: 'writer.add', key: sybil, invite: invite.id, ...fields })
    // A receipt made with an invite of her own making, one that is not a receipt at all, the
    // real receipt of Vera's pairing (read in Anna's op) for another writer and for Vera's
    // again, and none.
    await burn({ receipt: receiptFor(testInvite('mallory'), sybil) })
    await burn({ receipt: 'ab'.repeat(96) })
    await burn({ receipt: veraAdmitted!.receipt! })
    await burn({ key: writerOf(vera), receipt: veraAdmitted!.receipt! })
    const last = await raw(mallory, { type: 'writer.add', key: sybil, invite: invite.id })
    await applied(honest, writerOf(mallory), last)
    for (const p of honest) {
      expect(await refusedOf(p, writerOf(mallory))).toEqual([
        'pairing-unproven',
        'pairing-unproven',
        'pairing-unproven',
        'writer-exists',
        'malformed-field',
      ])
      expect(await read(p, keys.writer(sybil))).toBeNull()
      expect(await read<Invite>(p, keys.invite(invite.id))).toMatchObject({ used: 1 })
    }

    // A real newcomer joins with it: its second use.
    const gleb = await joinWith(anna, 'Gleb', invite.code)
    for (const p of honest) {
      const used = await eventually(
        () => read<Invite>(p, keys.invite(invite.id)),
        (i) => i?.used === 2,
      )
      expect(used).toMatchObject({ used: 2, uses: 2 })
      await eventually(
        () => read<Member>(p, keys.member(gleb.net.me)),
        (m) => m?.name === 'Gleb',
      )
    }
    await converged(honest)
  }, 60_000)

  it('cannot admit writers for themselves without pairing, nor hold two indexer places', async () => {
    const anna = await create(undefined, { network: { timeZone: 'UTC' } })
    const id = anna.net.id
    const mallory = await pair(anna, 'Mallory')
    const own = await mallory.node.call('invite.create', { network: id, uses: 2 })
    const [s1, s2] = [random32(), random32()]
    // Her own invite, but writers that never paired with it: a forged receipt, and a real
    // one (she holds the invite's code) made for another writer.
    const bytes = decodeInviteCode(own.code, Date.now()).bytes
    const realForS1 = Buffer.from(createReceipt(bytes, Buffer.from(s1, 'hex')).receipt)
    await raw(mallory, {
      type: 'writer.add',
      key: s1,
      invite: own.id,
      receipt: receiptFor(testInvite('sybil'), s1),
    })
    const forged = await raw(mallory, {
      type: 'writer.add',
      key: s2,
      invite: own.id,
      receipt: realForS1.toString('hex'),
    })

    // Her second device (her phrase on another install, through her own invite: allowed) is
    // her: it takes no indexer place, though the third one is free.
    const { words } = await mallory.node.call('identity.phrase', { confirm: true })
    const phoneNode = await startNode(anna.t, 'Mallory phone')
    await phoneNode.call('identity.restore', { phrase: words.join(' ') })
    const joined = await phoneNode.call('network.join', { invite: own.code })
    expect(joined.network.me).toBe(mallory.net.me)
    const phone: Peer = { node: phoneNode, net: joined.network, t: anna.t }
    const mine = await eventually(
      () => read<Member>(anna, keys.member(mallory.net.me)),
      (m) => m?.devices.length === 2,
    )
    expect(mine!.devices).toEqual([writerOf(mallory), writerOf(phone)])
    expect((await meta(anna)).indexers).toEqual([writerOf(anna), writerOf(mallory)])
    // Nor does it become a second member with another key.
    const again = await raw(phone, {
      type: 'member.join',
      name: 'Not Mallory',
      ...joinProof('sybil', id, writerOf(phone)),
    })

    // A sybil with a fresh identity through her invite's second use: a new member, as anyone
    // she invites (the network cannot tell), so a member of its own for the indexer rule.
    const sybil = await joinWith(mallory, 'Sybil', own.code)
    const boris = await pair(anna, 'Boris')
    const vera = await pair(anna, 'Vera')
    const honest = [anna, boris, vera]
    await applied(honest, writerOf(mallory), forged)
    await applied(honest, writerOf(phone), again)
    await converged(honest)
    for (const p of honest) {
      expect(await refusedOf(p, writerOf(mallory))).toEqual([
        'pairing-unproven',
        'pairing-unproven',
      ])
      expect(await refusedOf(p, writerOf(phone))).toEqual(['already-member'])
      expect(await read(p, keys.writer(s1))).toBeNull()
      expect(await read(p, keys.writer(s2))).toBeNull()
      expect(await read<Invite>(p, keys.invite(own.id))).toMatchObject({ used: 2 })
      const m = await meta(p)
      expect(m.indexers).toEqual([writerOf(anna), writerOf(mallory), writerOf(sybil)])
      const holders = await Promise.all(
        m.indexers.map(async (d) => (await read<WriterRecord>(p, keys.writer(d)))!.member),
      )
      expect(holders).toEqual([anna.net.me, mallory.net.me, sybil.net.me])
      expect((await read<WriterRecord>(p, keys.writer(writerOf(phone))))!.member).toBe(
        mallory.net.me,
      )
      const members = await session(p).read((kv) => kv.list<Member>(keys.members))
      expect(members.map((e) => e.value.name).sort()).toEqual([
        'Anna',
        'Boris',
        'Mallory',
        'Sybil',
        'Vera',
      ])
    }
  }, 90_000)

  it("cannot link a device to another member's key", async () => {
    const { anna, mallory, honest, id } = await network()
    const annaBefore = (await read<Member>(anna, keys.member(anna.net.me)))!
    // A writer of hers that has not joined: a node opened on the network's keys (she has
    // them), admitted with a real pairing receipt of an invite she made.
    const inv = testInvite('mallory rogue')
    await raw(mallory, {
      type: 'invite.create',
      invite: inv.id,
      publicKey: inv.publicKey,
      expires: Date.now() + DAY,
      uses: 1,
    })
    const rogueNode = await startNode(anna.t, 'Rogue')
    const { key, encryptionKey } = session(mallory).entry
    const opened = await rogueNode.networks.open(
      networkEntry({
        key,
        encryptionKey,
        namespace: newNamespace(),
        addedAt: Date.now(),
        joiningAs: null,
      }),
    )
    const rogue: Peer = { node: rogueNode, net: await opened.summary(), t: anna.t }
    const rogueKey = writerOf(rogue)
    await raw(mallory, {
      type: 'writer.add',
      key: rogueKey,
      invite: inv.id,
      receipt: receiptFor(inv, rogueKey),
    })
    await eventually(
      () => session(rogue).base.writable,
      (w) => w,
    )

    // It joins with Anna's member key, copied from her record, and proofs it cannot have: one
    // signed with a key of Mallory's, the proof in Anna's own join (made for Anna's device;
    // ed25519 signs deterministically, so these are the bytes in her log), and bytes.
    const annaKey = annaBefore.key
    const join = (proof: string) =>
      raw(rogue, { type: 'member.join', name: 'Anna', key: annaKey, proof })
    await join(joinProof('mallory', id, rogueKey).proof)
    await join((await session(anna).joinOp('Anna')).proof)
    const joins = await join('ab'.repeat(64))
    await applied(honest, rogueKey, joins)
    for (const p of honest) {
      expect(await refusedOf(p, rogueKey)).toEqual(Array<string>(3).fill('join-unproven'))
      expect(await read<Member>(p, keys.member(anna.net.me))).toEqual(annaBefore)
    }
    // Then acts as Anna: refused, it is nobody.
    await raw(rogue, { type: 'status.orange', amount: 10_000 })
    await raw(rogue, { type: 'device.unlink', device: writerOf(anna) })
    const last = await raw(rogue, { type: 'member.leave' })
    // Her own member device claiming Anna's key: already a member.
    const claim = await raw(mallory, {
      type: 'member.join',
      name: 'Anna',
      key: annaKey,
      proof: joinProof('mallory', id, writerOf(mallory)).proof,
    })
    await applied(honest, rogueKey, last)
    await applied(honest, writerOf(mallory), claim)
    await converged(honest)
    for (const p of honest) {
      expect(await refusedOf(p, rogueKey)).toEqual([
        'join-unproven',
        'join-unproven',
        'join-unproven',
        'join-first',
        'join-first',
        'join-first',
      ])
      expect(await refusedOf(p, writerOf(mallory))).toEqual(['already-member'])
      expect(await read<Member>(p, keys.member(anna.net.me))).toEqual(annaBefore)
      expect(await read(p, keys.memberKey(annaKey))).toBe(anna.net.me)
      expect(await read<WriterRecord>(p, keys.writer(rogueKey))).not.toHaveProperty('member')
      const events = await session(p).read((kv) => kv.list<LedgerEvent>(keys.events))
      expect(events.filter((e) => e.value.kind === 'device.linked')).toEqual([])
    }
  }, 60_000)

  it('an unlinked device that keeps writing changes nothing', async () => {
    const anna = await create(undefined, { network: { timeZone: 'UTC' } })
    const id = anna.net.id
    const boris = await pair(anna, 'Boris')
    const vera = await pair(anna, 'Vera')
    const honest = [anna, boris, vera]
    // Boris's phone: his phrase on a new install, admitted through Anna's invite.
    const { words } = await boris.node.call('identity.phrase', { confirm: true })
    const phoneNode = await startNode(anna.t, 'Boris phone')
    await phoneNode.call('identity.restore', { phrase: words.join(' ') })
    const invite = await anna.node.call('invite.create', { network: id })
    const joined = await phoneNode.call('network.join', { invite: invite.code })
    expect(joined.network.me).toBe(boris.net.me)
    const phone: Peer = { node: phoneNode, net: joined.network, t: anna.t }
    const phoneKey = writerOf(phone)
    // While linked, what it appends counts as Boris.
    const linked = await raw(phone, { type: 'member.profile', about: 'from the phone' })
    await applied(honest, phoneKey, linked)

    // The phone goes out of reach (a thief keeps it offline); Boris unlinks it.
    await session(phone).stopSync()
    await boris.node.call('device.unlink', { network: id, device: phoneKey })
    for (const p of honest) {
      await eventually(
        () => read<Member>(p, keys.member(boris.net.me)),
        (m) => m?.unlinked?.includes(phoneKey) === true,
      )
    }
    const before = await converged(honest)
    // The unlink is signed by the indexers: final on every honest peer. Until then, what the
    // phone writes offline is concurrent with it and Autobase may still order it first
    // (docs/protocol.md, "Concurrent ops"): in trials where the phone came back as soon as
    // every view showed the unlink, its device.unlink of Boris's laptop and its member.leave
    // were applied in 3 runs of 6.
    for (const p of honest) {
      await eventually(
        () => viewCore(p),
        (c) => c.signedLength === c.length,
      )
    }
    const borisBefore = (await read<Member>(anna, keys.member(boris.net.me)))!
    expect(borisBefore).toMatchObject({
      about: 'from the phone',
      devices: [writerOf(boris)],
      unlinked: [phoneKey],
    })

    // It keeps writing, and reaches the network with another key pair than its writer's
    // (members' nodes refuse connections from an unlinked device's own key).
    const inv = testInvite('thief')
    const ops = [
      { type: 'member.profile', about: 'stolen' },
      { type: 'status.orange', amount: 10_000 },
      {
        type: 'invite.create',
        invite: inv.id,
        publicKey: inv.publicKey,
        expires: Date.now() + DAY,
        uses: 5,
      },
      { type: 'device.unlink', device: writerOf(boris) },
      { type: 'member.leave' },
    ]
    let last = 0
    for (const op of ops) last = await raw(phone, op)
    const dht = new HyperDHT({ bootstrap: anna.t.bootstrap })
    const swarm = new Hyperswarm({ dht, keyPair: crypto.keyPair() })
    afterTest(async () => {
      await swarm.destroy()
      await dht.destroy()
    })
    swarm.on('connection', (conn) => {
      conn.on('error', () => {})
      session(phone).base.replicate(conn)
    })
    await swarm.join(session(phone).base.discoveryKey, { server: true, client: true }).flushed()

    // Every honest peer gets the whole of the phone's log...
    for (const p of honest) {
      const core = p.node.networks.store.get({ key: Buffer.from(phoneKey, 'hex'), active: false })
      await core.ready()
      await eventually(
        () => core.contiguousLength,
        (n) => n >= last,
        30_000,
      )
      await core.close()
      await session(p).base.update()
    }
    // ...and none of it counts. Autobase applies nothing a removed writer appends after its
    // removal (so the rule's `device-unlinked` is a second line: an op of it that reached the
    // rules would be refused so, and only marked as applied).
    const counted = (view: string) =>
      (JSON.parse(view) as Array<{ key: string }>).filter(
        (e) =>
          !e.key.startsWith(keys.rejections) &&
          !e.key.startsWith(keys.refusals) &&
          e.key !== keys.rejectedSeq &&
          e.key !== APPLIED + phoneKey,
      )
    const after = await converged(honest)
    expect(counted(after)).toEqual(counted(before))
    for (const p of honest) {
      const mark = (await read<number>(p, APPLIED + phoneKey))!
      expect(await refusedOf(p, phoneKey)).toEqual(
        Array<string>(mark - linked).fill('device-unlinked'),
      )
      expect(await read<Member>(p, keys.member(boris.net.me))).toEqual(borisBefore)
      expect(await read(p, keys.invite(inv.id))).toBeNull()
    }
    // The phone, once it sees the unlink, can append no more.
    await eventually(
      () => read<WriterRecord>(phone, keys.writer(phoneKey)),
      (w) => w?.unlinkedAt !== undefined,
      30_000,
    )
    await expect(raw(phone, { type: 'member.profile', about: 'again' })).rejects.toThrow(
      'Not writable',
    )
  }, 60_000)
})
