/**
 * A realistic, reproducible op stream for a network of many members, for the benches.
 *
 * Every op carries an extra `as` field: the writer key of the simulated member who authored
 * it (see simulated-authors.ts). The generator keeps a small model of the ledger (statuses,
 * red collections, pledges and their states, the monthly rollover with its lapses and
 * renewals) so that the ops it means to be valid are valid when the real rules apply them,
 * and it adds a share of ops the rules must reject (wrong author, wrong state, malformed,
 * non-member...). The bench prints how many the real rules accepted and rejected.
 *
 * Shape of a stream: network.create and the creator's join; then every other member is
 * admitted by an existing member (invite.create, writer.add) and joins (member.join), over
 * two days; ~20% of members go orange and a few red; then a weighted mix of intentions,
 * obligations, fulfilments, confirmations, requests, status changes, profile edits and
 * rejected ops, spread evenly in time up to `end`, with `cycle` ops from more than half of the
 * members at each month start and red deadline (as apps do when their clock crosses one).
 */
import { createHash } from 'node:crypto'
import { joinProof, receiptFor, testInvite } from '../test/support/admission.ts'
import { cycleOf, cycleStart, DAY, nextCycle } from '../core/ledger/cycle-time.ts'
import { pledgeIdOf } from '../core/ledger/model.ts'
import { OP_VERSION } from '../core/ledger/ops.ts'

export interface StreamOptions {
  members: number
  ops: number
  seed?: number
  /** Time of network.create (ms). */
  start?: number
  /** Time of the last op (ms). */
  end?: number
  timeZone?: string
  /** Writer key of the creator: a real node's, when one is to open the network afterwards. */
  creator?: string
}

export interface OpStream {
  /** Encoded ops (JSON with the `as` field), in append order. */
  ops: Buffer[]
  /** Writer keys of the simulated members, the creator first. */
  members: string[]
  /** Number of ops of each type (rejected-by-design ones under `invalid:<what>`). */
  counts: Map<string, number>
  /** Ops meant to be rejected. */
  invalid: number
  /** Month boundaries crossed (cycles started). */
  cycles: string[]
  timeZone: string
  /** An orange member with the most pledges in their favour: the heaviest home screen. */
  busiest: string
  /** Statuses at the end, by the generator's model. */
  statuses: { green: number; orange: number; red: number }
}

type Status = 'green' | 'orange' | 'red'
type State =
  'active' | 'frozen' | 'lapsed' | 'open' | 'fulfilled' | 'confirmed' | 'forgiven' | 'cancelled'

interface SimRed {
  id: string
  amount: number
  deadline: number
  previous: 'green' | 'orange'
  confirmed: number
}

interface SimMember {
  id: string
  index: number
  status: Status
  monthly: number
  red: SimRed | null
  incoming: SimPledge[]
}

interface SimPledge {
  id: string
  kind: 'intention' | 'obligation'
  state: State
  from: string
  to: string
  amount: number
  cycle: string
  collection: string
}

type Fields = Record<string, unknown>
interface Draft {
  as: string
  type: string
  fields?: Fields
  /** Counted under this name instead of `type`. */
  label?: string
}

/** Array-backed set with O(1) add, delete and random pick. */
class Bag<T> {
  readonly items: T[] = []
  private readonly at = new Map<T, number>()

  get size(): number {
    return this.items.length
  }

  add(x: T): void {
    if (this.at.has(x)) return
    this.at.set(x, this.items.length)
    this.items.push(x)
  }

  delete(x: T): void {
    const i = this.at.get(x)
    if (i === undefined) return
    const last = this.items.pop()!
    if (i < this.items.length) {
      this.items[i] = last
      this.at.set(last, i)
    }
    this.at.delete(x)
  }

