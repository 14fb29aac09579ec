/**
 * Who may do what (domain.md §4 "who may do it", §2, §3, §9): every op type appended by every
 * kind of writer. Each cell states its expected outcome explicitly; `{pledge}` and `{invite}`
 * stand for the pledge or invite the op is about.
 */
import { describe, expect, it } from 'vitest'
import type { OpInput, OpType } from '../../core/ledger/ops.ts'
import { signProof } from '../../core/identity/member-key.ts'
import { memberKeyOf, testInvite } from '../support/admission.ts'
import { DAY, TestLedger, keyOf } from '../support/ledger.ts'
import { rejects } from '../support/events.ts'

type Role = 'author' | 'recipient' | 'third' | 'writer' | 'left'

/**
 * author: boris, who made the pledge (or the invite) the op is about;
 * recipient: anna (X), orange, whom the pledge is for (or whom the invite names);
 * third: vera, a member with no part in it;
 * writer: wanda, admitted with writer.add but never joined;
 * left: lev, who joined and then left.
 */
const ACTOR: Record<Role, string> = {
  author: 'boris',
  recipient: 'anna',
  third: 'vera',
  writer: 'wanda',
  left: 'lev',
}

const OK = 'accepted'
const NOT_MEMBER = 'you are not a member of this network: join first'
const LEFT = 'you have left this network'
const EXISTS = 'the network already exists'
const ALREADY = 'you are already a member of this network'
const NOT_YOUR_DEVICE = `device ${keyOf('boris phone').slice(0, 8)} is not one of yours`
const NOT_INTENTION_AUTHOR = 'only the author of intention {pledge} may do this'
const NOT_OBLIGATION_AUTHOR = 'only the author of obligation {pledge} may do this'

/** The rule book as a table: op type × role → 'accepted' or the exact rejection. */
const MATRIX: Record<OpType, Record<Role, string>> = {
  'network.create': {
    author: EXISTS,
    recipient: EXISTS,
    third: EXISTS,
    writer: EXISTS,
    left: EXISTS,
  },
  'invite.create': { author: OK, recipient: OK, third: OK, writer: NOT_MEMBER, left: LEFT },
  'invite.revoke': {
    author: OK,
    recipient: 'only the member who created an invite may revoke it',
    third: 'only the member who created an invite may revoke it',
    writer: NOT_MEMBER,
    left: LEFT,
  },
  'writer.add': { author: OK, recipient: OK, third: OK, writer: NOT_MEMBER, left: LEFT },
  // The writer joins; a member who left needs a new invite and a new writer key.
  'member.join': {
    author: ALREADY,
    recipient: ALREADY,
    third: ALREADY,
    writer: OK,
    left: 'you left this network: join again with a new invite',
  },
  'member.profile': { author: OK, recipient: OK, third: OK, writer: NOT_MEMBER, left: LEFT },
  'member.payment': { author: OK, recipient: OK, third: OK, writer: NOT_MEMBER, left: LEFT },
  'member.leave': { author: OK, recipient: OK, third: OK, writer: NOT_MEMBER, left: LEFT },
  // Boris's phone is his second device: only he may unlink it.
  'device.unlink': {
    author: OK,
    recipient: NOT_YOUR_DEVICE,
    third: NOT_YOUR_DEVICE,
    writer: NOT_MEMBER,
    left: LEFT,
  },
  // The proof is over Boris's key: nobody else's key is replaced with it.
  'member.rekey': {
    author: OK,
    recipient: 'the new member key does not prove it replaces yours',
    third: 'the new member key does not prove it replaces yours',
    writer: NOT_MEMBER,
    left: LEFT,
  },
  // Status ops act on their author, who is orange here (boris and vera too).
  'status.green': { author: OK, recipient: OK, third: OK, writer: NOT_MEMBER, left: LEFT },
  'status.orange': { author: OK, recipient: OK, third: OK, writer: NOT_MEMBER, left: LEFT },
  'status.red': { author: OK, recipient: OK, third: OK, writer: NOT_MEMBER, left: LEFT },
  // Any member except X, towards X.
  'intention.create': {
    author: OK,
    recipient: 'you cannot promise help to yourself',
    third: OK,
    writer: NOT_MEMBER,
    left: LEFT,
  },
  'obligation.create': {
    author: OK,
    recipient: 'you cannot promise help to yourself',
    third: OK,
    writer: NOT_MEMBER,
    left: LEFT,
  },
  // Its author only.
  'intention.change': {
    author: OK,
    recipient: NOT_INTENTION_AUTHOR,
    third: NOT_INTENTION_AUTHOR,
    writer: NOT_MEMBER,
    left: LEFT,
  },
  'intention.cancel': {
    author: OK,
    recipient: NOT_INTENTION_AUTHOR,
    third: NOT_INTENTION_AUTHOR,
    writer: NOT_MEMBER,
    left: LEFT,
  },
  'intention.commit': {
    author: OK,
    recipient: NOT_INTENTION_AUTHOR,
    third: NOT_INTENTION_AUTHOR,
    writer: NOT_MEMBER,
    left: LEFT,
  },
  'intention.fulfil': {
    author: OK,
    recipient: NOT_INTENTION_AUTHOR,
    third: NOT_INTENTION_AUTHOR,
    writer: NOT_MEMBER,
    left: LEFT,
  },
  'obligation.fulfil': {
    author: OK,
    recipient: NOT_OBLIGATION_AUTHOR,
    third: NOT_OBLIGATION_AUTHOR,
    writer: NOT_MEMBER,
    left: LEFT,
  },
  // X only.
  'obligation.confirm': {
    author: 'you cannot confirm your own obligation',
    recipient: OK,
    third: 'only the recipient may confirm this obligation',
    writer: NOT_MEMBER,
    left: LEFT,
  },
  'obligation.forgive': {
    author: 'you cannot forgive your own obligation',
    recipient: OK,
    third: 'only the recipient may forgive this obligation',
    writer: NOT_MEMBER,
    left: LEFT,
  },
  'request.commit': {
    author: 'only the recipient may ask to turn an intention into an obligation',
    recipient: OK,
    third: 'only the recipient may ask to turn an intention into an obligation',
    writer: NOT_MEMBER,
    left: LEFT,
  },
  'request.fulfil': {
    author: 'only the recipient may ask for fulfilment',
    recipient: OK,
    third: 'only the recipient may ask for fulfilment',
    writer: NOT_MEMBER,
    left: LEFT,
  },
  // The author only.
  'request.confirm': {
    author: OK,
    recipient: 'only the author may remind the recipient to confirm',
    third: 'only the author may remind the recipient to confirm',
    writer: NOT_MEMBER,
    left: LEFT,
  },
  // Either side of an obligation, for their own consent (in the clearing window).
  'clearing.consent': {
    author: OK,
    recipient: OK,
    third: 'obligation {pledge} is neither owed by you nor owed to you',
    writer: NOT_MEMBER,
    left: LEFT,
  },
  // Only moves the clock: any admitted writer's app may append it.
  cycle: { author: OK, recipient: OK, third: OK, writer: OK, left: OK },
}

