/**
 * How one process benches a network of 1,000 members.
 *
 * Authority in the ledger is by writer key: the author of an op is the key of the core it was
 * appended to. Running 1,000 writer cores (1,000 Autobase writers) in one process is neither
 * realistic nor what the bench is about, so ONE WRITER CORE CARRIES THE OPS OF 1,000
 * SIMULATED MEMBERS: the bootstrap writer appends every op, each op carrying an extra `as`
 * field with the writer key of the simulated member who wrote it. The apply function injected
 * into LedgerBase (its `applyOp` option) takes that field out and calls the REAL applyOp with
 * it as the author, so AUTHORITY IS STILL CHECKED PER SIMULATED AUTHOR by the real rules
 * (only admitted writers may join, only members may act, only the recipient may confirm...).
 *
 * What this leaves out: the writer changes the rules ask for (addWriter for newcomers and
 * indexers) are counted but not performed on the Autobase host, since the simulated keys have
 * no cores; and Autobase linearises one writer instead of 1,000.
 */
import { createHash } from 'node:crypto'
import type { ApplyResult } from '../core/ledger/apply.ts'
import { applyOp } from '../core/ledger/apply.ts'
import { likelyReads } from '../core/network/read-ahead.ts'
import type { KV } from '../core/ledger/kv.ts'
import { parseOp } from '../core/ledger/ops.ts'
import type { ApplyOpFn } from '../core/network/ledger-base.ts'

export interface ApplyStats {
  applied: number
  accepted: number
  rejected: number
  /** Writer changes asked for by the rules and not performed (see above). */
  effectsDropped: number
  /** Rejection reasons with ids and numbers blanked out, for a summary. */
  reasons: Map<string, number>
}

export function newStats(): ApplyStats {
  return { applied: 0, accepted: 0, rejected: 0, effectsDropped: 0, reasons: new Map() }
}

/**
 * The real ledger rules, with the author taken from each op's `as` field. The op reaches
 * applyOp parsed, without `as` (applyOp decodes bytes or values alike): JSON is parsed once
 * per op, as it is when applyOp gets the raw block.
 */
export function simulatedAuthorsApply(stats: ApplyStats, inner: ApplyOpFn = applyOp): ApplyOpFn {
  return async (kv: KV, raw: unknown, author: string, length: number): Promise<ApplyResult> => {
    const { value, as } = simulated(raw, author)
    const result = await inner(kv, value, as, length)
    stats.applied++
    if (result.accepted) stats.accepted++
    else {
      stats.rejected++
      const reason = (value as { type?: string }).type + ': ' + normalise(result.reason ?? '')
      stats.reasons.set(reason, (stats.reasons.get(reason) ?? 0) + 1)
    }
    stats.effectsDropped += result.effects.length
    return { ...result, effects: [] }
  }
}

/** The ledger's read-ahead guess (see LedgerBase), for the simulated author of each op. */
export function simulatedAuthorsLikelyReads(raw: Buffer, author: string): string[] {
  const { value, as } = simulated(raw, author)
  return likelyReads(value, as)
}

/**
 * The op without its `as` field, and the author it names (the real writer when it names
 * none). Bytes that are not JSON stay bytes: the rules reject them as the real writer's op.
 */
function simulated(raw: unknown, author: string): { value: unknown; as: string } {
  const parsed = parseOp(raw)
  const value = parsed === undefined ? raw : parsed
  if (value !== null && typeof value === 'object' && 'as' in value) {
    const { as, ...op } = value as { as: unknown }
    if (typeof as === 'string') return { value: op, as }
    return { value: op, as: author }
  }
  return { value, as: author }
}

function normalise(reason: string): string {
  return reason
    .replace(/[0-9a-f]{12}-[\w-]+/g, '<pledge>')
    .replace(/Member \d+/g, '<name>')
    .replace(/\b[0-9a-f]{8}\b/g, '<key>')
    .replace(/\d+/g, 'N')
}

/**
 * The baseline's apply: the least an apply can do with an op, writing view entries and
 * nothing else: the parsed op, under its position, `entriesPerOp` times on average (the op at
 * position p writes floor(p * e) - floor((p - 1) * e) entries, so a fraction spreads evenly).
 * The bare Autobase then does the same appends and the same JSON parse as the ledger, and the
 * number of Hyperbee writes asked for. Its keys follow each other, the cheapest case for
 * Hyperbee (the ledger's are spread over members and pledges); with `spread` they are hashes,
 * spread over the whole key space, the most expensive case.
 */
export function bareApply(entriesPerOp = 1, spread = false): ApplyOpFn {
  return async (kv, raw, _author, length) => {
    const bytes = raw as Uint8Array
    const op: unknown = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(),
    )
    const position = length.toString().padStart(12, '0')
    const entries = Math.floor(length * entriesPerOp) - Math.floor((length - 1) * entriesPerOp)
    for (let i = 0; i < entries; i++) {
      const key = spread
        ? createHash('sha256').update(`${position}/${i}`).digest('hex').slice(0, 24)
        : `${position}/${i}`
      await kv.put(`op/${key}`, op)
    }
    return { accepted: true, effects: [] }
  }
}
