/**
 * Networks, members and their devices (domain.md §2, §9, §12): creating a network, joining (as
 * a new member, or as a device of a member whose key the joiner proves to hold), profile,
 * payment details, unlinking a device, changing the member key, leaving. Also the indexer rule.
 */
import { verifyProof } from '../../identity/member-key.ts'
import { cycleOf, DAY } from '../cycle-time.ts'
import { reject, type Ledger, type MemberRules } from '../ledger.ts'
import {
  EVERYONE,
  keys,
  networkId,
  type Member,
  type NetworkMeta,
  type RetiredKey,
  type WriterRecord,
} from '../model.ts'
import { emptyCounts, forgetClock } from '../network-time.ts'
import type { OpOf } from '../ops.ts'
import { cancelIntentionsTo, endRed } from './status.ts'

/**
 * Indexer rule (docs/protocol.md): indexers are devices, at most MAX_INDEXERS of them and at
 * most one per member. A free place goes to the longest-standing member who holds none, is
 * not left and wrote within INDEXER_SILENCE: to their most recently linked device. A place is
 * freed when its device is unlinked, its member leaves, or it stays silent INDEXER_SILENCE of
 * network time (it stays a writer, no longer an indexer).
 */
export const MAX_INDEXERS = 3
export const INDEXER_SILENCE = 30 * DAY

export function createNetwork(op: OpOf<'network.create'>, author: string): NetworkMeta {
  return {
    name: op.name,
    currency: op.currency,
    decimals: op.decimals,
    timeZone: op.timeZone,
    creator: author,
    createdAt: op.ts,
    now: op.ts,
    clocks: emptyCounts(),
    cycle: cycleOf(op.ts, op.timeZone),
    reds: {},
    indexers: [author],
    indexerSeen: { [author]: op.ts },
    newer: {},
    seq: { event: 0, member: 0, clearing: 0 },
  }
}

/**
 * A writer joins with a member key it proves to hold. A key no member has makes a new member;
 * the key of a member makes the writer one more device of theirs (a linked device, or a
 * membership restored from the recovery phrase, with all its history).
 */
export async function memberJoin(l: Ledger, author: string, op: OpOf<'member.join'>) {
  const writer = await l.kv.get<WriterRecord>(keys.writer(author))
  if (!writer) reject('never-admitted')
  if (writer.unlinkedAt !== undefined) reject('device-unlinked')
  if (writer.member) {
    if ((await l.member(writer.member))?.left) reject('left-join-again')
    reject('already-member')
  }
  if (!verifyProof(op.key, 'join', networkId(l.meta), author, op.proof)) reject('join-unproven')
  // A key a member.rekey replaced: whoever still holds the old phrase (a lost or stolen
  // device's copy of it) no longer joins as that member, nor as anyone new.
  if (await l.kv.get<RetiredKey>(keys.retiredKey(op.key))) reject('member-key-retired')
  const holder = await l.kv.get<string>(keys.memberKey(op.key))
  const existing = holder ? await l.member(holder) : null
  if (existing?.left) {
    // The person comes back: the same member, with their history, and a new profile.
    existing.left = false
    delete existing.leftAt
    l.touchClearing()
    existing.name = op.name
    existing.about = op.about ?? ''
    existing.devices = [author]
    existing.joinedEvent = l.meta.seq.event
    await l.saveMember(existing)
    await l.kv.put(keys.writer(author), { ...writer, member: existing.id })
    await fillIndexers(l)
    await l.emit('member.joined', [EVERYONE], { actor: existing.id, subject: existing.id })
    return
  }
  if (existing) {
    existing.devices.push(author)
    await l.saveMember(existing)
    await l.kv.put(keys.writer(author), { ...writer, member: existing.id })
    await fillIndexers(l)
    // Told to the member (no actor: it is news to each of their devices, a warning if
    // someone else holds their phrase).
    await l.emit('device.linked', [existing.id], { subject: existing.id, data: { device: author } })
    return
  }
  const member: Member = {
    id: author,
    index: ++l.meta.seq.member,
    name: op.name,
    about: op.about ?? '',
    payment: [],
    status: 'green',
    monthly: 0,
    red: null,
    joinedAt: l.now,
    joinedEvent: l.meta.seq.event,
    left: false,
    key: op.key,
    devices: [author],
  }
  await l.saveMember(member)
  await l.kv.put(keys.memberKey(op.key), author)
  await l.kv.put(keys.writer(author), { ...writer, member: author })
  await fillIndexers(l)
  await l.emit('member.joined', [EVERYONE], { actor: author, subject: author })
}

