/** Networks: create, list, join with an invite, leave, forget, and who is connected. */
import { z } from 'zod'
import type { NetworkSummary } from '../../api/results.ts'
import { command, network, opFields } from './define.ts'

const create = opFields('network.create')

/** Minor-unit digits of a currency code (2 for EUR, 0 for JPY); 0 for other units. */
function defaultDecimals(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    )
  } catch {
    return 0
  }
}

export const networkCommands = {
  'network.create': command(
    z.object({
      name: create.shape.name,
      currency: create.shape.currency,
      decimals: create.shape.decimals.optional(),
      timeZone: create.shape.timeZone.optional(),
      memberName: create.shape.name.optional(),
    }),
    async (ctx, p): Promise<NetworkSummary> => {
      const n = await ctx.networks.create()
      await n.append({
        type: 'network.create',
        name: p.name,
        currency: p.currency.length === 3 ? p.currency.toUpperCase() : p.currency,
        decimals: p.decimals ?? defaultDecimals(p.currency),
        timeZone: p.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      })
      const name = p.memberName ?? (ctx.state.state.identity.name || 'Me')
      await n.append(await n.joinOp(name))
      await n.findMe()
      return n.summary()
    },
  ),
  'network.list': command(z.object({}), async (ctx) =>
    Promise.all(ctx.networks.list().map((n) => n.summary())),
  ),
  'network.join': command(
    z.object({
      invite: z.string().trim().min(1, 'paste an invite code or exodus:// link'),
      name: create.shape.name.optional(),
      /** Keep waiting for a member to come online instead of giving up. */
      wait: z.boolean().optional(),
    }),
    (ctx, p) => ctx.admission.join(p),
  ),
  'network.leave': command(z.object({ network }), async (ctx, p) => {
    const n = ctx.networks.get(p.network)
    await n.append({ type: 'member.leave' })
    n.entry.left = true
    await ctx.state.save()
    n.stopSyncOnceShared()
    return {
      network: n.key,
      note:
        'You left the network: your intentions were cancelled and your profile and payment details removed from the current state. ' +
        'Entries already written to the shared log stay in other members\u2019 copies; they cannot be erased. ' +
        'This device stops syncing the network once your leaving has reached a member; its copy stays here until you delete it.',
    }
  }),
  /** Deletes this device's copy of a network (after leaving it, or to stop keeping it). */
  'network.forget': command(z.object({ network }), async (ctx, p) => {
    const n = ctx.networks.get(p.network)
    const name = n.name ?? n.short
    await ctx.networks.forget(n)
    ctx.push({ type: 'state', network: n.key })
    return { network: n.key, name }
  }),
  peers: command(z.object({ network }), async (ctx, p) => {
    const n = ctx.networks.get(p.network)
    return {
      network: n.key,
      ...n.syncState(),
      remotes: [...n.connections].map((c) => ({
        key: c.remotePublicKey.toString('hex'),
        since: c.since,
      })),
    }
  }),
}
