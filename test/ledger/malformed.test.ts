/**
 * Hostile and broken input: whatever a peer appends, applyOp never throws, rejects it with a
 * clear reason, records the rejection, and leaves every other key of the state as it was.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyOp } from '../../core/ledger/apply.ts'
import { keys, type NetworkMeta } from '../../core/ledger/model.ts'
import { MAX_AMOUNT } from '../../core/ledger/limits.ts'
import { OP_TYPES, OP_VERSION, newerWriters } from '../../core/ledger/ops.ts'
import { testInvite } from '../support/admission.ts'
import { TestLedger, keyOf } from '../support/ledger.ts'
import { reasonText } from '../../core/errors.ts'

const NOW = Date.UTC(2026, 10, 3, 12)
const anna = keyOf('anna')
const boris = keyOf('boris')

interface World {
  t: TestLedger
  /** Boris → Anna, active intention 100.00. */
  pI: string
  /** Vera → Anna, open obligation 50.00. */
  pO: string
}

/** Anna orange, Boris with an intention, Vera with an obligation, a stranger admitted but not joined. */
async function world(): Promise<World> {
  const t = new TestLedger(NOW)
  await t.network('anna', ['boris', 'vera'], { timeZone: 'Europe/Berlin' })
  await t.ok('anna', { type: 'status.orange', amount: 50_000 })
  const pI = (await t.ok('boris', { type: 'intention.create', to: anna, amount: 10_000 })).pledge
  const pO = (await t.ok('vera', { type: 'obligation.create', to: anna, amount: 5_000 })).pledge
  await admit(t, 'stranger')
  return { t, pI, pO }
}

const inviteFor = (name: string) => testInvite(`invite for ${name}`).id
/** A receipt that would never verify: for ops refused before the receipt is looked at. */
const receipt = 'ab'.repeat(64)

/** Anna admits `name` as a writer through a single-use invite; they do not join. */
async function admit(t: TestLedger, name: string) {
  const invite = await t.invite('anna', `invite for ${name}`, { expires: t.now + 86_400_000 })
  await t.ok('anna', t.admitOp(invite, name))
}

/** Every key except the rejection log (and the reasons kept by op ref), serialised. */
function snapshot(t: TestLedger, ignoreNewer = false): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of t.kv.map) {
    if (key.startsWith(keys.rejections) || key === keys.rejectedSeq) continue
    if (key.startsWith(keys.refusal(''))) continue
    if (ignoreNewer && key === keys.meta) {
      out[key] = JSON.stringify({ ...(value as NetworkMeta), newer: null })
    } else out[key] = JSON.stringify(value)
  }
  return out
}

let opCounter = 0
/** A well-formed envelope around `fields`; fields may override or delete (undefined) any key. */
function op(type: unknown, fields: Record<string, unknown> = {}): Record<string, unknown> {
  const value: Record<string, unknown> = {
    v: OP_VERSION,
    id: `bad${(++opCounter).toString().padStart(5, '0')}`,
    ts: NOW,
    type,
    ...fields,
  }
  for (const k of Object.keys(value)) if (value[k] === undefined) delete value[k]
  return value
}
const bytes = (s: string) => Buffer.from(s, 'utf8')

/**
 * Appends `value` as `author` and checks the whole contract of a rejection. Returns the reason.
 */
async function expectRejected(
  t: TestLedger,
  author: string,
  value: unknown,
  reason: RegExp | string,
  type?: string | null,
): Promise<string> {
  const before = snapshot(t)
  const rejectedBefore = (await t.rejections()).length
  const result = await t.raw(author, value)
  expect(result.accepted).toBe(false)
  expect(result.effects).toEqual([])
  if (typeof reason === 'string') expect(result.reason).toBe(reason)
  else expect(result.reason).toMatch(reason)
  const rejections = await t.rejections()
  expect(rejections).toHaveLength(rejectedBefore + 1)
  const last = rejections.at(-1)!
  expect(last.reason).toEqual(result.refusal)
  expect(reasonText(last.reason)).toBe(result.reason)
  expect(last.author).toBe(keyOf(author))
  expect(last.seq).toBe(rejectedBefore + 1)
  expect(last.at).toBe(NOW)
  if (type !== undefined) expect(last.type).toBe(type)
  expect(t.kv.map.get(keys.refusal(last.ref))).toEqual(result.refusal)
  expect(snapshot(t)).toEqual(before)
  return result.reason!
}