/**
 * A member unlinks one of their devices (a lost or sold laptop): what it wrote stays, anything
 * it writes afterwards is refused. Not the last one: that is leaving.
 */
export async function deviceUnlink(l: Ledger, author: Member, op: OpOf<'device.unlink'>) {
  if (!author.devices.includes(op.device)) reject('not-your-device', { id: op.device.slice(0, 8) })
  if (author.devices.length === 1) reject('last-device')
  await unlinkDevice(l, author, op.device)
  await l.saveMember(author)
  await fillIndexers(l)
}

/**
 * Takes `device` from the member's devices (the caller saves the member): its later ops are
 * refused, it leaves the writers and its indexer place, and the member is told.
 */
async function unlinkDevice(l: Ledger, author: Member, device: string): Promise<void> {
  const writer = await l.kv.get<WriterRecord>(keys.writer(device))
  author.devices = author.devices.filter((d) => d !== device)
  author.unlinked = [...(author.unlinked ?? []), device]
  await l.kv.put(keys.writer(device), { ...writer, unlinkedAt: l.now })
  await dropDevice(l, device)
  await l.emit('device.unlinked', [author.id], { subject: author.id, data: { device } })
}

/**
 * The member's key in this network changes (domain.md §12): every device holds the recovery
 * phrase, so after one is lost or stolen its copy of the phrase would let whoever has it join
 * again as the member. The new key proves it replaces the current one (a 'rekey' proof over
 * it); the old one is retired (`rkey/<key>`), and joins proving it are refused. Devices named
 * in `unlink` are unlinked in the same op, as by device.unlink, so nothing can come between;
 * `sealed` holds the new phrase sealed for each device that stays, kept in its writer record
 * for it to take (the rules cannot open the boxes, only check whom they are for).
 *
 * Each node of the person rotates every network it is a member of, so two devices may rotate
 * one network to the same key at once: the second op, proven over the key the first replaced,
 * keeps the key and still does its unlinks and boxes.
 */
export async function memberRekey(l: Ledger, author: Member, op: OpOf<'member.rekey'>) {
  const again = op.key === author.key && author.previousKey !== undefined
  const from = again ? author.previousKey! : author.key
  if (!again) {
    const taken = await l.kv.get<string>(keys.memberKey(op.key))
    if (taken !== null || (await l.kv.get<RetiredKey>(keys.retiredKey(op.key))) !== null) {
      reject('member-key-taken')
    }
  }
  if (!verifyProof(op.key, 'rekey', networkId(l.meta), from, op.proof)) reject('rekey-unproven')
  const unlink = op.unlink ?? []
  for (const device of unlink) {
    if (!author.devices.includes(device)) reject('not-your-device', { id: device.slice(0, 8) })
  }
  const staying = author.devices.filter((d) => !unlink.includes(d))
  if (staying.length === 0) reject('last-device')
  for (const { device } of op.sealed ?? []) {
    if (!staying.includes(device)) reject('not-your-device', { id: device.slice(0, 8) })
  }
  if (!again) {
    await l.kv.del(keys.memberKey(author.key))
    await l.kv.put(keys.retiredKey(author.key), { member: author.id, at: l.now })
    await l.kv.put(keys.memberKey(op.key), author.id)
    author.previousKey = author.key
    author.key = op.key
  }
  for (const device of unlink) await unlinkDevice(l, author, device)
  await l.saveMember(author)
  for (const { device, box } of op.sealed ?? []) {
    const writer = await l.kv.get<WriterRecord>(keys.writer(device))
    await l.kv.put(keys.writer(device), { ...writer, sealed: { from, key: op.key, box } })
  }
  if (unlink.length > 0) await fillIndexers(l)
  // To the member only (no actor: news to each of their devices, the one that rotated too).
  await l.emit('member.rekeyed', [author.id], {
    subject: author.id,
    data: { unlinked: unlink.length },
  })
}

/** A device leaves the network's writers, and its indexer place if it held one. */
async function dropDevice(l: Ledger, device: string): Promise<void> {
  l.effects.push({ type: 'removeWriter', key: device })
  vacate(l, device)
}

function vacate(l: Ledger, device: string): void {
  const at = l.meta.indexers.indexOf(device)
  if (at < 0) return
  l.meta.indexers.splice(at, 1)
  delete l.meta.indexerSeen[device]
}

/**
 * Hands on the places of indexer devices silent for INDEXER_SILENCE of network time (they stay
 * writers, no longer indexers), by the rule (fillIndexers). Looked at when a member who holds
 * no place writes (`author`): a silent place nobody can take stays where it is until then. Run
 * on every op: a comparison per indexer, and the rest only when a place can change hands.
 */
