/**
 * Who gets in: invites made here, the member side of blind pairing (admit a newcomer whose
 * invite the ledger still honours) and the newcomer's side (pair with any online member,
 * open the network, wait for it to sync, become a member). Waiting is on the base's events.
 */
import BlindPairing from 'blind-pairing'
import crypto from 'hypercore-crypto'
import Hyperswarm from 'hyperswarm'
import { ApiError, fail, reasonText } from '../errors.ts'
import type { NetworkSummary } from '../api/results.ts'
import { DAY } from '../ledger/cycle-time.ts'
import { keys, type Invite, type Member } from '../ledger/model.ts'
import { inviteRefusal } from '../ledger/rules/invite.ts'
import type { Logger } from '../logger.ts'
import { LedgerBase } from '../network/ledger-base.ts'
import { decodeInviteCode, encodeInviteCode } from './invite-code.ts'
import type { LocalStateFile } from './local-state.ts'
import { networkEntry, newNamespace, type Networks } from './networks.ts'
import { hex, type NetworkSession } from './session.ts'

export interface AdmissionOptions {
  networks: Networks
  state: LocalStateFile
  clock: () => number
  log: Logger
  /** How long a join waits for a member to admit it before saying so. */
  pairingTimeoutMs: number
  /** How long a join call waits for the network to sync once admitted. */
  syncTimeoutMs: number
}

export interface JoinParams {
  invite: string
  name?: string | undefined
  wait?: boolean | undefined
}

/**
 * Whether joining failed only because the state is still arriving: a view being replaced by a
 * fast-forward can lack the network's record for a moment, or part of it may not be here yet.
 */
function stillSyncing(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false
  return err.code === 'data-unavailable' || err.code === 'not-synced'
}

/** How a member's refusal of an invite is worded, from blind-pairing's rejection. */
function refusalVariant(err: Error): 'expired' | 'used' | undefined {
  const text = err.message.toLowerCase()
  if (text.includes('expired')) return 'expired'
  if (text.includes('used')) return 'used'
  return undefined
}

export class Admission {
  private closing = false

  constructor(private readonly o: AdmissionOptions) {}

  close(): void {
    this.closing = true
  }

  /** A new invite to `n`, kept with its code; its ledger record is the caller's to append. */
  newInvite(n: NetworkSession, expiresInDays: number) {
    const expires = this.o.clock() + expiresInDays * DAY
    const created = BlindPairing.createInvite(n.base.key, { expires })
    return {
      id: hex(created.id),
      publicKey: hex(created.publicKey),
      expires,
      code: encodeInviteCode(created.invite),
    }
  }

  /** Member side of pairing: admit a candidate whose invite the ledger still honours. */
  async admit(n: NetworkSession, request: BlindPairing.MemberRequest): Promise<void> {
    const inviteId = hex(request.inviteId)
    const { log } = this.o
    try {
      const invite = await n.read((kv) => kv.get<Invite>(keys.invite(inviteId)))
      const me = await n.read((kv) => kv.get<Member>(keys.member(n.me)))
      if (!me || me.left || !n.base.writable) return
      // Unknown invites cannot even be answered: the reply is sealed with the invite's key.
      if (!invite) return
      const userData = request.open(Buffer.from(invite.publicKey, 'hex'))
      const refusal = inviteRefusal(invite, this.o.clock())
      if (refusal) {
        log.warn('invite refused', {
          network: n.short,
          invite: inviteId.slice(0, 8),
          reason: reasonText(refusal),
        })
        request.deny({
          status: refusal.code === 'invite-expired' ? 3 : refusal.code === 'invite-used-up' ? 2 : 1,
        })
        return
      }
      const writer = hex(userData)
      if (!/^[0-9a-f]{64}$/.test(writer)) {
        request.deny()
        return
      }
      const already = await n.read((kv) => kv.get(keys.writer(writer)))
      // The request's receipt, signed with the invite's key: the ledger's proof that this
      // writer paired with the invite (no member can spend an invite on a writer of theirs).
      if (!already && request.receipt) {
        await n.append({
          type: 'writer.add',
          key: writer,
          invite: inviteId,
          receipt: hex(request.receipt),
        })
      }
      request.confirm({ key: n.base.key, encryptionKey: Buffer.from(n.entry.encryptionKey, 'hex') })
      log.info('admitted a new member', { network: n.short, writer: writer.slice(0, 8) })
    } catch (err) {
      log.warn('could not admit a candidate', { network: n.short, error: String(err) })
      try {
        request.deny()
      } catch {
        // the request may already be answered
      }
    }
  }

