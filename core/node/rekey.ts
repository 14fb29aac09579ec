/**
 * Changing the member key (domain.md §12, docs/protocol.md "Changing the member key"). Every
 * device holds the recovery phrase, so a lost or stolen device's copy of it would let whoever
 * has the data join again as the person. identity.rekey makes a new phrase and appends
 * member.rekey in every network this install is a member of (unlinking the lost device in the
 * same op), which retires the old member keys. The person's other devices take the new phrase
 * from the box each op seals for them; a network whose change could not be appended now (this
 * device cannot write there yet, a crash) is changed as soon as it can be.
 *
 * What is pending is kept in node.json before anything is appended: the new phrase, and in
 * each network's entry the member key it is still to change from (a public key) and the
 * devices to unlink there (`rekey`). Only the new key signs a change (its proof is over the
 * old public key), so nothing of the old phrase is needed, or kept, to finish one later.
 */
import { fail } from '../errors.ts'
import type { NodeEvent, Rekeyed } from '../api/results.ts'
import { memberKeyPair, signProof } from '../identity/member-key.ts'
import { identitySeed, newPhrase, openSealedPhrase, sealPhrase } from '../identity/phrase.ts'
import { REKEY_DEVICES_MAX } from '../ledger/limits.ts'
import {
  keys,
  networkId,
  type Member,
  type NetworkMeta,
  type WriterRecord,
} from '../ledger/model.ts'
import type { Logger } from '../logger.ts'
import type { LocalStateFile } from './local-state.ts'
import type { Networks } from './networks.ts'
import { hex, type NetworkSession } from './session.ts'

export interface RekeyingOptions {
  networks: Networks
  state: LocalStateFile
  clock: () => number
  log: Logger
  /** Tells the apps: the identity changed (a new phrase, not written down yet). */
  push: (event: NodeEvent) => void
}

/** How long a network whose change failed waits before the next try. */
const RETRY_MS = 60_000

/** A network I am a member of: its id (what member keys are derived for) and my record. */
interface Membership {
  n: NetworkSession
  network: string
  me: Member
}

export class Rekeying {
  /** One change of identity at a time: commands and what updates bring, in order. */
  private queue: Promise<unknown> = Promise.resolve()
  /** Networks with a look queued already (see follow). */
  private readonly queued = new Set<string>()
  /** When a network whose change failed may be tried again. */
  private readonly retryAt = new Map<string, number>()
  /** Boxes that did not open here, said once in the log. */
  private readonly unopened = new Set<string>()
  private closing = false

  constructor(private readonly o: RekeyingOptions) {}