const HEX_UPPER = 'A'.repeat(64)
const MB = 1 << 20

/** [label, value, reason, rejection type] — malformed before any rule looks at them. */
const malformed: Array<[string, unknown, RegExp | string, (string | null)?]> = [
  // envelope: v
  [
    'v as a string',
    op('status.green', { v: '1' }),
    `malformed status.green: v Invalid input: expected ${OP_VERSION}`,
    'status.green',
  ],
  ['v null', op('status.green', { v: null }), /^malformed status\.green: v /],
  ['v fractional', op('status.green', { v: 1.5 }), /^malformed status\.green: v /],
  ['v zero', op('status.green', { v: 0 }), /^malformed status\.green: v /],
  ['v missing', op('status.green', { v: undefined }), /^malformed status\.green: v /],
  ['v true', op('status.green', { v: true }), /^malformed status\.green: v /],
  // envelope: id
  [
    'id a number',
    op('status.green', { id: 123456 }),
    'malformed status.green: id Invalid input: expected string, received number',
  ],
  [
    'id too short',
    op('status.green', { id: 'ab' }),
    'malformed status.green: id must be 6-32 characters of [A-Za-z0-9_-]',
  ],
  [
    'id too long',
    op('status.green', { id: 'x'.repeat(33) }),
    /^malformed status\.green: id must be 6-32/,
  ],
  [
    'id with slashes',
    op('status.green', { id: '../../meta' }),
    /^malformed status\.green: id must be 6-32/,
  ],
  [
    'id missing',
    op('status.green', { id: undefined }),
    /^malformed status\.green: id Invalid input: expected string/,
  ],
  // envelope: ts
  [
    'ts a string',
    op('status.green', { ts: '2026-11-03' }),
    'malformed status.green: ts Invalid input: expected number, received string',
  ],
  ['ts negative', op('status.green', { ts: -1 }), /^malformed status\.green: ts Too small/],
  [
    'ts fractional',
    op('status.green', { ts: NOW + 0.5 }),
    /^malformed status\.green: ts Invalid input: expected int/,
  ],
  [
    'ts beyond Date',
    op('status.green', { ts: 8_640_000_000_000_001 }),
    /^malformed status\.green: ts Too big/,
  ],
  [
    'ts missing',
    op('status.green', { ts: undefined }),
    /^malformed status\.green: ts Invalid input: expected number, received undefined/,
  ],
  // a malformed op must not move the clock either, however far ahead it claims to be
  [
    'far-future ts with a bad amount',
    op('status.orange', { ts: NOW + 400 * 86_400_000, amount: -1 }),
    'malformed status.orange: amount must be greater than 0',
  ],
  // type
  ['type a number', op(5), 'unknown op type null', null],
  ['type missing', op(undefined), 'unknown op type null', null],
  ['type an object', op({ type: 'status.green' }), 'unknown op type null', null],
  ['unknown type', op('pool.claim'), 'unknown op type "pool.claim"', 'pool.claim'],
  ['type toString', op('toString'), 'unknown op type "toString"', 'toString'],
  ['type __proto__', op('__proto__'), 'unknown op type "__proto__"', '__proto__'],
  ['type constructor', op('constructor'), 'unknown op type "constructor"', 'constructor'],
  ['type hasOwnProperty', op('hasOwnProperty'), 'unknown op type "hasOwnProperty"'],
  ['type empty', op(''), 'unknown op type ""', ''],
  ['type 1 MB long', op('x'.repeat(MB)), `unknown op type "${'x'.repeat(64)}"`, 'x'.repeat(64)],
  // amounts
  [
    'amount negative',
    op('status.orange', { amount: -100 }),
    'malformed status.orange: amount must be greater than 0',
    'status.orange',
  ],
  [
    'amount zero',
    op('status.orange', { amount: 0 }),
    'malformed status.orange: amount must be greater than 0',
  ],
  [
    'amount -0',
    op('intention.create', { to: anna, amount: -0 }),
    'malformed intention.create: amount must be greater than 0',
  ],
  [
    'amount fractional',
    op('status.orange', { amount: 100.25 }),
    'malformed status.orange: amount must be a whole number of minor units',
  ],
  [
    'amount tiny fraction',
    op('obligation.create', { to: anna, amount: 0.5 }),
    /^malformed obligation\.create: amount must be (a whole number|greater than 0)/,
  ],
  [
    'amount MAX + 1',
    op('status.orange', { amount: MAX_AMOUNT + 1 }),
    `malformed status.orange: amount must be at most ${MAX_AMOUNT}`,
  ],
  [
    'amount 2^53',
    op('obligation.create', { to: anna, amount: 2 ** 53 }),
    /^malformed obligation\.create: amount must be (a whole number|at most)/,
  ],
  [
    'amount 1e308',
    op('intention.create', { to: anna, amount: 1e308 }),
    /^malformed intention\.create: amount must be (a whole number|at most)/,
  ],
  [
    'amount NaN (as a value)',
    op('status.orange', { amount: NaN }),
    'malformed status.orange: amount Invalid input: expected number, received NaN',
  ],
  [
    'amount Infinity (as a value)',
    op('status.orange', { amount: Infinity }),
    /^malformed status\.orange: amount Invalid input: expected number, received Infinity/,
  ],
  [
    'amount a string',
    op('status.orange', { amount: '100' }),
    'malformed status.orange: amount Invalid input: expected number, received string',
  ],
  [
    'amount null',
    op('status.orange', { amount: null }),
    /^malformed status\.orange: amount Invalid input: expected number, received null/,
  ],
  [
    'amount boolean',
    op('status.orange', { amount: true }),
    /^malformed status\.orange: amount Invalid input: expected number, received boolean/,
  ],
  [
    'amount an array',
    op('status.orange', { amount: [100] }),
    /^malformed status\.orange: amount Invalid input: expected number/,
  ],
  [
    'amount nested junk',
    op('status.orange', { amount: { $gt: 0, deep: [{ a: { b: 1 } }] } }),
    /^malformed status\.orange: amount Invalid input: expected number/,
  ],
  [
    'amount missing',
    op('status.orange'),
    'malformed status.orange: amount Invalid input: expected number, received undefined',
  ],
  // other fields
  [
    'red without days',
    op('status.red', { amount: 100 }),
    'malformed status.red: days Invalid input: expected number, received undefined',
  ],
  [
    'red days 0',
    op('status.red', { amount: 100, days: 0 }),
    /^malformed status\.red: days Too small/,
  ],
  [
    'red days 32',
    op('status.red', { amount: 100, days: 32 }),
    /^malformed status\.red: days Too big/,
  ],
  [
    'red days fractional',
    op('status.red', { amount: 100, days: 2.5 }),
    /^malformed status\.red: days Invalid input: expected int/,
  ],
  [
    'red days a string',
    op('status.red', { amount: 100, days: '3' }),
    /^malformed status\.red: days Invalid input: expected number/,
  ],
  [
    'to missing',
    op('intention.create', { amount: 100 }),
    /^malformed intention\.create: to Invalid input: expected string/,
  ],
  [
    'to a number',
    op('obligation.create', { to: 42, amount: 100 }),
    /^malformed obligation\.create: to Invalid input: expected string/,
  ],
  [
    'to upper-case hex',
    op('intention.create', { to: HEX_UPPER, amount: 100 }),
    'malformed intention.create: to must be a 64-character lowercase hex key',
  ],
  [
    'to a name',
    op('intention.create', { to: 'anna', amount: 100 }),
    'malformed intention.create: to must be a 64-character lowercase hex key',
  ],
  [
    'note too long',
    op('intention.create', { to: anna, amount: 100, note: 'n'.repeat(141) }),
    'malformed intention.create: note must be at most 140 characters',
  ],
  [
    'note an object',
    op('obligation.create', { to: anna, amount: 100, note: { text: 'hi' } }),
    /^malformed obligation\.create: note Invalid input: expected string/,
  ],
  [
    'pledge missing',
    op('intention.cancel'),
    /^malformed intention\.cancel: pledge Invalid input: expected string/,
  ],
  [
    'pledge a number',
    op('obligation.confirm', { pledge: 7 }),
    /^malformed obligation\.confirm: pledge Invalid input: expected string/,
  ],
  [
    'pledge not an id',
    op('obligation.forgive', { pledge: 'anything' }),
    'malformed obligation.forgive: pledge is not a pledge id',
  ],
  [
    'pledge with a path',
    op('intention.cancel', { pledge: '../meta' }),
    'malformed intention.cancel: pledge is not a pledge id',
  ],
  [
    'name empty',
    op('member.profile', { name: '   ' }),
    'malformed member.profile: name must not be empty',
  ],
  [
    'name of 1 MB',
    op('member.profile', { name: 'n'.repeat(MB) }),
    /^malformed member\.profile: name Too big/,
  ],
  [
    'about too long',
    op('member.profile', { about: 'a'.repeat(181) }),
    'malformed member.profile: about must be at most 180 characters',
  ],
  [
    'about a number',
    op('member.profile', { about: 5 }),
    /^malformed member\.profile: about Invalid input: expected string/,
  ],
  [
    'details a string',
    op('member.payment', { details: 'IBAN' }),
    /^malformed member\.payment: details Invalid input: expected array/,
  ],
  [
    'details entry junk',
    op('member.payment', { details: [{ label: 1 }] }),
    /^malformed member\.payment: details\.0\.label /,
  ],
  [
    'details without default',
    op('member.payment', { details: [{ label: 'IBAN', value: 'DE00', isDefault: false }] }),
    'malformed member.payment: details exactly one payment detail must be the default',
  ],
  [
    'details too many',
    op('member.payment', {
      details: Array.from({ length: 11 }, (_, i) => ({
        label: `l${i}`,
        value: 'v',
        isDefault: i === 0,
      })),
    }),
    /^malformed member\.payment: details Too big/,
  ],
  [
    'writer key short',
    op('writer.add', { key: 'abc' }),
    'malformed writer.add: key must be a 64-character lowercase hex key',
  ],
  [
    'writer.add without invite',
    op('writer.add', { key: keyOf('x') }),
    /^malformed writer\.add: invite Invalid input: expected string/,
  ],
  [
    'invite not a key',
    op('writer.add', { key: keyOf('x'), invite: 'i'.repeat(129), receipt }),
    'malformed writer.add: invite must be a 64-character lowercase hex key',
  ],
  [
    'invite uses 0',
    op('invite.create', { invite: keyOf('i'), publicKey: keyOf('i'), expires: NOW + 1, uses: 0 }),
    /^malformed invite\.create: uses Too small/,
  ],
  [
    'invite uses 1001',
    op('invite.create', {
      invite: keyOf('i'),
      publicKey: keyOf('i'),
      expires: NOW + 1,
      uses: 1001,
    }),
    /^malformed invite\.create: uses Too big/,
  ],
  [
    'invite expires a string',
    op('invite.create', { invite: keyOf('i'), publicKey: keyOf('i'), expires: 'soon', uses: 1 }),
    /^malformed invite\.create: expires Invalid input: expected number/,
  ],
  [
    'invite for a name',
    op('invite.create', {
      invite: keyOf('i'),
      publicKey: keyOf('i'),
      expires: NOW + 1,
      uses: 1,
      for: 'anna',
    }),
    'malformed invite.create: for must be a 64-character lowercase hex key',
  ],
  [
    'join without name',
    op('member.join'),
    /^malformed member\.join: name Invalid input: expected string/,
  ],
  [
    'network.create bad zone',
    op('network.create', { name: 'X', currency: 'EUR', decimals: 2, timeZone: 'Mars/Olympus' }),
    'malformed network.create: timeZone is not a known IANA time zone',
  ],
  // raw bytes
  ['NaN in JSON bytes', bytes('{"amount":NaN}'), 'malformed op: not valid JSON', null],
  [
    'Infinity in JSON bytes',
    bytes(`{"v":${OP_VERSION},"id":"abcdef","ts":${NOW},"type":"status.orange","amount":Infinity}`),
    'malformed op: not valid JSON',
    null,
  ],
  [
    '1e400 in JSON bytes',
    bytes(`{"v":${OP_VERSION},"id":"abcdef","ts":${NOW},"type":"status.orange","amount":1e400}`),
    'malformed status.orange: amount Invalid input: expected number, received Infinity',
    'status.orange',
  ],
  [
    'truncated JSON',
    bytes(`{"v":${OP_VERSION},"id":"abcdef","ts":${NOW},"type":"status.or`),
    'malformed op: not valid JSON',
    null,
  ],
  ['empty buffer', new Uint8Array(0), 'malformed op: not valid JSON', null],
  [
    'random bytes',
    Uint8Array.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x80, 0xc3, 0x28, 0x0a, 0x1b, 0xde, 0xad]),
    'malformed op: not valid JSON',
    null,
  ],
  [
    'a JSON array',
    bytes(JSON.stringify([op('status.green')])),
    'malformed op: not an object',
    null,
  ],
  ['JSON null', bytes('null'), 'malformed op: not an object', null],
  ['a JSON number', bytes('42'), 'malformed op: not an object', null],
  [
    'a JSON string of 1 MB',
    bytes(JSON.stringify('s'.repeat(MB))),
    `malformed op: ${MB + 2} bytes, more than the 16384 an op may have`,
    null,
  ],
  [
    '1 MB of garbage',
    new Uint8Array(MB).fill(0x41),
    `malformed op: ${MB} bytes, more than the 16384 an op may have`,
    null,
  ],
  [
    'JSON with a BOM',
    bytes('\uFEFF' + JSON.stringify(op('status.green'))),
    'malformed op: not valid JSON',
    null,
  ],
  // values (not bytes)
  ['null', null, 'malformed op: not an object', null],
  ['undefined', undefined, 'malformed op: not an object', null],
  ['a number', 42, 'malformed op: not an object', null],
  ['a string', '{"v":1}', 'malformed op: not an object', null],
  ['an array', [], 'malformed op: not an object', null],
  ['an empty object', {}, 'unknown op type null', null],
]

