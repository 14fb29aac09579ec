/**
 * What changed in the view since a reader last looked: the keys each apply call wrote, with
 * the range of view versions it wrote them in. A reader that keeps what it derived from the
 * view (the node's member index) asks what changed up to the version of the snapshot it is
 * about to read, and refreshes only that.
 *
 * A reorder truncates the view and applies the ops again: what the undone calls wrote is
 * then changed too, so the calls already handed over are kept a while to be undone. The
 * reader is told to read everything again only when that cannot be known: the view moved to
 * another core, grew by versions no apply call here reported (a fast-forward), or was
 * truncated further back than the calls kept.
 */
interface Batch {
  start: number
  end: number
  keys: Iterable<string>
}

/** Handed-over calls kept to undo after a truncation; a deeper reorder means a full read. */
const KEPT = 1_024

export class ViewChanges {
  /** The epoch of the latest truncation or move: snapshots taken before it are out of date. */
  private epoch = 0
  /** The version up to which the reader is up to date; -1: it must read everything. */
  private known = -1
  private pending: Batch[] = []
  private taken: Batch[] = []
  /** Keys of handed-over calls that a truncation undid. */
  private stale = new Set<string>()
  /** The view core (key and fork) of the last snapshot taken. */
  private core = ''

  /** Apply wrote `keys` in versions [start, end). */
  wrote(start: number, end: number, keys: Iterable<string>): void {
    this.pending.push({ start, end, keys })
  }

  /** The view was truncated to `length` (a reorder); `epoch` counts truncations and moves. */
  truncated(length: number, epoch: number): void {
    this.epoch = epoch
    this.pending = this.pending.filter((b) => b.end <= length)
    const undone = this.taken.filter((b) => b.end > length)
    this.taken = this.taken.filter((b) => b.end <= length)
    for (const b of undone) for (const key of b.keys) this.stale.add(key)
    if (this.known <= length) return
    const reachesBack = undone.length > 0 && undone[0]!.start <= length
    this.known = reachesBack ? length : -1
  }

  /**
   * The reader could not use what the last take() handed over (a read failed, say a block of a
   * fast-forwarded view that no peer sent): the next take() says to read everything.
   */
  lost(): void {
    this.known = -1
    this.stale.clear()
  }

  /** The view is another core now: everything must be read again. */
  moved(epoch: number): void {
    this.epoch = epoch
    this.known = -1
    this.pending = []
    this.taken = []
    this.stale.clear()
  }

  /**
   * The keys written since the last call, up to `version` (the snapshot the caller reads next,
   * taken at view epoch `epoch` of the view core `core`), or null when the caller must read
   * everything. A snapshot older than the latest truncation, or than what was already taken,
   * learns nothing.
   */
  take(epoch: number, version: number, core: string): Set<string> | null {
    if (epoch < this.epoch) return new Set()
    // Another core, or a fork of it, without a move or truncation told (seen after a
    // fast-forward): versions cannot be compared, read everything.
    if (core !== this.core) this.lost()
    this.core = core
    if (this.known >= 0 && version < this.known) return new Set()
    const keys = new Set(this.stale)
    let cursor = this.known
    let complete = cursor >= 0
    const rest: Batch[] = []
    for (const batch of this.pending.sort((a, b) => a.start - b.start)) {
      if (batch.end > version) {
        rest.push(batch)
        continue
      }
      if (batch.end <= cursor) continue
      if (batch.start !== cursor) complete = false
      cursor = batch.end
      this.taken.push(batch)
      if (complete) for (const key of batch.keys) keys.add(key)
    }
    this.pending = rest
    if (this.taken.length > KEPT) this.taken.splice(0, this.taken.length - KEPT)
    if (cursor !== version) complete = false
    this.known = version
    this.stale.clear()
    return complete ? keys : null
  }
}
