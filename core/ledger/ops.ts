/**
 * The op schema: every action a member can append to their log, defined once.
 * Everything else (apply, the API, the CLI, docs/protocol.md) derives from these schemas.
 */
import { z } from 'zod'
import { reasonText, type Refusal } from '../errors.ts'
import { knownZone } from './cycle-time.ts'

import {
  ABOUT_MAX,
  CLEARING_CHOSEN_MAX,
  CURRENCY_PATTERN,
  DECIMALS_MAX,
  INVITE_USES_MAX,
  MAX_OP_BYTES,
  MAX_OP_DEPTH,
  MAX_TIMESTAMP,
  MAX_AMOUNT,
  NAME_MAX,
  NOTE_MAX,
  PAYMENT_DETAILS_MAX,
  PAYMENT_LABEL_MAX,
  PAYMENT_VALUE_MAX,
  RED_DAYS_MAX,
  REKEY_DEVICES_MAX,
  SEALED_PHRASE_BYTES,
} from './limits.ts'

/** Highest op schema version this app understands. Newer ops are kept and flagged. */
export const OP_VERSION = 2

const hexKey = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a 64-character lowercase hex key')
  .describe('writer key / member id')
export const memberId = hexKey
/** An ed25519 signature (a member key's proof, domain.md §12), 128 hex characters. */
const proof = z.string().regex(/^[0-9a-f]{128}$/, 'must be a 128-character lowercase hex signature')
/** blind-pairing's receipt of a pairing, hex: what only the invite's holder can sign. */
const receipt = z
  .string()
  .max(1024)
  .regex(/^([0-9a-f]{2})+$/, 'must be lowercase hex')
/** A sealed box of the new recovery phrase for one device (see `member.rekey`), hex. */
const sealedPhrase = z
  .string()
  .regex(
    new RegExp(`^[0-9a-f]{${SEALED_PHRASE_BYTES * 2}}$`),
    `must be a ${SEALED_PHRASE_BYTES * 2}-character lowercase hex sealed box`,
  )