describe('malformed ops are rejected without touching the state', () => {
  for (const author of ['boris', 'stranger'] as const) {
    const who = author === 'boris' ? 'a member' : 'an admitted non-member'
    it.each(malformed)(`${who}: %s`, async (_label, value, reason, type) => {
      const { t } = await world()
      await expectRejected(t, author, value, reason, type)
      const rejection = (await t.rejections()).at(-1)!
      // Ops that could not be decoded are named by the author and the position in their log.
      expect(rejection.ref).toMatch(
        /^[0-9a-f]{64}@\d+$|^[0-9a-f]{12}-bad\d{5}$|^[0-9a-f]{12}-abcdef$/,
      )
      expect(rejection.type === null || rejection.type.length <= 64).toBe(true)
      // A valid op afterwards still works.
      if (author === 'boris') {
        await t.ok('boris', { type: 'member.profile', about: 'still here' })
        expect((await t.member('boris')).about).toBe('still here')
      } else {
        await t.ok('stranger', t.joinOp('stranger'))
        expect((await t.member('stranger')).status).toBe('green')
      }
    })
  }

  it('an op from a newer schema version asks to update the app', async () => {
    const { t } = await world()
    expect(newerWriters(await t.meta())).toEqual([])
    const before = snapshot(t, true)
    for (const [author, value] of [
      ['boris', op('pool.claim', { v: OP_VERSION + 1, amount: 100 })],
      ['stranger', op('status.orange', { v: OP_VERSION + 1, amount: 'a new kind of amount' })],
      ['boris', bytes(`{"v":${OP_VERSION + 2},"type":"initiative.create","cost":{"n":1}}`)],
    ] as const) {
      const result = await t.raw(author, value)
      expect(result.accepted).toBe(false)
      expect(result.reason).toMatch(
        new RegExp(
          `^op schema version (${OP_VERSION + 1}|${OP_VERSION + 2}) is newer than this app ` +
            `understands \\(${OP_VERSION}\\): update the app$`,
        ),
      )
    }
    const rejections = await t.rejections()
    expect(rejections.map((r) => [r.type, r.future])).toEqual([
      ['pool.claim', true],
      ['status.orange', true],
      ['initiative.create', true],
    ])
    // Who wrote which newer version: the app asks to be updated while it reads none of them.
    expect((await t.meta()).newer).toEqual({
      [keyOf('boris')]: OP_VERSION + 2,
      [keyOf('stranger')]: OP_VERSION + 1,
    })
    expect(newerWriters(await t.meta())).toEqual([keyOf('boris'), keyOf('stranger')].sort())
    // A version this app reads asks for nothing: the question goes with the update.
    expect(newerWriters({ newer: { a: OP_VERSION } })).toEqual([])
    // The record is the only change outside the rejection log.
    expect(snapshot(t, true)).toEqual(before)
    await t.ok('anna', { type: 'status.orange', amount: 60_000 })
    expect((await t.member('anna')).monthly).toBe(60_000)
  })

  it('extra fields are stripped and never reach the state', async () => {
    const { t } = await world()
    const result = await t.raw(
      'boris',
      op('member.profile', {
        about: 'hello',
        junk: { nested: [{ deeper: { evil: 'JUNK-MARKER' } }] },
        status: 'red',
        monthly: 999,
      }),
    )
    expect(result.accepted).toBe(true)
    const boris = await t.member('boris')
    expect(boris.about).toBe('hello')
    expect(boris.status).toBe('green')
    expect(boris.monthly).toBe(0)
    expect(JSON.stringify([...t.kv.map])).not.toContain('JUNK-MARKER')
  })
})