export async function handOverSilentIndexers(l: Ledger, author: Member): Promise<void> {
  const silent = l.meta.indexers.filter(
    (d) => (l.meta.indexerSeen[d] ?? 0) <= l.meta.now - INDEXER_SILENCE,
  )
  if (silent.length === 0 || (await indexerHolders(l)).has(author.id)) return
  const seen = { ...l.meta.indexerSeen }
  for (const device of silent) vacate(l, device)
  await fillIndexers(l)
  for (const device of silent) {
    if (l.meta.indexers.includes(device)) continue
    if (l.meta.indexers.length < MAX_INDEXERS) {
      l.meta.indexers.push(device)
      l.meta.indexerSeen[device] = seen[device]!
    } else {
      l.effects.push({ type: 'addWriter', key: device, indexer: false })
    }
  }
}

/** The members whose devices hold indexer places. */
async function indexerHolders(l: Ledger): Promise<Set<string>> {
  const holders = new Set<string>()
  for (const device of l.meta.indexers) {
    const w = await l.kv.get<WriterRecord>(keys.writer(device))
    holders.add(w?.member ?? device)
  }
  return holders
}

/** Gives free indexer places by the rule (see MAX_INDEXERS). */
async function fillIndexers(l: Ledger): Promise<void> {
  if (l.meta.indexers.length >= MAX_INDEXERS) return
  const holders = await indexerHolders(l)
  const candidates = (await l.members())
    .filter((m) => !m.left && !holders.has(m.id) && m.devices.length > 0)
    .sort((a, b) => a.index - b.index)
  for (const m of candidates) {
    if (l.meta.indexers.length >= MAX_INDEXERS) break
    const clock = await l.kv.get<number>(keys.clock(m.id))
    if (clock !== null && clock <= l.meta.now - INDEXER_SILENCE) continue
    const device = m.devices[m.devices.length - 1]!
    l.meta.indexers.push(device)
    l.meta.indexerSeen[device] = l.now
    l.effects.push({ type: 'addWriter', key: device, indexer: true })
  }
}

export async function memberProfile(l: Ledger, author: Member, op: OpOf<'member.profile'>) {
  if (op.name === undefined && op.about === undefined) reject('nothing-to-change')
  if (op.name !== undefined) author.name = op.name
  if (op.about !== undefined) author.about = op.about
  await l.saveMember(author)
}

export async function memberPayment(l: Ledger, author: Member, op: OpOf<'member.payment'>) {
  author.payment = op.details
  await l.saveMember(author)
}

/**
 * Leaving cancels intentions both ways and removes profile and payment details from the
 * state. Obligations stay: those given are still owed, those received and fulfilled stay in
 * history. Open obligations towards the leaver are cancelled: nobody could receive them.
 */
export async function memberLeave(l: Ledger, author: Member) {
  if (author.status === 'red') await endRed(l, author, 'stopped', 'green')
  await cancelIntentionsTo(l, author.id)
  for (const p of await l.incoming(author.id)) {
    if (p.kind !== 'obligation' || p.state !== 'open') continue
    p.state = 'cancelled'
    p.closedAt = l.now
    await l.savePledge(p)
    await l.emit('obligation.cancelled', [p.from], {
      actor: author.id,
      subject: author.id,
      pledge: p.id,
      amount: p.amount,
      data: { reason: 'recipient-left' },
    })
  }
  for (const p of await l.outgoing(author.id)) {
    if (p.kind !== 'intention' || (p.state !== 'active' && p.state !== 'frozen')) continue
    p.state = 'cancelled'
    p.closedAt = l.now
    await l.savePledge(p)
    await l.emit('intention.cancelled', [p.to, p.from], {
      actor: author.id,
      subject: p.to,
      pledge: p.id,
      amount: p.amount,
      data: { reason: 'author-left' },
    })
  }
  author.left = true
  author.leftAt = l.now
  l.touchClearing()
  author.status = 'green'
  author.monthly = 0
  author.about = ''
  author.payment = []
  for (const device of author.devices) await dropDevice(l, device)
  await l.saveMember(author)
  await forgetClock(l, author.id)
  await fillIndexers(l)
  await l.emit('member.left', [EVERYONE], { actor: author.id, subject: author.id })
}

/** The member ops this file decides (see MemberRules). */
export const memberRules = {
  'member.profile': memberProfile,
  'member.payment': memberPayment,
  'member.leave': memberLeave,
  'device.unlink': deviceUnlink,
  'member.rekey': memberRekey,
} satisfies MemberRules
