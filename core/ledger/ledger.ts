/**
 * What a rule sees while it applies one op: the state (through a KV), the current time as
 * carried by ops, and ways to record pledges, members and events. Keeps the secondary
 * indexes (history and current) in step with every pledge write.
 */
import type { KV, ReadKV } from './kv.ts'
import type { OpOf, OpType } from './ops.ts'
import { reasonText, refusal, type ErrorParams, type ReasonCode, type Refusal } from '../errors.ts'
import {
  EVERYONE,
  keys,
  memberTag,
  type EventKind,
  type LedgerEvent,
  type Member,
  type NetworkMeta,
  type Pledge,
} from './model.ts'

/** Side effects on the Autobase host that a rule asks for; the router performs them. */
/** Ops a member in good standing may append: all but creating the network, joining, time. */
export type MemberOpType = Exclude<OpType, 'network.create' | 'member.join' | 'cycle'>

/**
 * A rule file's table of the member ops it decides (rules/<module>.ts); apply routes each op
 * to its rule through the union of these tables.
 */
export type MemberRules = {
  [T in MemberOpType]?: (l: Ledger, author: Member, op: OpOf<T>) => Promise<void>
}

export type Effect =
  { type: 'addWriter'; key: string; indexer: boolean } | { type: 'removeWriter'; key: string }

export class Rejected extends Error {
  constructor(readonly refusal: Refusal) {
    super(reasonText(refusal))
  }
}

/** Stops the current rule; the op is recorded as rejected with this reason (REASONS). */
export function reject(code: ReasonCode, params?: ErrorParams): never {
  throw new Rejected(refusal(code, params))
}

/**
 * Whether a pledge is in the members' current picture, the small index the rules and the
 * member cards read instead of the whole history: intentions (active or frozen),
 * obligations in force (overdue ones too: still owed), and those confirmed this cycle. The
 * monthly rollover also keeps confirmed pledges of an emergency still running.
 */
export function isCurrent(p: Pledge, cycle: string): boolean {
  if (p.kind === 'intention') return p.state === 'active' || p.state === 'frozen'
  if (p.state === 'open' || p.state === 'fulfilled') return true
  return p.state === 'confirmed' && p.confirmedCycle === cycle
}

/**
 * Whether a pledge ties its author to the recipient's circle of support in `cycle`:
 * an intention (active or frozen), an obligation in force and not overdue, or one
 * confirmed this cycle.
 */
export function links(p: Pledge, cycle: string): boolean {
  if (p.kind === 'intention') return p.state === 'active' || p.state === 'frozen'
  if (p.state === 'open' || p.state === 'fulfilled') return !p.overdue
  return p.state === 'confirmed' && p.confirmedCycle === cycle
}

/** Every pledge ever made to `member` (the history, for archives). */
export async function incomingOf(kv: ReadKV, member: string): Promise<Pledge[]> {
  return pledgesOf(kv, await kv.list(keys.incomingOf(member)))
}

/** Every pledge `member` ever made. */
export async function outgoingOf(kv: ReadKV, member: string): Promise<Pledge[]> {
  return pledgesOf(kv, await kv.list(keys.outgoingOf(member)))
}

async function pledgesOf(kv: ReadKV, index: Array<{ key: string }>): Promise<Pledge[]> {
  const out: Pledge[] = []
  for (const { key } of index) {
    const p = await kv.get<Pledge>(keys.pledge(key.slice(key.lastIndexOf('/') + 1)))
    if (p) out.push(p)
  }
  return out
}

/** The current pledges to `member` (see isCurrent). */
export async function currentIncoming(kv: ReadKV, member: string): Promise<Pledge[]> {
  return (await kv.list<Pledge>(keys.currentInOf(member))).map((e) => e.value)
}

/** The current pledges `member` made. */
export async function currentOutgoing(kv: ReadKV, member: string): Promise<Pledge[]> {
  return (await kv.list<Pledge>(keys.currentOutOf(member))).map((e) => e.value)
}

export class Ledger {
  readonly effects: Effect[] = []

  constructor(
    readonly kv: KV,
    readonly meta: NetworkMeta,
    /** Names this op in event ids. */
    readonly ref: string,
    /** Time of the op being applied (never earlier than meta.now). */
    public now: number,
    /**
     * Events already emitted under `ref` by another Ledger for the same op (the time that
     * passed before it), so that event ids stay unique.
     */
    private eventIndex = 0,
  ) {}

