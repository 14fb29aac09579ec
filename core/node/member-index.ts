/**
 * Every member's record (the member and the pledges in force to and from them), kept by the
 * node between updates of a network's view. A screen asks again after every update; reading
 * all members anew each time cost ~300 ms at 1,000 members. Each refresh rereads only the
 * members whose keys the applied ops wrote (from ViewChanges), and everything only when the
 * view was reordered, moved or caught up by fast-forward.
 */
import { keys, type Member, type Pledge } from '../ledger/model.ts'
import { memberRecord, type MemberRecord, type MemberSource } from '../ledger/queries.ts'
import type { ViewChanges } from '../network/view-changes.ts'
import type { ViewSnapshot } from '../network/view.ts'

/** The folders whose entries a member's record is made of, each keyed by the member first. */
const RECORD_FOLDERS = [keys.members, keys.currentIns, keys.currentOuts]

/** The members whose records a written key belongs to. */
export function membersTouched(written: Iterable<string>): Set<string> {
  const ids = new Set<string>()
  for (const key of written) {
    const folder = RECORD_FOLDERS.find((f) => key.startsWith(f))
    if (!folder) continue
    const end = key.indexOf('/', folder.length)
    ids.add(key.slice(folder.length, end === -1 ? undefined : end))
  }
  return ids
}

export class MemberIndex {
  /**
   * Replaced, never changed, by a refresh: a query keeps reading the maps it was handed while
   * the next refresh runs, without a copy per query.
   */
  private records: ReadonlyMap<string, MemberRecord> = new Map()
  private ordered: readonly Member[] = []
  /** Refreshes run one at a time: each consumes the changes the previous one left. */
  private refreshing: Promise<void> = Promise.resolve()
  /** How many members the last refresh read: all of them, or only those an update touched. */
  lastRead = 0

  constructor(private readonly changes: ViewChanges) {}

  /** The members as `snap` shows them, refreshed from it where the view changed. */
  async at(snap: ViewSnapshot): Promise<MemberSource> {
    const run = this.refreshing.then(() => this.refresh(snap))
    this.refreshing = run.catch(() => {})
    await run
    const { ordered, records } = this
    return {
      members: async () => ordered,
      record: async (id) => records.get(id) ?? null,
    }
  }

  private async refresh(snap: ViewSnapshot): Promise<void> {
    await snap.ready()
    const written = this.changes.take(snap.viewEpoch, snap.version, snap.core)
    try {
      await this.apply(snap, written)
    } catch (err) {
      // What was taken is not in the index: read everything the next time.
      this.changes.lost()
      throw err
    }
  }

  private async apply(snap: ViewSnapshot, written: Set<string> | null): Promise<void> {
    if (written === null) {
      await this.readAll(snap)
    } else {
      const touched = [...membersTouched(written)]
      if (touched.length === 0) return
      const read = await Promise.all(touched.map((id) => memberRecord(snap, id)))
      const records = new Map(this.records)
      touched.forEach((id, i) => {
        const r = read[i]
        if (r) records.set(id, r)
        else records.delete(id)
      })
      this.records = records
      this.lastRead = touched.length
    }
    this.ordered = [...this.records.values()].map((r) => r.member).sort((a, b) => a.index - b.index)
  }

  /**
   * Everything, as three range reads (members, pledges in, pledges out) instead of two
   * listings per member: at 1,000 members ~2,000 lookups became 3 scans.
   */
  private async readAll(snap: ViewSnapshot): Promise<void> {
    const [members, ins, outs] = await Promise.all([
      snap.list<Member>(keys.members),
      snap.list<Pledge>(keys.currentIns),
      snap.list<Pledge>(keys.currentOuts),
    ])
    const records = new Map<string, MemberRecord>()
    for (const { value } of members)
      records.set(value.id, { member: value, incoming: [], outgoing: [] })
    // Keys are cin/<to>/<pledge> and cout/<from>/<pledge>, in key order as the listings were.
    for (const [entries, side] of [
      [ins, 'incoming'],
      [outs, 'outgoing'],
    ] as const)
      for (const { key, value } of entries) {
        const id = key.slice(key.indexOf('/') + 1, key.lastIndexOf('/'))
        records.get(id)?.[side].push(value)
      }
    this.records = records
    this.lastRead = members.length
  }
}