describe('well-formed ops that forge or overreach are rejected by the rules', () => {
  it('a member cannot act on pledges that are not theirs', async () => {
    const { t, pI, pO } = await world()
    const forgedByVera = `${keyOf('vera').slice(0, 12)}-${pI.split('-')[1]}`
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        'vera',
        op('intention.cancel', { pledge: pI }),
        `only the author of intention ${pI} may do this`,
      ],
      [
        'vera',
        op('intention.change', { pledge: pI, amount: 1 }),
        `only the author of intention ${pI} may do this`,
      ],
      [
        'vera',
        op('intention.commit', { pledge: pI }),
        `only the author of intention ${pI} may do this`,
      ],
      [
        'anna',
        op('intention.fulfil', { pledge: pI }),
        `only the author of intention ${pI} may do this`,
      ],
      ['vera', op('intention.cancel', { pledge: forgedByVera }), `no pledge ${forgedByVera}`],
      [
        'anna',
        op('obligation.forgive', { pledge: `${anna.slice(0, 12)}-nothere` }),
        `no pledge ${anna.slice(0, 12)}-nothere`,
      ],
      ['vera', op('obligation.confirm', { pledge: pO }), 'you cannot confirm your own obligation'],
      [
        'boris',
        op('obligation.confirm', { pledge: pO }),
        'only the recipient may confirm this obligation',
      ],
      [
        'boris',
        op('obligation.forgive', { pledge: pO }),
        'only the recipient may forgive this obligation',
      ],
      [
        'boris',
        op('obligation.fulfil', { pledge: pO }),
        `only the author of obligation ${pO} may do this`,
      ],
      [
        'anna',
        op('obligation.confirm', { pledge: pI }),
        `${pI} is an intention, not an obligation`,
      ],
      ['vera', op('intention.cancel', { pledge: pO }), `${pO} is an obligation, not an intention`],
      [
        'boris',
        op('request.commit', { pledge: pI }),
        'only the recipient may ask to turn an intention into an obligation',
      ],
      [
        'anna',
        op('request.confirm', { pledge: pO }),
        'only the author may remind the recipient to confirm',
      ],
      [
        'boris',
        op('intention.create', { to: boris, amount: 100 }),
        'you cannot promise help to yourself',
      ],
      [
        'boris',
        op('intention.create', { to: keyOf('stranger'), amount: 100 }),
        `recipient ${keyOf('stranger').slice(0, 8)} is not a member of this network`,
      ],
      [
        'boris',
        op('obligation.create', { to: keyOf('vera'), amount: 100 }),
        'vera is not asking for help',
      ],
      // Replaying Boris's own op id (the intention above) cannot overwrite the pledge.
      [
        'boris',
        op('obligation.create', { id: pI.split('-')[1], to: anna, amount: 1 }),
        `duplicate op id ${pI.split('-')[1]}`,
      ],
      [
        'boris',
        op('writer.add', { key: keyOf('stranger'), invite: inviteFor('stranger'), receipt }),
        `writer ${keyOf('stranger').slice(0, 8)} is already in this network`,
      ],
      [
        'boris',
        op('writer.add', { key: keyOf('mallory'), invite: inviteFor('stranger'), receipt }),
        'this invite has been used up (1 of 1)',
      ],
      [
        'boris',
        op('writer.add', { key: keyOf('mallory'), invite: inviteFor('mallory'), receipt }),
        'this invite is not known to the network',
      ],
      [
        'boris',
        op('invite.revoke', { invite: inviteFor('vera') }),
        'only the member who created an invite may revoke it',
      ],
      [
        'boris',
        op('member.join', { ...t.joinOp('boris'), name: 'Boris again' }),
        'you are already a member of this network',
      ],
      ['boris', op('status.green'), 'you are already green'],
      [
        'anna',
        op('network.create', { name: 'X', currency: 'EUR', decimals: 2, timeZone: 'UTC' }),
        'the network already exists',
      ],
    ]
    for (const [author, value, reason] of cases) {
      const type = value.type as string
      await expectRejected(t, author, value, reason, type)
      expect((await t.rejections()).at(-1)!.ref).toBe(
        `${keyOf(author).slice(0, 12)}-${value.id as string}`,
      )
    }
    expect(await t.pledge(pI)).toMatchObject({ state: 'active', amount: 10_000, from: boris })
    expect(await t.pledge(pO)).toMatchObject({ state: 'open', amount: 5_000 })
    // The real authors still can.
    await t.ok('boris', { type: 'intention.change', pledge: pI, amount: 12_000 })
    await t.ok('anna', { type: 'obligation.confirm', pledge: pO })
    expect((await t.pledge(pO)).state).toBe('confirmed')
  })

  it('an admitted non-member and an unknown writer may not act', async () => {
    const { t, pI, pO } = await world()
    for (const author of ['stranger', 'ghost']) {
      for (const value of [
        op('status.orange', { amount: 100 }),
        op('intention.create', { to: anna, amount: 100 }),
        op('obligation.confirm', { pledge: pO }),
        op('intention.cancel', { pledge: pI }),
        op('writer.add', { key: keyOf('mallory'), invite: inviteFor('vera'), receipt }),
        op('invite.create', {
          invite: keyOf('i'),
          publicKey: keyOf('i'),
          expires: NOW + 1,
          uses: 5,
        }),
      ]) {
        await expectRejected(t, author, value, 'you are not a member of this network: join first')
      }
    }
    await expectRejected(
      t,
      'ghost',
      op('member.join', { ...t.joinOp('ghost'), name: 'Ghost' }),
      'this writer was never admitted to the network',
    )
    // An unknown writer cannot move the ledger's clock, even with a well-formed op.
    await expectRejected(
      t,
      'ghost',
      op('status.green', { ts: Date.UTC(2027, 5, 1) }),
      'you are not a member of this network: join first',
    )
    expect((await t.meta()).cycle).toBe('2026-11')
    await t.ok('stranger', t.joinOp('stranger'))
    await t.ok('stranger', { type: 'intention.create', to: anna, amount: 100 })
  })
})

