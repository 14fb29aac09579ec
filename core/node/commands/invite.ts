/** Invites: made here (the code stays on this device), listed, revoked. */
import { z } from 'zod'
import { fail } from '../../errors.ts'
import type { InviteInfo } from '../../api/results.ts'
import { INVITE_DAYS_MAX, INVITE_DAYS_MIN } from '../../ledger/limits.ts'
import { keys, type Invite } from '../../ledger/model.ts'
import { named } from '../../ledger/queries.ts'
import type { NodeContext } from '../context.ts'
import { inviteLink } from '../invite-link.ts'
import { resolveMember } from '../names.ts'
import type { NetworkSession } from '../session.ts'
import { command, member, network, opFields } from './define.ts'

/**
 * The invites this device made (it keeps their codes), each read by its id: listing the
 * network's invites would read one per member who ever joined.
 */
async function listInvites(ctx: NodeContext, n: NetworkSession): Promise<InviteInfo[]> {
  // Link codes (device.link) are no invites: they make a device mine, not a newcomer.
  const mine = ctx.state.state.invites.filter((i) => i.network === n.key && !i.link)
  const list = await n.read(async (kv) => {
    const records = await Promise.all(mine.map((i) => kv.get<Invite>(keys.invite(i.id))))
    const source = await n.members.at(kv)
    const forNames = (
      await named(
        source,
        records.flatMap((r) => (r?.for ? [r.for] : [])),
      )
    ).names
    return mine.flatMap(({ code }, i) => {
      const r = records[i]
      if (!r) return []
      return [
        {
          id: r.id,
          code,
          link: inviteLink(code),
          network: n.key,
          for: r.for,
          forName: r.for ? (forNames[r.for] ?? null) : null,
          createdAt: r.createdAt,
          expiresAt: r.expires,
          uses: r.uses,
          used: r.used,
          revoked: r.revoked,
        },
      ]
    })
  })
  return list.sort((a, b) => b.createdAt - a.createdAt)
}

async function inviteById(ctx: NodeContext, n: NetworkSession, id: string): Promise<InviteInfo> {
  return (await listInvites(ctx, n)).find((i) => i.id === id)!
}

export const inviteCommands = {
  'invite.create': command(
    z.object({
      network,
      /** Member in need the invite points to ("come and help Anna"). */
      for: member.optional(),
      expiresInDays: z.number().min(INVITE_DAYS_MIN).max(INVITE_DAYS_MAX).optional(),
      uses: opFields('invite.create').shape.uses.optional(),
    }),
    async (ctx, p) => {
      const n = ctx.networks.get(p.network)
      const forMember = p.for ? await resolveMember(n, p.for) : undefined
      const { code, ...made } = ctx.admission.newInvite(n, p.expiresInDays ?? 7)
      await n.append({
        type: 'invite.create',
        invite: made.id,
        publicKey: made.publicKey,
        expires: made.expires,
        uses: p.uses ?? 1,
        ...(forMember ? { for: forMember } : {}),
      })
      ctx.state.state.invites.push({ network: n.key, id: made.id, code, createdAt: ctx.clock() })
      await ctx.state.save()
      return inviteById(ctx, n, made.id)
    },
  ),
  'invite.list': command(z.object({ network }), (ctx, p) =>
    listInvites(ctx, ctx.networks.get(p.network)),
  ),
  'invite.revoke': command(z.object({ network, invite: z.string().min(1) }), async (ctx, p) => {
    const n = ctx.networks.get(p.network)
    const match = (await listInvites(ctx, n)).filter(
      (i) => i.id.startsWith(p.invite.toLowerCase()) || (i.code && i.code === p.invite),
    )
    if (match.length !== 1) {
      throw fail('unknown-invite', { ref: p.invite }, match.length ? 'several' : undefined)
    }
    await n.append({ type: 'invite.revoke', invite: match[0]!.id })
    return inviteById(ctx, n, match[0]!.id)
  }),
}