const START = Date.UTC(2026, 10, 3, 12)

interface Arranged {
  input: OpInput
  pledge?: string
  invite?: string
}

/** The network every cell starts from: anna orange, wanda admitted, lev gone. */
async function network(): Promise<TestLedger> {
  const t = await new TestLedger(START).network('anna', ['boris', 'vera', 'lev'])
  await t.ok('anna', { type: 'status.orange', amount: 50_000 })
  const invite = await t.invite('anna', 'invite for wanda', { expires: START + DAY })
  await t.ok('anna', t.admitOp(invite, 'wanda'))
  await t.ok('lev', { type: 'member.leave' })
  return t
}

async function borisIntention(t: TestLedger): Promise<string> {
  return (await t.ok('boris', { type: 'intention.create', to: keyOf('anna'), amount: 7_000 }))
    .pledge
}

async function borisObligation(t: TestLedger, fulfilled: boolean): Promise<string> {
  const { pledge } = await t.ok('boris', {
    type: 'obligation.create',
    to: keyOf('anna'),
    amount: 3_000,
  })
  if (fulfilled) await t.ok('boris', { type: 'obligation.fulfil', pledge })
  return pledge
}

async function everyoneOrange(t: TestLedger) {
  await t.ok('boris', { type: 'status.orange', amount: 10_000 })
  await t.ok('vera', { type: 'status.orange', amount: 10_000 })
}