describe('before the network exists', () => {
  it('everything except network.create is rejected and only the rejection is stored', async () => {
    const t = new TestLedger(NOW)
    const cases: Array<[unknown, string | RegExp]> = [
      [op('status.orange', { amount: 100 }), 'the network has not been created yet'],
      [
        op('member.join', { ...t.joinOp('anna'), name: 'Anna' }),
        'the network has not been created yet',
      ],
      [
        op('writer.add', { key: keyOf('boris'), invite: inviteFor('boris'), receipt }),
        'the network has not been created yet',
      ],
      [op('cycle'), 'the network has not been created yet'],
      [bytes('not json'), 'malformed op: not valid JSON'],
      [
        op('network.create', { name: 'X', currency: 'EUR', decimals: 4, timeZone: 'UTC' }),
        /^malformed network\.create: decimals Too big/,
      ],
    ]
    for (const [value, reason] of cases) {
      const result = await t.raw('anna', value)
      expect(result.accepted).toBe(false)
      if (typeof reason === 'string') expect(result.reason).toBe(reason)
      else expect(result.reason).toMatch(reason)
    }
    const rejections = await t.rejections()
    expect(rejections.map((r) => [r.seq, r.at, r.type])).toEqual([
      [1, 0, 'status.orange'],
      [2, 0, 'member.join'],
      [3, 0, 'writer.add'],
      [4, 0, 'cycle'],
      [5, 0, null],
      [6, 0, 'network.create'],
    ])
    const stored = [...t.kv.map.keys()].sort()
    expect(stored.filter((k) => k.startsWith(keys.refusal('')))).toHaveLength(6)
    expect(stored.filter((k) => !k.startsWith(keys.refusal('')))).toEqual([
      'rejected/000000000001',
      'rejected/000000000002',
      'rejected/000000000003',
      'rejected/000000000004',
      'rejected/000000000005',
      'rejected/000000000006',
      'seq/rejected',
    ])
    await t.network('anna', ['boris'])
    expect((await t.meta()).creator).toBe(anna)
    expect((await t.member('boris')).name).toBe('boris')
  })
})

