/**
 * The entry point Autobase's apply handler calls for every node: decode, authorise, advance
 * time, route to the rule, and record a rejection instead of throwing for anything bad.
 */
import { Transaction, type KV } from './kv.ts'
import { Ledger, Rejected, reject, type Effect, type MemberOpType } from './ledger.ts'
import { keys, type Member, type NetworkMeta, type Rejection, type WriterRecord } from './model.ts'
import { decodeOp, type Op } from './ops.ts'
import { reasonText, type Refusal } from '../errors.ts'
import { followBoundary, noteClock, recordTime } from './network-time.ts'
import { clearingRules } from './rules/clearing.ts'
import { intentionRules } from './rules/intention.ts'
import {
  createNetwork,
  handOverSilentIndexers,
  memberJoin,
  memberRules as ownRecordRules,
} from './rules/member.ts'
import { inviteRules } from './rules/invite.ts'
import { obligationRules } from './rules/obligation.ts'
import { requestRules } from './rules/request.ts'
import { statusRules } from './rules/status.ts'

// Defined beside the Ledger that collects them; the router's callers know them from here.
export type { Effect }

export interface ApplyResult {
  accepted: boolean
  /** Why the op was refused, as the view stores it. */
  refusal?: Refusal
  /** The same in English, for logs and tests. */
  reason?: string
  effects: Effect[]
}

type MemberRule = (l: Ledger, author: Member, op: never) => Promise<void>

/** Every member op and the rule that decides it: the rule files' tables, which must cover all. */
const memberRules = {
  ...inviteRules,
  ...ownRecordRules,
  ...statusRules,
  ...intentionRules,
  ...obligationRules,
  ...requestRules,
  ...clearingRules,
} satisfies Record<MemberOpType, MemberRule>

/**
 * Applies one op appended by writer `author` (hex key); `length` is the op's position in
 * the author's core (1-based), used to name ops that lack a readable id.
 * Never throws for bad input: rejections are recorded in the view and returned.
 */
export async function applyOp(
  kv: KV,
  raw: unknown,
  author: string,
  length: number,
): Promise<ApplyResult> {
  const decoded = decodeOp(raw)
  if (!decoded.ok) {
    const ref = `${author}@${length}`
    await recordRejection(kv, author, ref, decoded.type ?? null, decoded.refusal, decoded.future)
    return { accepted: false, reason: decoded.reason, refusal: decoded.refusal, effects: [] }
  }
  const op = decoded.op
  const ref = `${author.slice(0, 12)}-${op.id}`
  const meta = await kv.get<NetworkMeta>(keys.meta)

  if (!meta) {
    if (op.type !== 'network.create')
      return rejected(kv, author, ref, op, { code: 'no-network', params: {} })
    const tx = new Transaction(kv)
    const l = new Ledger(tx, createNetwork(op, author), ref, op.ts)
    await tx.put(keys.writer(author), { addedBy: author, at: op.ts })
    await l.emit('network.created', [author], { actor: author, data: { name: op.name } })
    await l.saveMeta()
    await tx.commit()
    return { accepted: true, effects: [] }
  }
  if (op.type === 'network.create')
    return rejected(kv, author, ref, op, { code: 'network-exists', params: {} })

  // Every well-formed op from a member counts as their clock, even one the rules then
  // reject; network time moves when the members' clocks agree (network-time.ts), and indexer
  // places of devices silent for long are handed on.
  const clock = new Transaction(kv)
  const writer = await clock.get<WriterRecord>(keys.writer(author))
  const member = writer?.member ? await clock.get<Member>(keys.member(writer.member)) : null
  const timeEffects: Effect[] = []
  let emitted = 0
  if (member && !member.left && writer?.unlinkedAt === undefined) {
    const l = new Ledger(clock, meta, ref, meta.now)
    await noteClock(l, member.id, op.ts)
    if (author in meta.indexerSeen) {
      // It wrote: not silent, whatever its clock says (a slow one counts as network time).
      meta.indexerSeen[author] = Math.max(meta.indexerSeen[author]!, op.ts, meta.now)
    }
    await handOverSilentIndexers(l, member)
    await l.saveMeta()
    emitted = l.emitted
    timeEffects.push(...l.effects)
  }

  const tx = new Transaction(clock)
  try {
    const l = new Ledger(
      tx,
      // What the clock stored is a copy of it (Transaction.put): the rules may change this one.
      meta,
      ref,
      recordTime(meta, op.ts),
      // Events of the time that passed were named `<ref>#0...`: the op's own follow them.
      emitted,
    )
    await route(l, author, writer, member, op)
    // A newcomer's clock counts from their first op, the join.
    if (op.type === 'member.join') {
      const joined = await tx.get<WriterRecord>(keys.writer(author))
      await noteClock(l, joined!.member!, op.ts)
    } else await followBoundary(l)
    await l.saveMeta()
    await tx.commit()
    await clock.commit()
    return { accepted: true, effects: [...timeEffects, ...l.effects] }
  } catch (err) {
    tx.discard()
    await clock.commit()
    // A bug in a rule must not halt the base: it is recorded like any other rejection
    // (deterministically, since every peer runs the same code on the same state).
    const refusal: Refusal =
      err instanceof Rejected
        ? err.refusal
        : { code: 'internal', params: { type: op.type, problem: String(err) } }
    return { ...(await rejected(kv, author, ref, op, refusal)), effects: timeEffects }
  }
}

/**
 * Sends the op to its rule: joining is for admitted writers, every other op for a device of a
 * member in good standing, acting as that member.
 */
async function route(
  l: Ledger,
  author: string,
  writer: WriterRecord | null,
  member: Member | null,
  op: Exclude<Op, { type: 'network.create' }>,
): Promise<void> {
  // A cycle op only counts as a clock (above), whoever appends it.
  if (op.type === 'cycle') return
  if (op.type === 'member.join') return memberJoin(l, author, op)
  if (writer?.unlinkedAt !== undefined) reject('device-unlinked')
  if (!member) reject('join-first')
  if (member.left) reject('you-left')
  // The time counted above changed the stored copy only: the rules get the current one.
  const current = (await l.member(member.id))!
  await memberRules[op.type](l, current, op as never)
}

async function rejected(
  kv: KV,
  author: string,
  ref: string,
  op: Op,
  refusal: Refusal,
): Promise<ApplyResult> {
  await recordRejection(kv, author, ref, op.type, refusal)
  return { accepted: false, reason: reasonText(refusal), refusal, effects: [] }
}

async function recordRejection(
  kv: KV,
  author: string,
  ref: string,
  type: string | null,
  reason: Refusal,
  future?: boolean,
): Promise<void> {
  const seq = ((await kv.get<number>(keys.rejectedSeq)) ?? 0) + 1
  const meta = await kv.get<NetworkMeta>(keys.meta)
  const entry: Rejection = {
    seq,
    ref,
    author,
    type,
    reason,
    at: meta?.now ?? 0,
    ...(future ? { future } : {}),
  }
  await kv.put(keys.rejectedSeq, seq)
  await kv.put(keys.rejected(seq), entry)
  await kv.put(keys.refusal(ref), reason)
  const version = typeof reason === 'string' ? NaN : Number(reason.params.version)
  if (future && meta && Number.isInteger(version) && version > (meta.newer?.[author] ?? 0)) {
    await kv.put(keys.meta, { ...meta, newer: { ...meta.newer, [author]: version } })
  }
}
