/**
 * Who gets in: invites made here, the member side of blind pairing (admit a newcomer whose
 * invite the ledger still honours) and the newcomer's side (pair with any online member,
 * open the network, wait for it to sync, become a member). Waiting is on the base's events.
 */
import BlindPairing from 'blind-pairing'
import crypto from 'hypercore-crypto'
import Hyperswarm from 'hyperswarm'
import { ApiError, fail, reasonText } from '../errors.ts'
import type { LinkedDevice, NetworkSummary } from '../api/results.ts'
import { DAY } from '../ledger/cycle-time.ts'
import { keys, type Invite, type Member, type WriterRecord } from '../ledger/model.ts'
import { OP_VERSION } from '../ledger/ops.ts'
import { inviteRefusal } from '../ledger/rules/invite.ts'
import type { Logger } from '../logger.ts'
import { LedgerBase } from '../network/ledger-base.ts'
import {
  createLinkInvite,
  decodeCode,
  decodeLinkCode,
  LINK_MS,
  LINK_NETWORKS_MAX,
  linkSecrets,
  openLinkData,
  sealLinkData,
  type DecodedLink,
  type LinkData,
} from './device-link.ts'
import { encodeInviteCode, type DecodedInvite } from './invite-code.ts'
import type { InviteEntry, LocalStateFile } from './local-state.ts'
import { networkEntry, newNamespace, type Networks } from './networks.ts'
import { hex, randomOpId, type NetworkSession } from './session.ts'

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
  /** Link codes whose device is being answered now. */
  private readonly linking = new Set<string>()

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

  /**
   * A new link code for `n` (domain.md §12), kept here: `device` to link a device of mine,
   * `network` for one more network of a device being linked. Nothing is appended until a
   * device pairs with it (see admitDevice). Link codes past their time are dropped.
   */
  async newLink(n: NetworkSession, kind: 'device' | 'network') {
    const { state, clock } = this.o
    const now = clock()
    const expires = now + LINK_MS
    const created = createLinkInvite(n.base.key, expires)
    const code = encodeInviteCode(created.invite)
    const invites = state.state.invites.filter((i) => !i.link || (i.expires ?? 0) > now)
    invites.push({ network: n.key, id: hex(created.id), code, createdAt: now, link: kind, expires })
    state.state.invites = invites
    await state.save()
    return { code, expires }
  }

  /** Member side of pairing: admit a candidate whose invite the ledger still honours. */
  async admit(n: NetworkSession, request: BlindPairing.MemberRequest): Promise<void> {
    const inviteId = hex(request.inviteId)
    const { log } = this.o
    const link = this.o.state.state.invites.find(
      (i) => i.link && i.network === n.key && i.id === inviteId,
    )
    if (link) return this.admitDevice(n, request, link)
    try {
      const invite = await n.read((kv) => kv.get<Invite>(keys.invite(inviteId)))
      const me = await n.read((kv) => kv.get<Member>(keys.member(n.me)))
      if (!me || me.left || !n.base.writable) return
      // Unknown invites cannot even be answered: the reply is sealed with the invite's key.
      if (!invite) return
      const userData = request.open(Buffer.from(invite.publicKey, 'hex'))
      const writer = hex(userData)
      if (!/^[0-9a-f]{64}$/.test(writer)) {
        request.deny()
        return
      }
      const already = await n.read((kv) => kv.get<WriterRecord>(keys.writer(writer)))
      const refusal = inviteRefusal(invite, this.o.clock())
      if (refusal) {
        // The newcomer that used the invite up, asking again (its request reached several
        // members, or it asked again before an answer came): whoever admitted it answers. A
        // refusal from here could reach it first, and it would be told the invite was used.
        if (already?.invite === inviteId) return
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

  /**
   * Member side of a link code made here: only this device answers it, as only this device
   * can seal the answer's data (see device-link.ts). The code's `invite.create` is appended
   * now, with the `writer.add` of the device that paired, in one block of this device's log:
   * no peer ever sees the invite without its use, which would let it answer in my place.
   */
  private async admitDevice(
    n: NetworkSession,
    request: BlindPairing.MemberRequest,
    link: InviteEntry,
  ): Promise<void> {
    const { log, clock } = this.o
    // The same request can come in twice (by the swarm and the DHT): it is answered once.
    if (this.linking.has(link.id)) return
    this.linking.add(link.id)
    try {
      const me = await n.read((kv) => kv.get<Member>(keys.member(n.me)))
      if (!me || me.left || !n.base.writable) return
      const secrets = linkSecrets(link.code)
      const writer = hex(request.open(secrets.publicKey))
      if (!/^[0-9a-f]{64}$/.test(writer) || !request.receipt) {
        request.deny()
        return
      }
      const [invite, admitted] = await n.read((kv) =>
        Promise.all([
          kv.get<Invite>(keys.invite(link.id)),
          kv.get<WriterRecord>(keys.writer(writer)),
        ]),
      )
      // Admitted already (an answer that did not arrive): answered again.
      if (admitted?.invite !== link.id) {
        const refusal = invite ? inviteRefusal(invite, clock()) : null
        if (admitted || refusal || clock() >= (link.expires ?? 0)) {
          log.warn('link code refused', { network: n.short, reason: refusal?.code ?? 'expired' })
          request.deny({ status: refusal && refusal.code !== 'invite-expired' ? 2 : 3 })
          return
        }
        const ts = clock()
        const op = { v: OP_VERSION, ts }
        await Promise.all([
          n.base.append({
            ...op,
            id: randomOpId(),
            type: 'invite.create',
            invite: link.id,
            publicKey: hex(secrets.publicKey),
            expires: link.expires!,
            uses: 1,
          }),
          n.base.append({
            ...op,
            id: randomOpId(),
            type: 'writer.add',
            key: writer,
            invite: link.id,
            receipt: hex(request.receipt),
          }),
        ])
        await n.base.update()
        const added = await n.read((kv) => kv.get<WriterRecord>(keys.writer(writer)))
        if (added?.invite !== link.id) {
          log.warn('link code not recorded', { network: n.short })
          request.deny()
          return
        }
      }
      const { phrase, name } = this.o.state.state.identity
      const data =
        link.link === 'device' ? await this.linkData(n) : { phrase, name, invites: [], more: 0 }
      request.confirm({
        key: n.base.key,
        encryptionKey: Buffer.from(n.entry.encryptionKey, 'hex'),
        additional: sealLinkData(data, secrets.seed),
      })
      log.info('linked a device', { network: n.short, writer: writer.slice(0, 8) })
    } catch (err) {
      log.warn('could not link a device', { network: n.short, error: String(err) })
      try {
        request.deny()
      } catch {
        // the request may already be answered
      }
    } finally {
      this.linking.delete(link.id)
    }
  }

  /**
   * What a link code's answer carries (device-link.ts): my phrase and name, and a new link
   * code for each other network I am a member of, the first LINK_NETWORKS_MAX of them.
   */
  private async linkData(n: NetworkSession): Promise<LinkData> {
    const others: NetworkSession[] = []
    for (const s of this.o.networks.list()) {
      if (s === n || s.entry.left || !s.base.writable) continue
      const me = await s.read((kv) => kv.get<Member>(keys.member(s.me))).catch(() => null)
      if (me && !me.left) others.push(s)
    }
    others.sort((a, b) => a.entry.addedAt - b.entry.addedAt)
    const invites: string[] = []
    for (const s of others.slice(0, LINK_NETWORKS_MAX)) {
      invites.push((await this.newLink(s, 'network')).code)
    }
    const { phrase, name } = this.o.state.state.identity
    return { phrase, name, invites, more: Math.max(0, others.length - LINK_NETWORKS_MAX) }
  }

  /**
   * Candidate side: pair with any online member, then open the network and join it. A link
   * code (device-link.ts) links this device instead: the whole person while this install is
   * in no network (as identity.link), else one more network of the same person.
   */
  async join(p: JoinParams): Promise<{ network: NetworkSummary; landing: string | null }> {
    const invite = decodeCode(p.invite, this.o.clock())
    if (invite.isLink) {
      if (this.joinedNetworks().length > 0) {
        return { network: await this.joinByLink(invite, p.name, p.wait === true), landing: null }
      }
      const linked = await this.linkWith(invite, p.name)
      return { network: linked.networks[0]!, landing: null }
    }
    const { paired, namespace } = await this.pairWith(invite, p.wait === true, 'invite')
    return this.enter(invite, paired, namespace, p.name)
  }

  /**
   * identity.link (domain.md §12): makes this install a device of the person whose other
   * device made the link code, while it is in no network (as identity.restore): the phrase
   * the answer carries becomes this install's identity, then this device joins the code's
   * network and each network the answer carries a code for, as that person.
   */
  async link(p: { code: string; name?: string | undefined }): Promise<LinkedDevice> {
    const joined = this.joinedNetworks()
    if (joined.length > 0) {
      const networks = joined.map((e) => this.networkName(e.key)).join(', ')
      throw fail('restore-in-network', { networks }, 'link')
    }
    return this.linkWith(decodeLinkCode(p.code, this.o.clock()), p.name)
  }

  private joinedNetworks() {
    return this.o.state.state.networks.filter((n) => !n.left)
  }

  private networkName(key: string): string {
    const n = this.o.networks.list().find((s) => s.key === key)
    return n?.name ?? key.slice(0, 8)
  }

  private async linkWith(invite: DecodedLink, name?: string): Promise<LinkedDevice> {
    const { state, log } = this.o
    const { paired, namespace } = await this.pairWith(invite, false, 'link')
    const data = openLinkData(paired.data, invite.seed)
    await state.restoreIdentity(data.phrase, (key) => this.networkName(key))
    if (!state.state.identity.name && data.name) {
      state.state.identity.name = data.name
      await state.save()
    }
    const as = name ?? (data.name || undefined)
    const networks: NetworkSummary[] = []
    let notLinked = data.more
    const joining = async (run: () => Promise<NetworkSummary>, key?: string) => {
      try {
        networks.push(await run())
        return true
      } catch (err) {
        // Admitted, still syncing: it completes in the background, as after a join.
        const n = this.o.networks.list().find((s) => s.key === key)
        if (err instanceof ApiError && err.code === 'join-not-synced' && n) {
          networks.push(await n.summary())
          return true
        }
        return err
      }
    }
    const first = await joining(
      async () => (await this.enter(invite, paired, namespace, as)).network,
      hex(paired.key),
    )
    if (first !== true) throw first
    for (const code of data.invites) {
      const done = await joining(() => this.joinByLink(decodeCode(code, this.o.clock()), as))
      if (done === true) continue
      notLinked++
      log.warn('a network of the link could not be joined', { error: String(done) })
    }
    log.info('this device is linked', { networks: networks.length, notLinked })
    return { networks, notLinked }
  }

  /** One more network of the person this install is, with a link code from their device. */
  private async joinByLink(
    invite: DecodedLink,
    name: string | undefined,
    wait = false,
  ): Promise<NetworkSummary> {
    const { paired, namespace } = await this.pairWith(invite, wait, 'link')
    const data = openLinkData(paired.data, invite.seed)
    if (data.phrase !== this.o.state.state.identity.phrase) throw fail('link-other-identity')
    return (await this.enter(invite, paired, namespace, name ?? (data.name || undefined))).network
  }

  /** Pairs with a member through `invite`, with the writer key of a pending join if any. */
  private async pairWith(invite: DecodedInvite, wait: boolean, kind: 'invite' | 'link') {
    const { networks, state, clock } = this.o
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
    const paired = await this.pair(invite, namespace, wait, kind)
    return { paired, namespace }
  }

  /** Once paired: opens the network, waits for it to sync, and joins it. */
  private async enter(
    invite: DecodedInvite,
    paired: BlindPairing.Paired,
    namespace: string,
    name: string | undefined,
  ): Promise<{ network: NetworkSummary; landing: string | null }> {
    const { networks, state, clock, log } = this.o
    const entry = networkEntry({
      key: hex(paired.key),
      encryptionKey: hex(paired.encryptionKey!),
      namespace,
      addedAt: clock(),
      joiningAs: name ?? (state.state.identity.name || 'New member'),
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
    invite: DecodedInvite,
    namespace: string,
    wait: boolean,
    kind: 'invite' | 'link',
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
      if (kind === 'link') throw fail('link-refused')
      throw fail('invite-refused', {}, refusalVariant(outcome.rejected))
    }
    if (!outcome) {
      log.warn('no member admitted the invite in time', { invite: invite.id.slice(0, 8) })
      const seconds = Math.round(pairingTimeoutMs / 1000)
      throw fail(kind === 'link' ? 'link-no-answer' : 'invite-no-answer', { seconds })
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
