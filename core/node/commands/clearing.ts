/**
 * The clearing of mutual obligations (domain.md §6): my consent for this month (an op), what
 * the clearing would do now with the consents given so far, and the runs that happened.
 */
import { z } from 'zod'
import type { Appended, ClearingPreviewState, ClearingResultsState } from '../../api/results.ts'
import { fail } from '../../errors.ts'
import { clearingPreview, clearingResults, type ClearingItem } from '../../ledger/clearing-view.ts'
import { CLEARING_CHOSEN_MAX } from '../../ledger/limits.ts'
import { keys, type NetworkMeta } from '../../ledger/model.ts'
import { named } from '../../ledger/queries.ts'
import { resolvePledge } from '../names.ts'
import { command, network, opFields, pledge } from './define.ts'

/** The members a list of my obligations names: their other sides and everyone on a chain. */
function mentioned(items: readonly ClearingItem[]): string[] {
  const ids: string[] = []
  for (const o of items) {
    ids.push(o.pledge.from, o.pledge.to)
    for (const c of o.chains) ids.push(...c.members)
  }
  return ids
}

export const clearingCommands = {
  /**
   * Which of my open obligations, owed by me or to me, this month's clearing may reduce: all,
   * none, or those named (by id, its op-id part or a unique prefix), each by at most `cap`.
   */
  'clearing.consent': command(
    opFields('clearing.consent').extend({
      network,
      obligations: z.union([
        z.literal('all'),
        z.literal('none'),
        z.array(pledge).min(1).max(CLEARING_CHOSEN_MAX),
      ]),
    }),
    async (ctx, p): Promise<Appended> => {
      const n = ctx.networks.get(p.network)
      const obligations = Array.isArray(p.obligations)
        ? [...new Set(await Promise.all(p.obligations.map((ref) => resolvePledge(n, ref))))]
        : p.obligations
      return n.append({
        type: 'clearing.consent',
        obligations,
        ...(p.cap !== undefined ? { cap: p.cap } : {}),
      })
    },
  ),
  /** What the clearing of this month would do now, with the consents given so far. */
  'clearing.preview': command(z.object({ network }), (ctx, p) => {
    const n = ctx.networks.get(p.network)
    const now = ctx.clock()
    return n.read(async (kv): Promise<ClearingPreviewState> => {
      const meta = await kv.get<NetworkMeta>(keys.meta)
      if (!meta) throw fail('not-synced')
      const preview = await clearingPreview(kv, meta, n.me, now, await n.solvedClearing(kv, meta))
      const source = await n.members.at(kv)
      return { me: n.me, ...preview, ...(await named(source, mentioned(preview.obligations))) }
    })
  }),
  /** The clearings that ran, newest first, and what the one of `cycle` (else the latest) did for me. */
  'clearing.results': command(
    z.object({
      network,
      cycle: z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM')
        .optional(),
    }),
    (ctx, p) => {
      const n = ctx.networks.get(p.network)
      return n.read(async (kv): Promise<ClearingResultsState> => {
        if (!(await kv.get(keys.meta))) throw fail('not-synced')
        const results = await clearingResults(kv, n.me, p.cycle, (run) => n.clearingRun(kv, run))
        const source = await n.members.at(kv)
        const who = await named(source, mentioned(results.mine?.obligations ?? []))
        return { me: n.me, ...results, ...who }
      })
    },
  ),
}