/** What each op is about, set up before the op is appended. */
const ARRANGE: Record<OpType, (t: TestLedger) => Promise<Arranged>> = {
  'network.create': async () => ({
    input: { type: 'network.create', name: 'Other', currency: 'EUR', decimals: 2, timeZone: 'UTC' },
  }),
  'invite.create': async (t) => {
    const invite = testInvite('matrix invite')
    return {
      input: {
        type: 'invite.create',
        invite: invite.id,
        publicKey: invite.publicKey,
        expires: t.now + DAY,
        uses: 1,
        for: keyOf('anna'),
      },
    }
  },
  'invite.revoke': async (t) => {
    const invite = await t.invite('boris', 'matrix invite', { for: keyOf('anna') })
    return { input: { type: 'invite.revoke', invite: invite.id }, invite: invite.id }
  },
  'writer.add': async (t) => {
    const invite = await t.invite('boris', 'matrix invite', { for: keyOf('anna') })
    return { input: t.admitOp(invite, 'newcomer'), invite: invite.id }
  },
  'member.join': async (t) => ({ input: t.joinOp('wanda', 'Someone') }),
  'member.profile': async () => ({ input: { type: 'member.profile', about: 'hello' } }),
  'member.payment': async () => ({
    input: { type: 'member.payment', details: [{ label: 'IBAN', value: 'X', isDefault: true }] },
  }),
  'member.leave': async () => ({ input: { type: 'member.leave' } }),
  'device.unlink': async (t) => {
    await t.ok('anna', t.admitOp(await t.invite('anna', 'phone of boris'), 'boris phone'))
    await t.ok('boris phone', t.joinOp('boris phone', 'boris'))
    return { input: { type: 'device.unlink', device: keyOf('boris phone') } }
  },
  'member.rekey': async (t) => {
    const next = memberKeyOf('boris, new phrase', t.networkId)
    const old = memberKeyOf('boris', t.networkId).publicKey
    const proof = signProof(next.secretKey, 'rekey', t.networkId, old).toString('hex')
    return { input: { type: 'member.rekey', key: next.publicKey.toString('hex'), proof } }
  },
  'status.green': async (t) => {
    await everyoneOrange(t)
    return { input: { type: 'status.green' } }
  },
  'status.orange': async (t) => {
    await everyoneOrange(t)
    return { input: { type: 'status.orange', amount: 20_000 } }
  },
  'status.red': async (t) => {
    await everyoneOrange(t)
    return { input: { type: 'status.red', amount: 20_000, days: 5 } }
  },
  'intention.create': async () => ({
    input: { type: 'intention.create', to: keyOf('anna'), amount: 1_000 },
  }),
  'obligation.create': async () => ({
    input: { type: 'obligation.create', to: keyOf('anna'), amount: 1_000 },
  }),
  'intention.change': async (t) => {
    const pledge = await borisIntention(t)
    return { input: { type: 'intention.change', pledge, amount: 8_000 }, pledge }
  },
  'intention.cancel': async (t) => {
    const pledge = await borisIntention(t)
    return { input: { type: 'intention.cancel', pledge }, pledge }
  },
  'intention.commit': async (t) => {
    const pledge = await borisIntention(t)
    return { input: { type: 'intention.commit', pledge }, pledge }
  },
  'intention.fulfil': async (t) => {
    const pledge = await borisIntention(t)
    return { input: { type: 'intention.fulfil', pledge }, pledge }
  },
  'obligation.fulfil': async (t) => {
    const pledge = await borisObligation(t, false)
    return { input: { type: 'obligation.fulfil', pledge }, pledge }
  },
  'obligation.confirm': async (t) => {
    const pledge = await borisObligation(t, true)
    return { input: { type: 'obligation.confirm', pledge }, pledge }
  },
  'obligation.forgive': async (t) => {
    const pledge = await borisObligation(t, false)
    return { input: { type: 'obligation.forgive', pledge }, pledge }
  },
  'request.commit': async (t) => {
    const pledge = await borisIntention(t)
    return { input: { type: 'request.commit', pledge }, pledge }
  },
  'request.fulfil': async (t) => {
    const pledge = await borisObligation(t, false)
    return { input: { type: 'request.fulfil', pledge }, pledge }
  },
  'request.confirm': async (t) => {
    const pledge = await borisObligation(t, true)
    return { input: { type: 'request.confirm', pledge }, pledge }
  },
  'clearing.consent': async (t) => {
    t.now = Date.UTC(2026, 10, 26, 12) // the 26th: clearing is open
    const pledge = await borisObligation(t, false)
    return { input: { type: 'clearing.consent', obligations: [pledge], cap: 1_000 }, pledge }
  },
  cycle: async () => ({ input: { type: 'cycle' } }),
}

const ROLES = Object.keys(ACTOR) as Role[]
const CELLS = (Object.keys(MATRIX) as OpType[]).flatMap((type) =>
  ROLES.map((role) => [type, role, MATRIX[type][role]] as const),
)

describe('authority matrix', () => {
  it('covers every op type and every role', () => {
    expect(CELLS.length).toBe(Object.keys(MATRIX).length * 5)
    expect(Object.keys(ARRANGE).sort()).toEqual(Object.keys(MATRIX).sort())
  })

  it.each(CELLS)('%s by the %s → %s', async (type, role, expected) => {
    const t = await network()
    const { input, pledge, invite } = await ARRANGE[type](t)
    const who = ACTOR[role]
    if (expected === OK) {
      const before = (await t.rejections()).length
      const result = await t.op(who, input)
      expect(result.reason).toBeUndefined()
      expect(result.accepted).toBe(true)
      expect((await t.rejections()).length).toBe(before)
    } else {
      const reason = expected
        .replace('{pledge}', pledge ?? '(no pledge)')
        .replace('{invite}', invite ?? '(no invite)')
      await rejects(t, who, input, reason)
    }
  })
})