  /** Number of events emitted under `ref` so far, counting those before this Ledger. */
  get emitted(): number {
    return this.eventIndex
  }

  get cycle(): string {
    return this.meta.cycle
  }

  member(id: string): Promise<Member | null> {
    return this.kv.get<Member>(keys.member(id))
  }

  /** The member named by an op, who must exist and not have left. */
  async activeMember(id: string, role: 'recipient' | 'member in need'): Promise<Member> {
    const m = await this.member(id)
    if (!m) reject('not-a-member', { role, id: id.slice(0, 8) })
    if (m.left) reject('member-left', { role, name: m.name })
    return m
  }

  saveMember(m: Member): Promise<void> {
    return this.kv.put(keys.member(m.id), m)
  }

  async members(): Promise<Member[]> {
    return (await this.kv.list<Member>(keys.members)).map((e) => e.value)
  }

  pledge(id: string): Promise<Pledge | null> {
    return this.kv.get<Pledge>(keys.pledge(id))
  }

  async requirePledge(id: string): Promise<Pledge> {
    const p = await this.pledge(id)
    if (!p) reject('no-pledge', { id })
    return p
  }

  /**
   * Stores a pledge and keeps its indexes in step: the history ones (ids only, written
   * once) and the current ones (copies, removed when it leaves the current picture).
   */
  async savePledge(p: Pledge, current = isCurrent(p, this.cycle)): Promise<void> {
    const before = await this.pledge(p.id)
    if (p.kind === 'obligation' || before?.kind === 'obligation') this.touchClearing()
    await this.kv.put(keys.pledge(p.id), p)
    if (!before) {
      await this.kv.put(keys.incoming(p.to, p.id), 1)
      await this.kv.put(keys.outgoing(p.from, p.id), 1)
    }
    if (current) {
      await this.kv.put(keys.currentIn(p.to, p.id), p)
      await this.kv.put(keys.currentOut(p.from, p.id), p)
    } else if (before && (await this.kv.get(keys.currentIn(p.to, p.id)))) {
      await this.kv.del(keys.currentIn(p.to, p.id))
      await this.kv.del(keys.currentOut(p.from, p.id))
    }
  }

  /** Takes a pledge out of the current picture (it stays in the history). */
  async dropCurrent(p: Pledge): Promise<void> {
    if (p.kind === 'obligation') this.touchClearing()
    await this.kv.del(keys.currentIn(p.to, p.id))
    await this.kv.del(keys.currentOut(p.from, p.id))
  }

  /** The current pledges to `member`: what the rules need, however long the history. */
  incoming(member: string): Promise<Pledge[]> {
    return currentIncoming(this.kv, member)
  }

  /** The current pledges `member` made. */
  outgoing(member: string): Promise<Pledge[]> {
    return currentOutgoing(this.kv, member)
  }

  /** Members who support `member` in the current cycle. */
  async supporters(member: string): Promise<Set<string>> {
    const out = new Set<string>()
    for (const p of await this.incoming(member)) if (links(p, this.cycle)) out.add(p.from)
    return out
  }

  /** Members `member` supports in the current cycle. */
  async supported(member: string): Promise<Set<string>> {
    const out = new Set<string>()
    for (const p of await this.outgoing(member)) if (links(p, this.cycle)) out.add(p.to)
    return out
  }

  /** `member` and the people linked to them either way: who hears about their changes. */
  async circleOf(member: string, ...also: string[]): Promise<string[]> {
    const all = new Set<string>([member, ...also])
    for (const id of await this.supporters(member)) all.add(id)
    for (const id of await this.supported(member)) all.add(id)
    return [...all].sort()
  }

  async emit(
    kind: EventKind,
    to: string[],
    fields: Omit<LedgerEvent, 'id' | 'seq' | 'kind' | 'at' | 'to'> = {},
  ): Promise<void> {
    const seq = ++this.meta.seq.event
    const event: LedgerEvent = {
      id: `${this.ref}#${this.eventIndex++}`,
      seq,
      kind,
      at: this.now,
      ...fields,
      to: [...new Set(to.map((id) => (id === EVERYONE ? id : memberTag(id))))].sort(),
    }
    await this.kv.put(keys.event(seq), event)
  }

  /**
   * What a clearing of this cycle could take changed (an obligation, a consent, a member who
   * left or came back): a preview computed before is out of date (meta.seq.clearing).
   */
  touchClearing(): void {
    this.meta.seq.clearing++
  }

  async saveMeta(): Promise<void> {
    await this.kv.put(keys.meta, this.meta)
  }
}
