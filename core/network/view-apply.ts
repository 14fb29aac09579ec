/**
 * The Autobase apply handler of a LedgerBase: a thin router that hands every op to the ledger
 * rules (applyOp) over the view, and performs the writer changes they ask for on the host.
 * Rules live in core/ledger, not here. What lies between the rules' plain KV and the view
 * (the read cache, the read-ahead, one put per key per call) is here and in caching-kv.ts.
 *
 * removeWriter is skipped when Autobase says the writer is not removeable (the last indexer),
 * since removing it throws and a throwing apply would halt the base on every peer.
 */
import type Autobase from 'autobase'
import type { ApplyResult, Effect } from '../ledger/apply.ts'
import { Transaction, type KV } from '../ledger/kv.ts'
import { CachingKV } from './caching-kv.ts'
import { ReadCache } from './read-cache.ts'
import { WRITE_ONLY_FOLDERS } from './read-ahead.ts'
import type { ViewChanges } from './view-changes.ts'
import { BeeKV, flushKeepingNodes, type LedgerBee } from './view.ts'

export type ApplyOpFn = (
  kv: KV,
  raw: unknown,
  author: string,
  length: number,
) => Promise<ApplyResult>

export interface OpRef {
  /** Writer key (hex) of the op's author. */
  author: string
  /** 1-based position of the op in the author's core. */
  length: number
}

/** View keys holding, per writer, the length of its core applied so far. */
export const APPLIED = 'applied/'
const WRITER_KEY = /^[0-9a-f]{64}$/i

type ApplyNode = Autobase.ApplyNode<Buffer>

export interface ViewApplyOptions {
  applyOp: ApplyOpFn
  /** The keys applying an op will likely read: see LedgerBaseOptions.likelyReads. */
  likelyReads: (raw: Buffer, author: string) => string[]
  onApplyError: (error: unknown, op: OpRef) => void
  /** Readers told what each apply call wrote. */
  watchers: ReadonlySet<ViewChanges>
  /** Counts the view's truncations and moves: see LedgerBase.viewEpoch. */
  epoch: { readonly epoch: number }
  /** Whether the base is closing: an error then stops the call instead of skipping the op. */
  closing: () => boolean
  /**
   * Keys to put in the view when it has none yet (the layout mark: see LedgerBase), with
   * their values: the first call on a new view writes them, and no call changes them.
   */
  marks?: ReadonlyArray<{ key: string; value: unknown }>
}

export class ViewApply {
  /**
   * What apply calls read and wrote, kept for the next ones while the view is exactly as the
   * last call left it: `readsValidAt` names that view (core, fork, length, epoch). Anything
   * else changing it (a reorder truncates it, a fast-forward or a move replaces it) shows
   * there, and the cache is dropped.
   */
  private readonly reads = new ReadCache(undefined, WRITE_ONLY_FOLDERS)
  private readsValidAt = ''

  constructor(private readonly opts: ViewApplyOptions) {}

  // Runs inside Autobase, possibly again after a reorder: same input, same writes. It must not
  // throw for anything an op contains, or the base stops for everyone who receives that op.
  async apply(nodes: ApplyNode[], view: LedgerBee, host: Autobase.ApplyHost): Promise<void> {
    const { watchers } = this.opts
    // update: false, or a read could wait on the network in the middle of apply.
    const batch = view.batch({ update: false })
    const start = view.core.length
    if (this.viewState(view) !== this.readsValidAt) this.reads.clear()
    this.readsValidAt = ''
    try {
      // Ops in one call often read the same keys (the meta every time): read them once. And
      // they often write the same keys (the meta, the writer's applied mark, a member or a
      // pledge touched twice): the writes of the whole call are kept and put once each, in
      // key order, at the end. A call holds one writer's append batch, which is part of that
      // writer's log, so every peer groups the same ops and writes the same view blocks.
      const cached = new CachingKV(new BeeKV(batch), this.reads)
      const ops = nodes.flatMap((node) =>
        node.value === null
          ? []
          : [{ value: node.value, author: (node.from.key as Buffer).toString('hex'), node }],
      )
      await cached.readAhead(ops.flatMap((op) => this.opts.likelyReads(op.value, op.author)))
      const kv = new Transaction(cached)
      for (const { value, author, node } of ops) {
        const op: OpRef = { author, length: node.length }
        const effects = await this.applyNode(kv, value, op)
        for (const effect of effects) await this.perform(effect, host, op)
      }
      for (const { key, value } of this.opts.marks ?? []) {
        if ((await kv.get(key)) === null) await kv.put(key, value)
      }
      const written = watchers.size > 0 ? kv.writtenKeys() : []
      await cached.commit(kv)
      await flushKeepingNodes(view, batch)
      for (const w of watchers) w.wrote(start, view.core.length, written)
      this.readsValidAt = this.viewState(view)
    } catch (err) {
      await batch.close()
      throw err
    }
  }

  private viewState(view: LedgerBee): string {
    const core = view.core
    return `${core.key?.toString('hex') ?? ''}:${core.fork}:${core.length}:${this.opts.epoch.epoch}`
  }

  private async applyNode(kv: KV, raw: Buffer, op: OpRef): Promise<Effect[]> {
    // Each writer's ops reach apply in the order of its core. A view that already holds this
    // op (Autobase 7.28 can re-apply part of a pass cut off by a shutdown, on top of the
    // stored view) must not take it twice, or this peer's ledger parts from everyone's.
    // A reorder truncates the view, and these marks with it, so real re-applies still run.
    const mark = `${APPLIED}${op.author}`
    const applied = (await kv.get<number>(mark)) ?? 0
    if (applied >= op.length) {
      this.opts.onApplyError(new Error(`op applied again after a restart; skipped`), op)
      return []
    }
    // An op that throws half-way leaves none of its writes behind.
    const tx = new Transaction(kv)
    try {
      await tx.put(mark, op.length)
      const result = await this.opts.applyOp(tx, raw, op.author, op.length)
      await tx.commit()
      return Array.isArray(result?.effects) ? result.effects : []
    } catch (err) {
      if (this.opts.closing()) throw err
      tx.discard()
      this.opts.onApplyError(err, op)
      return []
    }
  }

  private async perform(effect: Effect, host: Autobase.ApplyHost, op: OpRef): Promise<void> {
    if (!WRITER_KEY.test(effect.key)) {
      this.opts.onApplyError(
        new Error(`${effect.type} with a malformed writer key: ${effect.key}`),
        op,
      )
      return
    }
    const key = Buffer.from(effect.key, 'hex')
    try {
      if (effect.type === 'addWriter') {
        await host.addWriter(key, { indexer: effect.indexer === true })
      } else if (effect.type === 'removeWriter' && host.removeable(key)) {
        await host.removeWriter(key)
      }
    } catch (err) {
      if (this.opts.closing()) throw err
      this.opts.onApplyError(err, op)
    }
  }
}