  pick(rng: () => number): T | undefined {
    return this.items[Math.floor(rng() * this.items.length)]
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function keyOf(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Weights of the steady-state mix, per 100-ish ops. */
const MIX: Array<[string, number]> = [
  ['intention.create', 15],
  ['intention.change', 4],
  ['intention.cancel', 2],
  ['intention.commit', 7],
  ['intention.fulfil', 4],
  ['obligation.create', 11],
  ['obligation.fulfil', 12],
  ['obligation.confirm', 15],
  ['obligation.forgive', 1],
  ['request.commit', 3],
  ['request.fulfil', 3],
  ['request.confirm', 3],
  ['status.orange', 0.6],
  ['status.orange.edit', 0.6],
  ['status.green', 0.6],
  ['status.red', 0.05],
  ['member.profile', 2],
  ['member.payment', 1],
  ['invite.create', 0.6],
  ['invalid', 5],
]
const MIX_TOTAL = MIX.reduce((n, [, w]) => n + w, 0)

export const ORANGE_SHARE = 0.2
const MINUTE = 60_000
export const INITIAL_REDS = 3

export function generateStream(opts: StreamOptions): OpStream {
  return new Generator(opts).run()
}

class Generator {
  private readonly rng: () => number
  private readonly tz: string
  private readonly start: number
  private readonly end: number
  private readonly out: Buffer[] = []
  private readonly counts = new Map<string, number>()
  private invalid = 0
  private opCounter = 0
  /** Id of the op being drafted, once something asked for it (pledge ids derive from it). */
  private currentId: string | null = null
  /** Time of the op being drafted; advance() has already moved the model to it. */
  private now = 0

  private readonly members: SimMember[] = []
  private readonly byId = new Map<string, SimMember>()
  private readonly byStatus: Record<Status, Bag<SimMember>> = {
    green: new Bag(),
    orange: new Bag(),
    red: new Bag(),
  }
  private readonly byState = new Map<State, Bag<SimPledge>>()
  private readonly pledges = new Map<string, SimPledge>()
  /** `from|to` of intentions active or frozen: one per pair. */
  private readonly pairs = new Set<string>()
  /** Monthly obligations confirmed since the last rollover (the ledger's live confirmed). */
  private confirmedSinceRollover: SimPledge[] = []
  private cycle: string
  private nextBoundary: number
  private readonly cycles: string[] = []

  constructor(private readonly opts: StreamOptions) {
    this.rng = mulberry32(opts.seed ?? 42)
    this.tz = opts.timeZone ?? 'Europe/Berlin'
    this.start = opts.start ?? Date.UTC(2026, 0, 18, 9)
    this.end = opts.end ?? Date.UTC(2026, 3, 8, 18)
    this.cycle = cycleOf(this.start, this.tz)
    this.nextBoundary = cycleStart(nextCycle(this.cycle), this.tz)
    for (const s of ['active', 'frozen', 'open', 'fulfilled', 'confirmed'] as const) {
      this.byState.set(s, new Bag())
    }
  }

  run(): OpStream {
    const { members: count, ops: total } = this.opts
    const keys = Array.from({ length: count }, (_, i) =>
      i === 0 && this.opts.creator ? this.opts.creator : keyOf(`bench member ${i}`),
    )
    const joinOps = 2 + (count - 1) * 3
    if (total < joinOps + 10) throw new Error(`${total} ops are too few for ${count} members`)

    // Joins: over the first two days.
    const joinStep = Math.floor((2 * DAY) / joinOps)
    let ts = this.start
    const creator = keys[0]!
    this.emit(ts, {
      as: creator,
      type: 'network.create',
      fields: { name: 'Bench circle', currency: 'EUR', decimals: 2, timeZone: this.tz },
    })
    this.emit((ts += joinStep), {
      as: creator,
      type: 'member.join',
      fields: { name: 'Member 0', ...joinProof('bench member 0', creator, creator) },
    })
    this.addMember(creator)
    for (let i = 1; i < count; i++) {
      const inviter = this.members[Math.floor(this.rng() * this.members.length)]!.id
      const invite = testInvite(`bench invite ${i}`)
      this.emit((ts += joinStep), {
        as: inviter,
        type: 'invite.create',
        fields: {
          invite: invite.id,
          publicKey: invite.publicKey,
          expires: ts + 7 * DAY,
          uses: 1,
        },
      })
      this.emit((ts += joinStep), {
        as: inviter,
        type: 'writer.add',
        fields: { key: keys[i], invite: invite.id, receipt: receiptFor(invite, keys[i]!) },
      })
      this.emit((ts += joinStep), {
        as: keys[i]!,
        type: 'member.join',
        fields: {
          name: `Member ${i}`,
          about: `Simulated member number ${i}`,
          ...joinProof(`bench member ${i}`, creator, keys[i]!),
        },
      })
      this.addMember(keys[i]!)
    }

    // The rest, evenly spread up to `end`: first the statuses, then the steady mix.
    const mainStart = this.start + 2 * DAY
    const step = (this.end - mainStart) / (total - this.out.length)
    ts = mainStart
    const tick = () => (ts += step)
    const oranges = Math.round(count * ORANGE_SHARE)
    for (let i = 0; i < oranges && this.out.length < total; i++) {
      this.step(tick(), () => this.statusOrange())
    }
    for (let i = 0; i < INITIAL_REDS && this.out.length < total; i++) {
      this.step(tick(), () => this.statusRed())
    }
    while (this.out.length < total) this.step(tick(), () => this.mixed())

    let busiest = this.byStatus.orange.items[0] ?? this.members[0]!
    for (const m of this.byStatus.orange.items) {
      if (m.incoming.length > busiest.incoming.length) busiest = m
    }
    return {
      ops: this.out,
      members: keys,
      counts: this.counts,
      invalid: this.invalid,
      cycles: this.cycles,
      timeZone: this.tz,
      busiest: busiest.id,
      statuses: {
        green: this.byStatus.green.size,
        orange: this.byStatus.orange.size,
        red: this.byStatus.red.size,
      },
    }
  }

  // --- emitting -------------------------------------------------------------------------

  /**
   * Moves time to `ts`, then appends the op. When `ts` passes the next month start or red
   * deadline, more than half of the members' apps first append a cycle op (as apps whose clock
   * crosses one do): network time is the median of the members' clocks, in whole minutes
   * (core/ledger/network-time.ts), so that is when the rules see it pass.
   */
  private step(time: number, make: () => Draft | null): void {
    const ts = Math.floor(time)
    const due = Math.ceil(this.nextEvent() / MINUTE) * MINUTE
    if (ts >= due) {
      // Within a minute of the boundary, and never after the op that crosses it.
      const at = due + Math.floor(this.rng() * Math.min(MINUTE, ts - due + 1))
      this.advance(at)
      const from = Math.floor(this.rng() * this.members.length)
      for (let i = 0; i <= this.members.length / 2; i++) {
        const m = this.members[(from + i) % this.members.length]!
        this.emit(at, { as: m.id, type: 'cycle' })
        if (this.out.length >= this.opts.ops) return
      }
    }
    this.advance(Math.min(ts, this.nextEvent() - 1))
    this.now = ts
    const draft = make() ?? this.fallback()
    this.emit(ts, draft)
  }

  /** The next month start or red deadline. */
  private nextEvent(): number {
    let next = this.nextBoundary
    for (const m of this.byStatus.red.items) next = Math.min(next, m.red!.deadline)
    return next
  }

  private emit(ts: number, draft: Draft): void {
    const label = draft.label ?? draft.type
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1)
    if (label.startsWith('invalid:')) this.invalid++
    const op = {
      v: OP_VERSION,
      id: this.currentId ?? this.nextId(),
      ts: Math.floor(ts),
      type: draft.type,
      ...draft.fields,
      as: draft.as,
    }
    this.currentId = null
    this.out.push(Buffer.from(JSON.stringify(op)))
  }

  /** The id of the op being drafted (pledge ids derive from it). */
  private id(): string {
    this.currentId ??= this.nextId()
    return this.currentId
  }

  private nextId(): string {
    return 'b' + (++this.opCounter).toString(36).padStart(7, '0')
  }

  // --- the model --------------------------------------------------------------------------

  private addMember(id: string): void {
    const m: SimMember = {
      id,
      index: this.members.length,
      status: 'green',
      monthly: 0,
      red: null,
      incoming: [],
    }
    this.members.push(m)
    this.byId.set(id, m)
    this.byStatus.green.add(m)
  }

  private member(id: string): SimMember {
    return this.byId.get(id)!
  }

  private setStatus(m: SimMember, status: Status): void {
    this.byStatus[m.status].delete(m)
    m.status = status
    this.byStatus[status].add(m)
  }

  private setState(p: SimPledge, state: State): void {
    this.byState.get(p.state)?.delete(p)
    const pair = `${p.from}|${p.to}`
    if (p.kind === 'intention' && (p.state === 'active' || p.state === 'frozen')) {
      this.pairs.delete(pair)
    }
    p.state = state
    this.byState.get(state)?.add(p)
    if (p.kind === 'intention' && (state === 'active' || state === 'frozen')) this.pairs.add(pair)
  }

  private addPledge(p: SimPledge): void {
    const state = p.state
    p.state = 'lapsed' // not in any bag yet
    this.pledges.set(p.id, p)
    this.member(p.to).incoming.push(p)
    this.setState(p, state)
  }

  /** Mirrors rules/cycle.ts advanceTo: red deadlines and month starts, in order. */
  private advance(ts: number): void {
    while (true) {
      let due: SimMember | null = null
      for (const m of this.byStatus.red.items) {
        if (!due || m.red!.deadline < due.red!.deadline) due = m
        else if (m.red!.deadline === due.red!.deadline && m.id < due.id) due = m
      }
      if (due && due.red!.deadline <= ts && due.red!.deadline <= this.nextBoundary) {
        this.endRed(due, 'partial')
      } else if (this.nextBoundary <= ts) {
        this.rollover()
      } else {
        break
      }
    }
  }

  private rollover(): void {
    const past = this.cycle
    const next = nextCycle(past)
    for (const s of ['active', 'frozen'] as const) {
      for (const p of [...this.byState.get(s)!.items]) this.setState(p, 'lapsed')
    }
    const renew = new Map<string, { from: string; to: string; amount: number }>()
    for (const p of this.confirmedSinceRollover) {
      if (p.cycle !== past) continue
      const pair = `${p.from}|${p.to}`
      const entry = renew.get(pair)
      if (entry) entry.amount += p.amount
      else renew.set(pair, { from: p.from, to: p.to, amount: p.amount })
    }
    this.confirmedSinceRollover = []
    this.cycle = next
    this.cycles.push(next)
    this.nextBoundary = cycleStart(nextCycle(next), this.tz)
    for (const r of renew.values()) {
      const to = this.member(r.to)
      const monthly =
        to.status === 'orange' || (to.status === 'red' && to.red?.previous === 'orange')
      if (!monthly) continue
      const id = pledgeIdOf(r.from, `r${next.replace('-', '')}${r.to.slice(0, 8)}`)
      if (this.pledges.has(id)) continue
      this.addPledge({
        id,
        kind: 'intention',
        state: to.status === 'orange' ? 'active' : 'frozen',
        from: r.from,
        to: r.to,
        amount: r.amount,
        cycle: next,
        collection: 'monthly',
      })
    }
  }

  /** Mirrors rules/status.ts endRed. */
  private endRed(m: SimMember, outcome: 'success' | 'partial', next?: 'green' | 'orange'): void {
    const red = m.red!
    if (outcome === 'success') {
      for (const p of m.incoming) {
        if (p.collection === red.id && p.state === 'open') this.setState(p, 'cancelled')
      }
    }
    m.red = null
    this.setStatus(m, next ?? red.previous)
    if (next === undefined) {
      if (m.status === 'orange') this.reviveFrozen(m)
      else this.cancelIntentionsTo(m)
    }
  }

  private reviveFrozen(m: SimMember): void {
    for (const p of m.incoming) {
      if (p.kind === 'intention' && p.state === 'frozen') this.setState(p, 'active')
    }
  }

  private cancelIntentionsTo(m: SimMember): void {
    for (const p of m.incoming) {
      if (p.kind === 'intention' && (p.state === 'active' || p.state === 'frozen')) {
        this.setState(p, 'cancelled')
      }
    }
  }

  // --- choosing ----------------------------------------------------------------------------

  private randomMember(): SimMember {
    return this.members[Math.floor(this.rng() * this.members.length)]!
  }

  private otherMember(not: string): SimMember {
    while (true) {
      const m = this.randomMember()
      if (m.id !== not) return m
    }
  }

  private int(min: number, max: number, step = 1): number {
    return min + Math.floor(this.rng() * ((max - min) / step + 1)) * step
  }

  private pickState(...states: State[]): SimPledge | undefined {
    const bags = states.map((s) => this.byState.get(s)!)
    const total = bags.reduce((n, b) => n + b.size, 0)
    let i = Math.floor(this.rng() * total)
    for (const b of bags) {
      if (i < b.size) return b.items[i]
      i -= b.size
    }
    return undefined
  }

  private mixed(): Draft | null {
    let r = this.rng() * MIX_TOTAL
    for (const [kind, weight] of MIX) {
      if ((r -= weight) < 0) return this.make(kind)
    }
    return null
  }

  private fallback(): Draft {
    return this.make('intention.create') ?? this.make('obligation.create') ?? this.memberProfile()
  }

  private make(kind: string): Draft | null {
    switch (kind) {
      case 'intention.create':
        return this.intentionCreate()
      case 'intention.change':
        return this.intentionChange()
      case 'intention.cancel':
        return this.intentionCancel()
      case 'intention.commit':
        return this.intentionToObligation(false)
      case 'intention.fulfil':
        return this.intentionToObligation(true)
      case 'obligation.create':
        return this.obligationCreate()
      case 'obligation.fulfil':
        return this.obligationFulfil()
      case 'obligation.confirm':
        return this.obligationConfirm()
      case 'obligation.forgive':
        return this.obligationForgive()
      case 'request.commit':
        return this.request('request.commit', this.pickState('active', 'frozen'), 'to')
      case 'request.fulfil':
        return this.request('request.fulfil', this.pickState('open'), 'to')
      case 'request.confirm':
        return this.request('request.confirm', this.pickState('fulfilled'), 'from')
      case 'status.orange':
        return this.statusOrange()
      case 'status.orange.edit':
        return this.statusOrangeEdit()
      case 'status.green':
        return this.statusGreen()
      case 'status.red':
        return this.statusRed()
      case 'member.profile':
        return this.memberProfile()
      case 'member.payment':
        return this.memberPayment()
      case 'invite.create':
        return this.inviteCreate()
      case 'invalid':
        return this.invalidOp()
      default:
        throw new Error(`unknown kind ${kind}`)
    }
  }

  // --- valid ops ---------------------------------------------------------------------------

  private intentionCreate(): Draft | null {
    const to = this.byStatus.orange.pick(this.rng)
    if (!to) return null
    for (let tries = 0; tries < 8; tries++) {
      const from = this.otherMember(to.id)
      if (this.pairs.has(`${from.id}|${to.id}`)) continue
      const amount = this.int(500, 5000, 100)
      this.addPledge({
        id: pledgeIdOf(from.id, this.id()),
        kind: 'intention',
        state: 'active',
        from: from.id,
        to: to.id,
        amount,
        cycle: this.cycle,
        collection: 'monthly',
      })
      const fields: Fields = { to: to.id, amount }
      if (this.rng() < 0.3) fields.note = 'for the rent'
      return { as: from.id, type: 'intention.create', fields }
    }
    return null
  }

  private intentionChange(): Draft | null {
    const p = this.pickState('active')
    if (!p) return null
    let amount = this.int(500, 5000, 100)
    if (amount === p.amount) amount += 100
    p.amount = amount
    return { as: p.from, type: 'intention.change', fields: { pledge: p.id, amount } }
  }

  private intentionCancel(): Draft | null {
    const p = this.pickState('active', 'frozen')
    if (!p) return null
    this.setState(p, 'cancelled')
    return { as: p.from, type: 'intention.cancel', fields: { pledge: p.id } }
  }

  private intentionToObligation(fulfil: boolean): Draft | null {
    const p = this.rng() < 0.3 ? this.pickState('frozen') : this.pickState('active')
    if (!p) return null
    const to = this.member(p.to)
    if (p.state === 'frozen') p.collection = to.red!.id
    p.kind = 'obligation'
    p.cycle = this.cycle
    this.setState(p, fulfil ? 'fulfilled' : 'open')
    return {
      as: p.from,
      type: fulfil ? 'intention.fulfil' : 'intention.commit',
      fields: { pledge: p.id },
    }
  }

  private obligationCreate(): Draft | null {
    const orange = this.byStatus.orange
    const red = this.byStatus.red
    const i = Math.floor(this.rng() * (orange.size + red.size))
    const to = i < orange.size ? orange.items[i] : red.items[i - orange.size]
    if (!to) return null
    const from = this.otherMember(to.id)
    const amount = this.int(1000, 10000, 500)
    this.addPledge({
      id: pledgeIdOf(from.id, this.id()),
      kind: 'obligation',
      state: 'open',
      from: from.id,
      to: to.id,
      amount,
      cycle: this.cycle,
      collection: to.status === 'red' ? to.red!.id : 'monthly',
    })
    return { as: from.id, type: 'obligation.create', fields: { to: to.id, amount } }
  }

  private obligationFulfil(): Draft | null {
    const p = this.pickState('open')
    if (!p) return null
    this.setState(p, 'fulfilled')
    return { as: p.from, type: 'obligation.fulfil', fields: { pledge: p.id } }
  }

  private obligationConfirm(): Draft | null {
    const p = this.rng() < 0.8 ? this.pickState('fulfilled') : this.pickState('open')
    if (!p) return null
    this.setState(p, 'confirmed')
    if (p.collection === 'monthly') this.confirmedSinceRollover.push(p)
    const to = this.member(p.to)
    if (to.red && p.collection === to.red.id) {
      to.red.confirmed += p.amount
      if (to.red.confirmed >= to.red.amount) this.endRed(to, 'success')
    }
    return { as: p.to, type: 'obligation.confirm', fields: { pledge: p.id } }
  }

  private obligationForgive(): Draft | null {
    const p = this.pickState('open', 'fulfilled')
    if (!p) return null
    this.setState(p, 'forgiven')
    return { as: p.to, type: 'obligation.forgive', fields: { pledge: p.id } }
  }

  private request(type: string, p: SimPledge | undefined, by: 'from' | 'to'): Draft | null {
    if (!p) return null
    return { as: p[by], type, fields: { pledge: p.id } }
  }

  private statusOrange(): Draft | null {
    const m = this.byStatus.green.pick(this.rng)
    if (!m) return null
    m.monthly = this.int(5000, 60000, 1000)
    this.setStatus(m, 'orange')
    this.reviveFrozen(m)
    return { as: m.id, type: 'status.orange', fields: { amount: m.monthly } }
  }

  private statusOrangeEdit(): Draft | null {
    const m = this.byStatus.orange.pick(this.rng)
    if (!m) return null
    let amount = this.int(5000, 60000, 1000)
    if (amount === m.monthly) amount += 1000
    m.monthly = amount
    return { as: m.id, type: 'status.orange', label: 'status.orange (edit)', fields: { amount } }
  }

  private statusGreen(): Draft | null {
    const m = this.byStatus.orange.pick(this.rng)
    if (!m) return null
    this.setStatus(m, 'green')
    m.monthly = 0
    this.cancelIntentionsTo(m)
    return { as: m.id, type: 'status.green' }
  }

  private statusRed(): Draft | null {
    const m =
      this.rng() < 0.5 ? this.byStatus.orange.pick(this.rng) : this.byStatus.green.pick(this.rng)
    if (!m) return null
    const days = this.int(5, 21)
    const amount = this.int(30000, 200000, 5000)
    const id = this.id()
    m.red = {
      id: pledgeIdOf(m.id, id),
      amount,
      deadline: this.now + days * DAY,
      previous: m.status as 'green' | 'orange',
      confirmed: 0,
    }
    this.setStatus(m, 'red')
    for (const p of m.incoming) {
      if (p.kind === 'intention' && p.state === 'active') this.setState(p, 'frozen')
    }
    return { as: m.id, type: 'status.red', fields: { amount, days } }
  }

  private memberProfile(): Draft {
    const m = this.randomMember()
    return {
      as: m.id,
      type: 'member.profile',
      fields: { about: `Updated ${this.opCounter}: gardening, bikes and soup` },
    }
  }

  private memberPayment(): Draft | null {
    const red = this.byStatus.red
    const m =
      red.size && this.rng() < 0.3 ? red.pick(this.rng) : this.byStatus.orange.pick(this.rng)
    if (!m) return null
    return {
      as: m.id,
      type: 'member.payment',
      fields: {
        details: [
          { label: 'IBAN', value: `DE89 3704 0044 0532 ${m.index}`, isDefault: true },
          { label: 'PayPal', value: `member${m.index}@example.org`, isDefault: false },
        ],
      },
    }
  }

  private inviteCreate(): Draft {
    const invite = testInvite(`bench extra invite ${this.opCounter}`)
    return {
      as: this.randomMember().id,
      type: 'invite.create',
      fields: {
        invite: invite.id,
        publicKey: invite.publicKey,
        expires: this.now + 7 * DAY,
        uses: this.int(1, 5),
      },
    }
  }

  // --- ops the rules must reject -----------------------------------------------------------

  private invalidOp(): Draft | null {
    const kinds = [
      'intention to a green member',
      'confirm by someone else',
      'fulfil a confirmed obligation',
      'green when already green',
      'intention to oneself',
      'malformed amount',
      'op by a non-member',
      'writer.add with an unknown invite',
      'second join',
      'intention change to the same amount',
    ]
    const kind = kinds[Math.floor(this.rng() * kinds.length)]!
    const draft = this.invalidOf(kind)
    if (!draft) return this.invalidOf('op by a non-member')
    return { ...draft, label: `invalid: ${kind}` }
  }

  private invalidOf(kind: string): Draft | null {
    switch (kind) {
      case 'intention to a green member': {
        const to = this.byStatus.green.pick(this.rng)
        if (!to) return null
        const from = this.otherMember(to.id)
        return { as: from.id, type: 'intention.create', fields: { to: to.id, amount: 1000 } }
      }
      case 'confirm by someone else': {
        const p = this.pickState('open', 'fulfilled')
        if (!p) return null
        let by = this.otherMember(p.to)
        while (by.id === p.from) by = this.otherMember(p.to)
        return { as: by.id, type: 'obligation.confirm', fields: { pledge: p.id } }
      }
      case 'fulfil a confirmed obligation': {
        const p = this.pickState('confirmed')
        if (!p) return null
        return { as: p.from, type: 'obligation.fulfil', fields: { pledge: p.id } }
      }
      case 'green when already green': {
        const m = this.byStatus.green.pick(this.rng)
        return m ? { as: m.id, type: 'status.green' } : null
      }
      case 'intention to oneself': {
        const m = this.byStatus.orange.pick(this.rng)
        if (!m) return null
        return { as: m.id, type: 'intention.create', fields: { to: m.id, amount: 1000 } }
      }
      case 'malformed amount':
        return { as: this.randomMember().id, type: 'status.orange', fields: { amount: -5 } }
      case 'op by a non-member':
        return {
          as: keyOf(`stranger ${this.opCounter}`),
          type: 'obligation.create',
          fields: { to: this.randomMember().id, amount: 1000 },
        }
      case 'writer.add with an unknown invite':
        return {
          as: this.randomMember().id,
          type: 'writer.add',
          fields: {
            key: keyOf(`newcomer ${this.opCounter}`),
            invite: keyOf('no such invite'),
            receipt: 'ab'.repeat(64),
          },
        }
      case 'second join': {
        const m = this.randomMember()
        return {
          as: m.id,
          type: 'member.join',
          fields: { name: 'Again', ...joinProof(`again ${m.id}`, this.members[0]!.id, m.id) },
        }
      }
      case 'intention change to the same amount': {
        const p = this.pickState('active')
        if (!p) return null
        return { as: p.from, type: 'intention.change', fields: { pledge: p.id, amount: p.amount } }
      }
      default:
        return null
    }
  }
}