  /** Candidate side: pair with any online member, then open the network and join it. */
  async join(p: JoinParams): Promise<{ network: NetworkSummary; landing: string | null }> {
    const { networks, state, clock, log } = this.o
    const invite = decodeInviteCode(p.invite, clock())
    const existing = networks
      .list()
      .find((n) => hex(crypto.discoveryKey(n.base.key)) === invite.discoveryKey)
    if (existing) throw fail('already-joined', { network: existing.short })

    // A request that timed out stays out there: a member who comes online later admits it.
    // Retrying the same invite with the same writer key makes that admission ours, instead
    // of a stranger key that used up the invite.
    const pending = state.state.pendingJoins.find((j) => j.invite === invite.id)
    const namespace = pending?.namespace ?? newNamespace()
    if (!pending) {
      state.state.pendingJoins.push({ invite: invite.id, namespace, at: clock() })
      await state.save()
    }
    const paired = await this.pair(invite, namespace, p.wait === true)
    const name = p.name ?? (state.state.identity.name || 'New member')
    const entry = networkEntry({
      key: hex(paired.key),
      encryptionKey: hex(paired.encryptionKey!),
      namespace,
      addedAt: clock(),
      joiningAs: name,
    })
    state.state.networks.push(entry)
    state.state.pendingJoins = state.state.pendingJoins.filter((j) => j.invite !== invite.id)
    await state.save()
    const n = await networks.open(entry)
    const inviteRecord = await this.whenSynced(n, this.o.syncTimeoutMs)
      .then(() => n.read((kv) => kv.get<Invite>(keys.invite(invite.id))))
      .catch((err: unknown) => {
        // Admitted, but catching up on a big network outlasted the call: the join completes
        // in the background (after a restart too), as the error tells the user.
        this.completeJoin(n)
        throw err
      })
    entry.landing = inviteRecord?.for ?? null
    const joined = await this.becomeMember(n).then(
      () => true,
      (err: unknown) => {
        if (stillSyncing(err)) return false
        throw err
      },
    )
    if (!joined) {
      this.completeJoin(n)
      throw fail('join-not-synced')
    }
    log.info('joined a network', { network: n.short })
    return { network: await n.summary(), landing: entry.landing }
  }

  /** Pairs with a member through the invite: the network's key and encryption key. */
  private async pair(
    invite: ReturnType<typeof decodeInviteCode>,
    namespace: string,
    wait: boolean,
  ): Promise<BlindPairing.Paired> {
    const { networks, log, pairingTimeoutMs } = this.o
    const writerKey = await LedgerBase.localKeyFor(networks.store, namespace)
    const swarm = new Hyperswarm({ dht: networks.dht() })
    const pairing = new BlindPairing(swarm, { poll: 1_000 })
    const candidate = pairing.addCandidate({ invite: invite.bytes, userData: writerKey })
    log.info('joining with an invite', { invite: invite.id.slice(0, 8) })
    let timer: NodeJS.Timeout | undefined
    let outcome: { paired: BlindPairing.Paired } | { rejected: Error } | null
    try {
      outcome = await Promise.race([
        candidate.pairing.then((paired) => (paired ? { paired } : null)),
        new Promise<{ rejected: Error }>((resolve) =>
          candidate.request.on('rejected', (rejected: Error) => resolve({ rejected })),
        ),
        new Promise<null>((resolve) => {
          if (!wait) timer = setTimeout(() => resolve(null), pairingTimeoutMs)
        }),
      ])
    } finally {
      clearTimeout(timer)
      await candidate.close().catch(() => {})
      await pairing.close().catch(() => {})
      await swarm.destroy().catch(() => {})
    }
    if (outcome && 'rejected' in outcome) {
      log.warn('invite refused by a member', { reason: outcome.rejected.message ?? '' })
      throw fail('invite-refused', {}, refusalVariant(outcome.rejected))
    }
    if (!outcome) {
      log.warn('no member admitted the invite in time', { invite: invite.id.slice(0, 8) })
      throw fail('invite-no-answer', { seconds: Math.round(pairingTimeoutMs / 1000) })
    }
    if (!outcome.paired.encryptionKey) throw fail('invite-refused', {}, 'no-key')
    return outcome.paired
  }

  /**
   * Appends my member.join (with the name kept in `joiningAs`) unless the view already has
   * me, as after a retried join, and notes that the join is complete.
   */
  private async becomeMember(n: NetworkSession): Promise<void> {
    const name = n.entry.joiningAs
    if (name === null) return
    await n.findMe()
    const me = await n.read((kv) => kv.get<Member>(keys.member(n.me)))
    if (!me) {
      await n.append(await n.joinOp(name))
      await n.findMe()
    }
    n.entry.joiningAs = null
    await this.o.state.save()
  }

  /**
   * Waits, without a deadline, until the network has synced, then becomes a member, trying
   * again at each update while the state it sees is still being replaced (see stillSyncing).
   */
  completeJoin(n: NetworkSession): void {
    // True once joined, or once joining failed for good (said in the log): no more tries.
    const joined = () =>
      this.becomeMember(n).then(
        () => true,
        (err: unknown) => {
          if (stillSyncing(err)) return false
          this.o.log.warn('joining did not complete', { error: String(err) })
          return true
        },
      )
    void this.whenSynced(n, Infinity)
      .then(() => n.until(joined, Infinity))
      .catch((e) => this.o.log.warn('joining did not complete', { error: String(e) }))
  }

  /** Until this device may write to the network and has its meta. */
  private async whenSynced(n: NetworkSession, waitMs: number): Promise<void> {
    void n.base.update().catch(() => {})
    const synced = await n.until(async () => n.base.writable && !!(await n.meta()), waitMs)
    if (synced) return
    if (this.closing || n.closing) throw fail('closing')
    throw fail('join-not-synced')
  }
}
