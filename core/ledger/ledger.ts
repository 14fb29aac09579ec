/**
 * What a rule sees while it applies one op: the state (through a KV), the current time as
 * carried by ops, and ways to record pledges, members and events. Keeps the secondary
 * indexes (incoming, outgoing, live) in step with every pledge write.
 */
import type { Effect } from './apply.ts'
import type { KV, ReadKV } from './kv.ts'
import {
  keys,
  type EventKind,
  type LedgerEvent,
  type Member,
  type NetworkMeta,
  type Pledge,
} from './model.ts'

export class Rejected extends Error {}

/** Stops the current rule; the op is recorded as rejected with this reason. */
export function reject(reason: string): never {
  throw new Rejected(reason)
}

/** Everyone in the network; used instead of listing all members in an event. */
export const EVERYONE = '*'

/**
 * What the next monthly rollover has to look at: intentions, obligations in force and not
 * yet overdue, and monthly obligations confirmed since the last rollover (they are renewed).
 */
export function isLive(p: Pledge): boolean {
  if (p.overdue) return false
  if (p.kind === 'intention') return p.state === 'active' || p.state === 'frozen'
  if (p.state === 'open' || p.state === 'fulfilled') return true
  return p.state === 'confirmed' && p.collection === 'monthly'
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

export async function incomingOf(kv: ReadKV, member: string): Promise<Pledge[]> {
  return (await kv.list<Pledge>(keys.incomingOf(member))).map((e) => e.value)
}

export async function outgoingOf(kv: ReadKV, member: string): Promise<Pledge[]> {
  return (await kv.list<Pledge>(keys.outgoingOf(member))).map((e) => e.value)
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
  async activeMember(id: string, role: string): Promise<Member> {
    const m = await this.member(id)
    if (!m) reject(`${role} ${id.slice(0, 8)} is not a member of this network`)
    if (m.left) reject(`${role} ${m.name} has left this network`)
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
    if (!p) reject(`no pledge ${id}`)
    return p
  }

  async savePledge(p: Pledge): Promise<void> {
    await this.kv.put(keys.pledge(p.id), p)
    await this.kv.put(keys.incoming(p.to, p.id), p)
    await this.kv.put(keys.outgoing(p.from, p.id), p)
    if (isLive(p)) await this.kv.put(keys.live(p.id), p)
    else await this.kv.del(keys.live(p.id))
  }

  incoming(member: string): Promise<Pledge[]> {
    return incomingOf(this.kv, member)
  }

  outgoing(member: string): Promise<Pledge[]> {
    return outgoingOf(this.kv, member)
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
      to: [...new Set(to)].sort(),
    }
    await this.kv.put(keys.event(seq), event)
  }

  async saveMeta(): Promise<void> {
    await this.kv.put(keys.meta, this.meta)
  }
}
