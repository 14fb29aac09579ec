/**
 * The dry run of an op: the rules applied to a snapshot of the view, in a transaction that is
 * never committed, so a refused action is explained at once and never written to the log.
 */
import { applyOp, type ApplyResult } from './apply.ts'
import { Transaction, type ReadKV } from './kv.ts'
import { encodeOp, type Op } from './ops.ts'

export interface TryOutcome {
  result: ApplyResult
  /** A read met data not yet on this device: the rules' answer is not to be trusted. */
  missing: boolean
}

/**
 * Runs `op` by `author` against `kv`. `isMissing` tells the errors of a read that met data
 * not on this device (the rules record those as internal errors) from the others.
 */
export async function tryOp(
  kv: ReadKV,
  op: Op,
  author: string,
  isMissing: (err: unknown) => boolean,
): Promise<TryOutcome> {
  let missing = false
  const noting = <T>(read: Promise<T>) =>
    read.catch((err: unknown) => {
      if (isMissing(err)) missing = true
      throw err
    })
  const tx = new Transaction({
    get: (key) => noting(kv.get(key)),
    list: (prefix) => noting(kv.list(prefix)),
    put: async () => {},
    del: async () => {},
  })
  // As bytes, as peers will read it: an op too large or too deep is refused here already.
  return { result: await applyOp(tx, encodeOp(op), author, 0), missing }
}
