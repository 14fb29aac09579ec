/**
 * What apply's read cache (core/network/read-cache.ts) is told about the rules: the keys an
 * op will likely read, looked up ahead for a whole apply call, and the folders the rules only
 * write. Hints, no more: a wrong guess costs a lookup, never a different result.
 */
import { keys, PLEDGE_AUTHOR_CHARS, pledgeIdOf } from '../ledger/model.ts'
import { parseOp } from '../ledger/ops.ts'

/**
 * Folders the rules write and never read back: the history indexes, events and rejections
 * (queries read them). Apply's read cache need not keep what is written there (see ReadCache);
 * test/ledger/basics.test.ts checks that no rule reads them.
 */
export const WRITE_ONLY_FOLDERS: readonly string[] = [
  keys.incomings,
  keys.outgoings,
  keys.events,
  keys.rejections,
  keys.refusals,
]

/** Longer strings are not ids: not worth a lookup. */
const LONGEST_ID = 200

/**
 * Keys that applying `raw` from `author` will most likely read: the author's writer and
 * member records, the pledge the op creates (and the folder of the author's pledges) or acts
 * on, the member it names. A hint for reading ahead (see CachingKV.readAhead), no more:
 * nothing is validated here, and a wrong guess costs one lookup.
 */
export function likelyReads(raw: unknown, author: string): string[] {
  const out = [keys.writer(author), keys.member(author)]
  const op = parseOp(raw)
  if (op === null || typeof op !== 'object') return out
  const { type, id, pledge, to } = op as Record<string, unknown>
  // A string ending in '/' would make a key that names a folder (read whole: see readAhead).
  const usable = (v: unknown): v is string =>
    typeof v === 'string' && v.length <= LONGEST_ID && !v.endsWith('/')
  if (usable(pledge) && pledge.length > PLEDGE_AUTHOR_CHARS) out.push(keys.pledge(pledge))
  if ((type === 'intention.create' || type === 'obligation.create') && usable(id)) {
    // The rules check that the new pledge's id is not taken: the author's folder answers.
    out.push(keys.pledgesBy(author), keys.pledge(pledgeIdOf(author, id)))
  }
  if (usable(to)) out.push(keys.member(to))
  return out
}