describe('properties', () => {
  it('random bytes and random values never throw and never change the state', async () => {
    const { t } = await world()
    const before = snapshot(t, true)
    let count = (await t.rejections()).length
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('anna', 'boris', 'stranger', 'ghost'),
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.jsonValue().map((v) => bytes(JSON.stringify(v) ?? '')),
          fc.jsonValue(),
          fc.anything(),
        ),
        async (author, value) => {
          const result = await applyOp(t.kv, value, keyOf(author), 1)
          expect(result.accepted).toBe(false)
          expect(result.reason).toMatch(/^(malformed|unknown op type|op schema version)/)
          expect((await t.rejections()).length).toBe(++count)
          expect(snapshot(t, true)).toEqual(before)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('op-shaped random values never throw; rejected ones change nothing', async () => {
    const { t, pI, pO } = await world()
    const members = [anna, boris, keyOf('vera'), keyOf('stranger'), keyOf('ghost')]
    const junk = fc.oneof(fc.jsonValue(), fc.constantFrom(NaN, Infinity, -0, undefined, 1e308))
    const shaped = fc.record(
      {
        v: fc.oneof({ arbitrary: fc.constant(1), weight: 4 }, { arbitrary: junk, weight: 1 }),
        id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{6,10}$/), junk),
        // never ahead of the ledger's clock: time passing is a legitimate change
        ts: fc.oneof(fc.integer({ min: 0, max: NOW }), fc.constantFrom(-1, 0.5, '1', null)),
        type: fc.oneof(
          {
            arbitrary: fc.constantFrom(...OP_TYPES, 'toString', '__proto__', 'pool.claim'),
            weight: 4,
          },
          { arbitrary: junk, weight: 1 },
        ),
        amount: fc.oneof(fc.integer({ min: -10, max: 2 * MAX_AMOUNT }), fc.double(), junk),
        days: fc.oneof(fc.integer({ min: -1, max: 40 }), junk),
        to: fc.oneof(fc.constantFrom(...members), junk),
        pledge: fc.oneof(fc.constantFrom(pI, pO, `${anna.slice(0, 12)}-abcdef`), junk),
        name: fc.oneof(fc.string({ maxLength: 70 }), junk),
        about: fc.oneof(fc.string({ maxLength: 200 }), junk),
        key: fc.oneof(fc.constantFrom(...members), junk),
        invite: fc.oneof(fc.constantFrom(...[inviteFor('stranger'), inviteFor('x')]), junk),
        publicKey: fc.oneof(fc.constantFrom(...members), junk),
        expires: fc.oneof(fc.integer({ min: -1, max: 2 * NOW }), junk),
        uses: fc.oneof(fc.integer({ min: -1, max: 1001 }), junk),
        for: fc.oneof(fc.constantFrom(...members), junk),
        details: fc.oneof(
          fc.array(fc.record({ label: fc.string(), value: fc.string(), isDefault: fc.boolean() }), {
            maxLength: 3,
          }),
          junk,
        ),
      },
      { requiredKeys: [] },
    )
    let rejectedCount = (await t.rejections()).length
    let rejectedSeen = 0
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('anna', 'boris', 'vera', 'stranger', 'ghost'),
        shaped,
        fc.boolean(),
        async (author, value, asBytes) => {
          const before = snapshot(t, true)
          const raw = asBytes ? bytes(JSON.stringify(value)) : value
          const result = await applyOp(t.kv, raw, keyOf(author), 1)
          if (result.accepted) {
            rejectedCount = (await t.rejections()).length
            return
          }
          rejectedSeen++
          expect(result.reason).toBeTruthy()
          expect(result.reason).not.toMatch(/internal error/)
          expect((await t.rejections()).length).toBe(++rejectedCount)
          expect(snapshot(t, true)).toEqual(before)
        },
      ),
      { numRuns: 400 },
    )
    expect(rejectedSeen).toBeGreaterThan(100)
  })
})
