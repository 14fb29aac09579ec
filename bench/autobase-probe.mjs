/**
 * Loaded into daemon processes by the join/catch-up bench (NODE_OPTIONS=--import): reports
 * on stderr, which the bench reads, what the API does not show. Nothing else changes.
 *
 *   [probe] fast-forward from A to B at T   an Autobase fast-forwarded its system core
 *                                           (lengths A -> B; T = Date.now())
 *   [probe] signed KEY S L                  the network KEY (first 8 hex) has S of the L
 *                                           entries of its system core signed by the
 *                                           indexers (printed when it changes)
 */
import Autobase from 'autobase'

const bases = new Set()
const emit = Autobase.prototype.emit
Autobase.prototype.emit = function (name, ...args) {
  bases.add(this)
  if (name === 'fast-forward') {
    const [to, from] = args
    process.stderr.write(`[probe] fast-forward from ${from} to ${to} at ${Date.now()}\n`)
  }
  return emit.call(this, name, ...args)
}

const last = new Map()
setInterval(() => {
  for (const base of bases) {
    if (base.closing || base.closed) {
      bases.delete(base)
      continue
    }
    if (!base.opened || !base.key) continue
    const key = base.key.toString('hex').slice(0, 8)
    const line = `${base.signedLength} ${base.length}`
    if (last.get(base) === line) continue
    last.set(base, line)
    process.stderr.write(`[probe] signed ${key} ${line}\n`)
  }
}, 200).unref()
