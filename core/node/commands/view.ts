/**
 * The screens' queries and the export: each reads one snapshot of the view, with the member
 * index for what concerns all members (see MemberIndex).
 */
import { z } from 'zod'
import { fail } from '../../errors.ts'
import type { HomeState, MembersState, NetworkState, OrganizerState } from '../../api/results.ts'
import { exportFile, exportNetwork } from '../../ledger/export.ts'
import { lastEntries } from '../../ledger/kv.ts'
import { keys, type NetworkMeta, type Rejection } from '../../ledger/model.ts'
import {
  allCards,
  home,
  memberCard,
  memberPage,
  named,
  needsHelp,
  othersInNeed,
  organizer,
  partiesOf,
  personCard,
  relations,
  type MemberSource,
} from '../../ledger/queries.ts'
import type { ViewSnapshot } from '../../network/view.ts'
import type { NodeContext } from '../context.ts'
import { resolveMember } from '../names.ts'
import type { NetworkSession } from '../session.ts'
import { command, member, network } from './define.ts'

interface Reading {
  kv: ViewSnapshot
  source: MemberSource
  me: string
  now: number
}

/** The network's meta, or an error saying to wait while the network has none yet. */
async function synced(kv: ViewSnapshot): Promise<NetworkMeta> {
  const meta = await kv.get<NetworkMeta>(keys.meta)
  if (!meta) throw fail('not-synced')
  return meta
}

/** `part` of a network read from one snapshot with the member index. */
function reading<T>(ctx: NodeContext, n: NetworkSession, part: (q: Reading) => Promise<T>) {
  const now = ctx.clock()
  return n.read(async (kv) => part({ kv, source: await n.members.at(kv), me: n.me, now }))
}

/**
 * My view of a network: its summary, `part` read from one synced snapshot with the member
 * index, and my notifications.
 */
async function myView<T extends object>(
  ctx: NodeContext,
  n: NetworkSession,
  part: (q: Reading & { meta: NetworkMeta }) => Promise<T>,
) {
  const summary = await n.summary()
  const data = await reading(ctx, n, async (q) => part({ ...q, meta: await synced(q.kv) }))
  return { network: summary, me: n.me, ...data, notifications: await n.feed.list() }
}

/** A query about one member named by `member`, read with the member index. */
function aboutMember<T>(query: (q: Reading, id: string) => Promise<T>) {
  return command(z.object({ network, member }), async (ctx, p) => {
    const n = ctx.networks.get(p.network)
    const id = await resolveMember(n, p.member)
    return reading(ctx, n, (q) => query(q, id))
  })
}

/** A query of one network, read from one synced snapshot with the member index. */
function ofNetwork<T>(query: (q: Reading) => Promise<T>) {
  return command(z.object({ network }), (ctx, p) =>
    reading(ctx, ctx.networks.get(p.network), async (q) => {
      await synced(q.kv)
      return query(q)
    }),
  )
}

export const viewCommands = {
  /** The whole network, as the CLI shows it; no screen asks for it. */
  state: command(z.object({ network }), (ctx, p): Promise<NetworkState> =>
    myView(ctx, ctx.networks.get(p.network), async ({ kv, meta, source, me, now }) => ({
      meta,
      home: await home(kv, me, now, source),
      members: await allCards(kv, me, now, source),
      relations: await relations(kv, me, source),
      organizer: await organizer(kv, me),
      rejected: (await lastEntries<Rejection>(kv, keys.rejections, 50)).map((e) => e.value),
    })),
  ),
  /**
   * What Home shows, without the whole network: its cost grows with what concerns me and with
   * who asks for help, not with the number of members.
   */
  home: command(z.object({ network }), async (ctx, p): Promise<HomeState> => {
    const n = ctx.networks.get(p.network)
    const view = await myView(ctx, n, async ({ kv, meta, source, me, now }) => {
      const h = await home(kv, me, now, source)
      const mentioned = Object.values(h.organizer).flatMap(partiesOf)
      for (const e of h.recent) for (const id of [e.actor, e.subject]) if (id) mentioned.push(id)
      const { names } = await named(source, mentioned)
      const needy = othersInNeed(h.needsHelp, me)
      return {
        meta,
        home: { ...h, needsHelp: needy.shown },
        needsHelpTotal: needy.total,
        organizer: h.organizer,
        names,
      }
    })
    // Home names the people its notifications are about too; they carry those names.
    for (const x of view.notifications) Object.assign(view.names, x.names)
    return view
  }),
  'member.card': aboutMember(
    async ({ kv, me, now, source }, id) => (await memberCard(kv, id, me, now, source))!,
  ),
  'member.relations': aboutMember(({ kv, source }, id) => relations(kv, id, source)),
  'member.page': aboutMember(
    async ({ kv, me, now, source }, id) => (await memberPage(kv, id, me, now, source))!,
  ),
  organizer: command(z.object({ network }), (ctx, p) =>
    reading(
      ctx,
      ctx.networks.get(p.network),
      async ({ kv, me, source }): Promise<OrganizerState> => {
        const org = await organizer(kv, me)
        const mentioned = Object.values(org).flatMap(partiesOf)
        return { me, organizer: org, ...(await named(source, mentioned)) }
      },
    ),
  ),
  members: ofNetwork(async ({ kv, me, now, source }): Promise<MembersState> => {
    const [members, rel] = await Promise.all([
      allCards(kv, me, now, source),
      relations(kv, me, source),
    ])
    return { me, members: members.map(personCard), relations: rel }
  }),
  'members.inNeed': ofNetwork(({ kv, now, source }) => needsHelp(kv, now, source)),
  export: command(
    z.object({
      network,
      /** Only the promises I made, instead of the network's whole history. */
      mine: z.boolean().optional(),
      format: z.enum(['json', 'csv']).optional(),
    }),
    async (ctx, p) => {
      const n = ctx.networks.get(p.network)
      const now = ctx.clock()
      const data = await n.read((kv) =>
        exportNetwork(kv, { networkId: n.key, now, ...(p.mine ? { author: n.me } : {}) }),
      )
      if (!data) throw fail('not-synced')
      return exportFile(data, { format: p.format ?? 'json', mine: p.mine === true, now })
    },
  ),
}