  /** Stops following updates, once what is under way has ended. */
  async close(): Promise<void> {
    this.closing = true
    await this.queue
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn)
    this.queue = run.catch(() => {})
    return run
  }

  /**
   * identity.rekey: a new phrase for this install, and member.rekey in each network I am a
   * member of, unlinking there the devices of `unlink` (writer keys of my devices) that are
   * mine there. Networks with devices to unlink go first. If the first change is refused,
   * nothing changed anywhere and the error is thrown; a later network that fails keeps its
   * change, unlinks included, pending (see follow).
   */
  rekey(unlink: string[]): Promise<Rekeyed> {
    return this.serial(async () => {
      const { state, log } = this.o
      const mine = await this.memberships()
      if (mine.length === 0) throw fail('rekey-nowhere')
      const plan = mine
        .map((m) => ({ ...m, unlink: m.me.devices.filter((d) => unlink.includes(d)) }))
        .sort((a, b) => Number(b.unlink.length > 0) - Number(a.unlink.length > 0))
      const before = {
        phrase: state.state.identity.phrase,
        written: state.state.identity.phraseWritten,
      }
      // What each network changes from, with the new phrase, before anything is appended.
      for (const m of plan) m.n.entry.rekey = { from: m.me.key, unlink: m.unlink }
      await state.replacePhrase(newPhrase(), false)
      const networks: Rekeyed['networks'] = []
      for (const m of plan) {
        const name = m.n.name ?? m.n.short
        try {
          await this.change(m.n)
          networks.push({ network: m.n.key, name, rekeyed: true, unlinked: m.unlink })
        } catch (err) {
          if (networks.length === 0) {
            // Nothing was appended anywhere: as if it had not been asked.
            for (const other of plan) delete other.n.entry.rekey
            await state.replacePhrase(before.phrase, before.written)
            throw err
          }
          log.warn('member key not changed in a network yet: tried again later', {
            network: m.n.short,
            error: String(err),
          })
          this.retryAt.set(m.n.key, this.o.clock() + RETRY_MS)
          networks.push({ network: m.n.key, name, rekeyed: false, unlinked: [] })
        }
      }
      log.info('recovery phrase changed', { networks: networks.length })
      this.o.push({ type: 'state', network: '*' })
      return { words: state.phraseWords(), networks }
    })
  }

  /**
   * Looks at `n` now, when its session finds a box sealed for this device (it reads this
   * device's writer record on every update already), and on updates while a change of my
   * member key is pending there: see follow.
   */
  watch(n: NetworkSession): void {
    n.on('sealed', () => this.follow(n))
    n.base.on('update', () => {
      if (n.entry.rekey !== undefined) this.follow(n)
    })
    this.follow(n)
  }

  /**
   * After a change in `n`: takes a new phrase sealed there for this device by another device
   * of mine, and appends a change of my member key still pending there.
   */
  follow(n: NetworkSession): void {
    if (this.closing || this.queued.has(n.key)) return
    this.queued.add(n.key)
    this.serial(async () => {
      this.queued.delete(n.key)
      // Closing, left, or forgotten (its copy deleted) since the update.
      if (this.closing || n.closing || n.entry.left) return
      if (!this.o.networks.list().includes(n)) return
      await this.takeSealed(n)
      await this.changePending(n)
    }).catch((err: unknown) =>
      this.o.log.warn('could not follow a change of member key', {
        network: n.short,
        error: String(err),
      }),
    )
  }

  /** The networks I am a member of (not left), with their ids and my records. */
  private async memberships(): Promise<Membership[]> {
    const out: Membership[] = []
    for (const n of this.o.networks.list()) {
      if (n.entry.left) continue
      const found = await this.membership(n).catch(() => null)
      if (found) out.push(found)
    }
    return out
  }

  /** My membership in `n`; null when I am not a member, or this device was unlinked there. */
  private async membership(n: NetworkSession): Promise<Membership | null> {
    await n.findMe()
    const [meta, me, mine] = await n.read((kv) =>
      Promise.all([
        kv.get<NetworkMeta>(keys.meta),
        kv.get<Member>(keys.member(n.me)),
        kv.get<WriterRecord>(keys.writer(n.base.localKey)),
      ]),
    )
    n.knownAs(meta)
    if (!meta || !me || me.left || mine?.unlinkedAt !== undefined) return null
    return { n, network: networkId(meta), me }
  }

  /**
   * Appends the change pending in `n` (its entry's `rekey`): member.rekey from that key to
   * the key of this install's phrase, unlinking what it says, with the phrase sealed for each
   * of my devices that stay. Done already, or the key moved on to one this change is not
   * from (another device of mine changed it): nothing more to do.
   */
  private async change(n: NetworkSession): Promise<void> {
    const { state, log } = this.o
    const pending = n.entry.rekey
    const m = await this.membership(n)
    const pair = m ? state.memberKeyPair(m.network) : null
    const key = pair ? hex(pair.publicKey) : null
    if (!pending || !m || !pair || m.me.key === key || m.me.key !== pending.from) {
      await this.done(n)
      return
    }
    const unlink = pending.unlink.filter((d) => m.me.devices.includes(d))
    const phrase = state.state.identity.phrase
    const sealed: Array<{ device: string; box: string }> = []
    for (const device of m.me.devices) {
      if (device === n.base.localKey || unlink.includes(device)) continue
      const publicKey = await n.base.writerPublicKey(device)
      if (!publicKey || sealed.length >= REKEY_DEVICES_MAX) {
        log.warn('the new recovery phrase cannot be sealed for a device: link it again', {
          network: n.short,
          device: device.slice(0, 8),
        })
        continue
      }
      sealed.push({ device, box: hex(sealPhrase(phrase, publicKey)) })
    }
    await n.append({
      type: 'member.rekey',
      key: key!,
      proof: hex(signProof(pair.secretKey, 'rekey', m.network, m.me.key)),
      ...(unlink.length > 0 ? { unlink } : {}),
      ...(sealed.length > 0 ? { sealed } : {}),
    })
    await this.done(n)
  }

  private async done(n: NetworkSession): Promise<void> {
    this.retryAt.delete(n.key)
    if (n.entry.rekey === undefined) return
    delete n.entry.rekey
    await this.o.state.save()
  }

  /** A change pending in `n` (its entry's `rekey`), once this device may write there. */
  private async changePending(n: NetworkSession): Promise<void> {
    if (n.entry.rekey === undefined || !n.base.writable) return
    if ((this.retryAt.get(n.key) ?? 0) > this.o.clock()) return
    try {
      await this.change(n)
    } catch (err) {
      this.retryAt.set(n.key, this.o.clock() + RETRY_MS)
      this.o.log.warn('member key not changed in a network yet: tried again later', {
        network: n.short,
        error: String(err),
      })
    }
  }

  /**
   * Takes the phrase another device of mine sealed for this one in `n` (its writer record's
   * `sealed`), when it is the member's key there now and changed from the key of my phrase:
   * it becomes this install's phrase, and each of my other networks still on my old key
   * changes too (a network the other device is not in would keep the old key otherwise).
   */
  private async takeSealed(n: NetworkSession): Promise<void> {
    const { state, log } = this.o
    const writer = await n.ownWriter()
    const sealed = writer?.sealed
    if (!sealed || writer.unlinkedAt !== undefined || this.unopened.has(sealed.box)) return
    const m = await this.membership(n)
    if (!m || m.me.key !== sealed.key) return
    if (hex(state.memberKeyPair(m.network).publicKey) !== sealed.from) return
    const phrase = openSealedPhrase(sealed.box, n.base.localKeyPair)
    if (!phrase || hex(memberKeyPair(identitySeed(phrase), m.network).publicKey) !== sealed.key) {
      this.unopened.add(sealed.box)
      log.warn('a new recovery phrase sealed for this device does not open here', {
        network: n.short,
      })
      return
    }
    // My key in each other network before: where it still is the member's, it changes.
    const oldSeed = Buffer.from(state.identitySeed())
    const others = (await this.memberships()).filter((o) => o.n !== n)
    for (const o of others) {
      if (o.me.key === hex(memberKeyPair(oldSeed, o.network).publicKey)) {
        o.n.entry.rekey = { from: o.me.key, unlink: [] }
      }
    }
    oldSeed.fill(0)
    await state.replacePhrase(phrase, state.state.identity.phraseWritten)
    this.o.push({ type: 'state', network: '*' })
    log.info('this device took the new recovery phrase of its person', {
      network: n.short,
      others: others.filter((o) => o.n.entry.rekey !== undefined).length,
    })
    for (const o of others) await this.changePending(o.n)
  }
}
