/**
 * Drives the real ledger rules on an in-memory store: members are fake writer keys, ops are
 * given without their envelope and stamped with an injectable clock.
 *
 * Network time follows the median of the members' clocks (core/ledger/network-time.ts). By
 * default every member's app is online: when a test moves `now`, the next op is preceded by a
 * `cycle` op from every other member stamped with the new time, as their apps would append.
 * Tests of the median itself set `everyoneOnline = false` and stamp ops one by one.
 */
import { createHash } from 'node:crypto'
import { applyOp, type ApplyResult } from '../../core/ledger/apply.ts'
import { MemoryKV } from '../../core/ledger/kv.ts'
import {
  keys,
  pledgeIdOf,
  type Member,
  type NetworkMeta,
  type Pledge,
  type Rejection,
  type WriterRecord,
} from '../../core/ledger/model.ts'
import { OP_VERSION, type OpInput, type OpOf } from '../../core/ledger/ops.ts'
import { joinProof, receiptFor, testInvite, type TestInvite } from './admission.ts'

export const DAY = 86_400_000

export function keyOf(name: string): string {
  return createHash('sha256').update(name).digest('hex')
}

export class TestLedger {
  readonly kv = new MemoryKV()
  private counter = 0
  private lengths = new Map<string, number>()
  /** Members who joined and have not left, by name: the apps that note time passing. */
  private readonly present = new Set<string>()
  private synced: number
  everyoneOnline = true

  /** Time of the next op (ms); tests move it forward. */
  constructor(public now = Date.UTC(2026, 10, 3, 12)) {
    this.synced = now
  }

  /** Appends an op as `author` (a name, turned into a stable key), returns the result and the op id. */
  async op(
    author: string,
    input: OpInput,
    ts = this.now,
  ): Promise<ApplyResult & { id: string; pledge: string }> {
    if (this.everyoneOnline && this.now > this.synced) {
      this.synced = this.now
      for (const name of this.present) if (name !== author) await this.tick(name)
    }
    const result = await this.tick(author, input, ts)
    if (result.accepted && input.type === 'member.join') this.present.add(author)
    if (result.accepted && input.type === 'member.leave') this.present.delete(author)
    return result
  }

  private tick(author: string, input: OpInput = { type: 'cycle' }, ts = this.now) {
    const id = `op${(++this.counter).toString().padStart(6, '0')}`
    return this.raw(author, { v: OP_VERSION, id, ts, ...input }, id)
  }

  async raw(
    author: string,
    value: unknown,
    id = 'raw',
  ): Promise<ApplyResult & { id: string; pledge: string }> {
    const key = keyOf(author)
    const length = (this.lengths.get(key) ?? 0) + 1
    this.lengths.set(key, length)
    const result = await applyOp(this.kv, value, key, length)
    // Pledges are named after the member the device acts for.
    const member = (await this.kv.get<WriterRecord>(keys.writer(key)))?.member ?? key
    return { ...result, id, pledge: pledgeIdOf(member, id) }
  }

  /** Like `op` but fails the test if the op is rejected. */
  async ok(author: string, input: OpInput, ts = this.now) {
    const result = await this.op(author, input, ts)
    if (!result.accepted) throw new Error(`${input.type} by ${author} rejected: ${result.reason}`)
    return result
  }

  /** The network's id (its creator's writer key): what member keys are derived for. */
  networkId = ''

  /** Creates the network with `creator` as first member, then admits and joins the others. */
  async network(creator: string, others: string[] = [], opts: { timeZone?: string } = {}) {
    await this.ok(creator, {
      type: 'network.create',
      name: 'Friends',
      currency: 'EUR',
      decimals: 2,
      timeZone: opts.timeZone ?? 'UTC',
    })
    this.networkId = keyOf(creator)
    await this.ok(creator, this.joinOp(creator))
    for (const name of others) await this.join(name, creator)
    return this
  }

  /** Admits `name` with a fresh single-use invite created by `by`, then joins. */
  async join(name: string, by: string) {
    const invite = await this.invite(by, `invite for ${name}`)
    await this.ok(by, this.admitOp(invite, name))
    await this.ok(name, this.joinOp(name))
  }

  /** `by` creates the invite named `label` (single-use, for 7 days unless said otherwise). */
  async invite(
    by: string,
    label: string,
    terms: Partial<Omit<OpOf<'invite.create'>, 'v' | 'id' | 'ts' | 'type'>> = {},
  ): Promise<TestInvite> {
    const invite = testInvite(label)
    await this.ok(by, {
      type: 'invite.create',
      invite: invite.id,
      publicKey: invite.publicKey,
      expires: this.now + 7 * DAY,
      uses: 1,
      ...terms,
    })
    return invite
  }

  /** The writer.add that admits the writer of `name`, who paired with `invite`. */
  admitOp(invite: TestInvite, name: string): OpInput<'writer.add'> {
    const key = keyOf(name)
    return { type: 'writer.add', key, invite: invite.id, receipt: receiptFor(invite, key) }
  }

  /** The member.join of the writer `writer` as the person `person` (by default the same). */
  joinOp(writer: string, person = writer): OpInput<'member.join'> {
    // Before the network exists (ops the rules must refuse), any key will do.
    const network = this.networkId || keyOf(writer)
    return { type: 'member.join', name: person, ...joinProof(person, network, keyOf(writer)) }
  }

  meta() {
    return this.kv.get<NetworkMeta>(keys.meta) as Promise<NetworkMeta>
  }

  member(name: string) {
    return this.kv.get<Member>(keys.member(keyOf(name))) as Promise<Member>
  }

  pledge(id: string) {
    return this.kv.get<Pledge>(keys.pledge(id)) as Promise<Pledge>
  }

  async rejections(): Promise<Rejection[]> {
    return (await this.kv.list<Rejection>(keys.rejections)).map((e) => e.value)
  }
}
