/**
 * Loaded into a daemon process by the join/catch-up bench (NODE_OPTIONS=--import): prints a
 * line whenever one of the process's Autobases fast-forwards, so the bench can tell whether
 * a node caught up by fast-forward or by applying every op. Nothing else changes.
 */
import Autobase from 'autobase'

const emit = Autobase.prototype.emit
Autobase.prototype.emit = function (name, ...args) {
  if (name === 'fast-forward') {
    const [to, from] = args
    process.stderr.write(`[ff-probe] fast-forward from ${from} to ${to} at ${Date.now()}\n`)
  }
  return emit.call(this, name, ...args)
}