/** Each at most once. */
function distinct(values: string[]): boolean {
  return new Set(values).size === values.length
}
export const opId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{6,32}$/, 'must be 6-32 characters of [A-Za-z0-9_-]')
export const pledgeId = z.string().regex(/^[0-9a-f]{12}-[A-Za-z0-9_-]{6,32}$/, 'is not a pledge id')
export const amount = z
  .number()
  .int('must be a whole number of minor units')
  .positive('must be greater than 0')
  .max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT}`)
const name = z.string().trim().min(1, 'must not be empty').max(NAME_MAX)
const about = z.string().max(ABOUT_MAX, `must be at most ${ABOUT_MAX} characters`)
const note = z.string().max(NOTE_MAX, `must be at most ${NOTE_MAX} characters`)
// The app's own zone data decides, not the runtime's: peers on other runtimes must agree.
const timeZone = z.string().refine(knownZone, 'is not a known IANA time zone')
const currency = z
  .string()
  .regex(CURRENCY_PATTERN, 'must be a currency code or unit of 1-10 letters (EUR, USD, hours)')

export const paymentDetail = z.object({
  label: z.string().trim().min(1).max(PAYMENT_LABEL_MAX),
  value: z.string().trim().min(1).max(PAYMENT_VALUE_MAX),
  isDefault: z.boolean(),
})
export type PaymentDetail = z.infer<typeof paymentDetail>

/** Fields every op carries. `ts` is the author's clock (ms); the only way time enters the ledger. */
const envelope = {
  v: z.literal(OP_VERSION),
  id: opId,
  ts: z.number().int().nonnegative().max(MAX_TIMESTAMP),
}

const on = { pledge: pledgeId }

export const opSchemas = {
  'network.create': z.object({
    ...envelope,
    type: z.literal('network.create'),
    name,
    currency,
    decimals: z.number().int().min(0).max(DECIMALS_MAX),
    timeZone,
  }),
  'invite.create': z.object({
    ...envelope,
    type: z.literal('invite.create'),
    invite: hexKey.describe('invite id'),
    publicKey: hexKey.describe('invite public key, to open pairing requests'),
    expires: z.number().int().positive(),
    uses: z.number().int().min(1).max(INVITE_USES_MAX),
    for: memberId.optional(),
  }),
  'invite.revoke': z.object({ ...envelope, type: z.literal('invite.revoke'), invite: hexKey }),
  'writer.add': z.object({
    ...envelope,
    type: z.literal('writer.add'),
    key: hexKey,
    invite: hexKey.describe('the invite the newcomer paired with'),
    receipt: receipt.describe("the pairing request's receipt, signed with the invite's key"),
  }),
  'member.join': z.object({
    ...envelope,
    type: z.literal('member.join'),
    name,
    about: about.optional(),
    key: hexKey.describe("the person's member key in this network"),
    proof: proof.describe("the member key's 'join' proof for the joining writer"),
  }),
  'member.profile': z.object({
    ...envelope,
    type: z.literal('member.profile'),
    name: name.optional(),
    about: about.optional(),
  }),
  'member.payment': z.object({
    ...envelope,
    type: z.literal('member.payment'),
    details: z
      .array(paymentDetail)
      .max(PAYMENT_DETAILS_MAX)
      .refine((d) => d.length === 0 || d.filter((x) => x.isDefault).length === 1, {
        message: 'exactly one payment detail must be the default',
      }),
  }),
  'member.leave': z.object({ ...envelope, type: z.literal('member.leave') }),
  'device.unlink': z.object({ ...envelope, type: z.literal('device.unlink'), device: hexKey }),
  /**
   * The member's key in this network changes (domain.md §12): `proof` is the new key's
   * signature over the key it replaces. `unlink`: devices unlinked in the same op; `sealed`:
   * the new recovery phrase sealed for each device that stays (docs/protocol.md).
   */
  'member.rekey': z.object({
    ...envelope,
    type: z.literal('member.rekey'),
    key: hexKey.describe("the person's new member key in this network"),
    proof: proof.describe("the new key's 'rekey' proof over the member key it replaces"),
    unlink: z
      .array(hexKey)
      .min(1)
      .max(REKEY_DEVICES_MAX)
      .refine(distinct, 'must not name a device twice')
      .optional(),
    sealed: z
      .array(z.object({ device: hexKey, box: sealedPhrase }))
      .min(1)
      .max(REKEY_DEVICES_MAX)
      .refine((list) => distinct(list.map((s) => s.device)), 'must not name a device twice')
      .optional(),
  }),
  'status.green': z.object({ ...envelope, type: z.literal('status.green') }),
  'status.orange': z.object({ ...envelope, type: z.literal('status.orange'), amount }),
  'status.red': z.object({
    ...envelope,
    type: z.literal('status.red'),
    amount,
    days: z.number().int().min(1).max(RED_DAYS_MAX),
  }),
  'intention.create': z.object({
    ...envelope,
    type: z.literal('intention.create'),
    to: memberId,
    amount,
    note: note.optional(),
  }),
  'intention.change': z.object({ ...envelope, type: z.literal('intention.change'), ...on, amount }),
  'intention.cancel': z.object({ ...envelope, type: z.literal('intention.cancel'), ...on }),
  'intention.commit': z.object({ ...envelope, type: z.literal('intention.commit'), ...on }),
  'intention.fulfil': z.object({ ...envelope, type: z.literal('intention.fulfil'), ...on }),
  'obligation.create': z.object({
    ...envelope,
    type: z.literal('obligation.create'),
    to: memberId,
    amount,
    note: note.optional(),
  }),
  'obligation.fulfil': z.object({ ...envelope, type: z.literal('obligation.fulfil'), ...on }),
  'obligation.confirm': z.object({ ...envelope, type: z.literal('obligation.confirm'), ...on }),
  'obligation.forgive': z.object({ ...envelope, type: z.literal('obligation.forgive'), ...on }),
  'request.commit': z.object({ ...envelope, type: z.literal('request.commit'), ...on }),
  'request.fulfil': z.object({ ...envelope, type: z.literal('request.fulfil'), ...on }),
  'request.confirm': z.object({ ...envelope, type: z.literal('request.confirm'), ...on }),
  /**
   * Which of the author's open obligations, owed by them or to them, this month's clearing may
   * reduce (domain.md §6): all, none, or those chosen; `cap`, the most it may take off each.
   */
  'clearing.consent': z.object({
    ...envelope,
    type: z.literal('clearing.consent'),
    obligations: z.union([
      z.literal('all'),
      z.literal('none'),
      z
        .array(pledgeId)
        .min(1, 'must choose an obligation, or be all or none')
        .max(CLEARING_CHOSEN_MAX, `must choose at most ${CLEARING_CHOSEN_MAX} obligations`)
        .refine((ids) => new Set(ids).size === ids.length, 'must not name an obligation twice'),
    ]),
    cap: amount.optional(),
  }),
  cycle: z.object({ ...envelope, type: z.literal('cycle') }),
} as const

export type OpType = keyof typeof opSchemas
export const OP_TYPES = Object.keys(opSchemas) as OpType[]

export const opSchema = z.discriminatedUnion(
  'type',
  Object.values(opSchemas) as unknown as [
    (typeof opSchemas)[OpType],
    ...(typeof opSchemas)[OpType][],
  ],
)
export type Op = z.infer<typeof opSchema>
export type OpOf<T extends OpType> = z.infer<(typeof opSchemas)[T]>

/** An op as a client composes it, before the envelope is filled in. */
export type OpInput<T extends OpType = OpType> = T extends OpType
  ? Omit<OpOf<T>, 'v' | 'id' | 'ts'>
  : never

/**
 * The writers whose ops need a newer app than this one: they wrote a schema version above
 * OP_VERSION (recorded in the network's meta as `newer`). Empty again once this app reads it.
 */
export function newerWriters(meta: { newer?: Record<string, number> } | null): string[] {
  return Object.entries(meta?.newer ?? {})
    .filter(([, version]) => version > OP_VERSION)
    .map(([writer]) => writer)
    .sort()
}

export type Decoded =
  | { ok: true; op: Op }
  | { ok: false; refusal: Refusal; reason: string; future?: boolean; type?: string }

/** A refusal of an op that could not be read, and its English text. */
function unreadable(refusal: Refusal) {
  return { ok: false as const, refusal, reason: reasonText(refusal) }
}

/** How deep the JSON in `bytes` nests, counted without parsing; stops past `limit`. */
function depthOf(bytes: Uint8Array, limit: number): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!
    if (inString) {
      if (c === 0x5c)
        i++ // a backslash: the next byte is escaped
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      depth++
      if (depth > deepest) deepest = depth
      if (deepest > limit) return deepest
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return deepest
}

/** Why bytes cannot be an op before they are parsed (too many, too deep), or null. */
function oversized(raw: ArrayBufferView): Refusal | null {
  if (raw.byteLength > MAX_OP_BYTES)
    return { code: 'too-large', params: { bytes: raw.byteLength, max: MAX_OP_BYTES } }
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
  if (depthOf(bytes, MAX_OP_DEPTH) > MAX_OP_DEPTH)
    return { code: 'too-deep', params: { max: MAX_OP_DEPTH } }
  return null
}

/**
 * The op as JSON parses it from bytes (values are taken as they are); undefined if it cannot,
 * or if the bytes are more or deeper than an op may be.
 */
export function parseOp(raw: unknown): unknown {
  // isView, not instanceof: bytes from another realm (a test DOM, a worker) are bytes too.
  if (!ArrayBuffer.isView(raw)) return raw
  if (oversized(raw)) return undefined
  try {
    return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'))
  } catch {
    return undefined
  }
}

/** Parses an op from raw bytes or a value. Never throws. */
export function decodeOp(raw: unknown): Decoded {
  const tooMuch = ArrayBuffer.isView(raw) ? oversized(raw) : null
  if (tooMuch) return unreadable(tooMuch)
  const value = parseOp(raw)
  if (value === undefined && ArrayBuffer.isView(raw)) {
    return unreadable({ code: 'not-json', params: {} })
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return unreadable({ code: 'not-object', params: {} })
  }
  const record = value as Record<string, unknown>
  const type = typeof record.type === 'string' ? record.type.slice(0, 64) : undefined
  if (typeof record.v === 'number' && Number.isInteger(record.v) && record.v > OP_VERSION) {
    const params = { version: record.v, supported: OP_VERSION }
    return { ...unreadable({ code: 'newer-op', params }), future: true, type }
  }
  if (type === undefined || !Object.hasOwn(opSchemas, type)) {
    return {
      ...unreadable({ code: 'unknown-op', params: { type: JSON.stringify(type ?? null) } }),
      type,
    }
  }
  const parsed = opSchemas[type as OpType].safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const problem = issue?.message ?? 'invalid'
    const found: Refusal = issue?.path.length
      ? { code: 'malformed-field', params: { type, field: issue.path.join('.'), problem } }
      : { code: 'malformed-op', params: { type, problem } }
    return { ...unreadable(found), type }
  }
  return { ok: true, op: parsed.data as Op }
}

export function encodeOp(op: Op): Buffer {
  return Buffer.from(JSON.stringify(op))
}
