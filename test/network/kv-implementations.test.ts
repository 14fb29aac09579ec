/**
 * The shared KV suite (test/support/kv-suite.ts) run against every implementation of the
 * ledger's KV interface: the in-memory store, transactions over it, the read cache in front of
 * a store, and the view itself (a Hyperbee batch on a real Corestore).
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Corestore from 'corestore'
import { MemoryKV, Transaction, type KV } from '../../core/ledger/kv.ts'
import { CachingKV } from '../../core/network/caching-kv.ts'
import { ReadCache } from '../../core/network/read-cache.ts'
import { BeeKV, openView } from '../../core/network/view.ts'
import { runKVTests, type KVUnderTest } from '../support/kv-suite.ts'

runKVTests('MemoryKV', async () => ({ kv: new MemoryKV() }))

runKVTests('Transaction over a MemoryKV', async () => {
  const base = new MemoryKV()
  const tx = new Transaction(base)
  return {
    kv: tx,
    settle: async () => {
      await tx.commit()
      return base
    },
  }
})

runKVTests('Transaction in a Transaction', async () => {
  const base = new MemoryKV()
  const outer = new Transaction(base)
  const inner = new Transaction(outer)
  return {
    kv: inner,
    settle: async () => {
      await inner.commit()
      await outer.commit()
      return base
    },
  }
})

runKVTests('CachingKV over a MemoryKV', async () => {
  const base = new MemoryKV()
  return { kv: new CachingKV(base, new ReadCache()), settle: async () => base }
})

runKVTests('CachingKV committing a Transaction', async () => {
  const base = new MemoryKV()
  const cached = new CachingKV(base, new ReadCache())
  const tx = new Transaction(cached)
  return {
    kv: tx,
    settle: async () => {
      await cached.commit(tx)
      return cached
    },
  }
})

/**
 * A view (a Hyperbee as LedgerBase opens it) on a real Corestore in a temporary folder,
 * written through one batch at a time as apply calls write it: settling flushes the batch and
 * the writes after it go to the next one.
 */
async function view(wrap: (kv: KV) => KV): Promise<KVUnderTest> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'exodus-kv-'))
  const store = new Corestore(dir)
  const bee = openView(store.get({ name: 'view' }))
  await bee.ready()
  let batch = bee.batch({ update: false })
  const current: KV = {
    get: (key) => new BeeKV(batch).get(key),
    put: (key, value) => new BeeKV(batch).put(key, value),
    del: (key) => new BeeKV(batch).del(key),
    list: (prefix) => new BeeKV(batch).list(prefix),
  }
  return {
    kv: wrap(current),
    settle: async () => {
      await batch.flush()
      batch = bee.batch({ update: false })
      return new BeeKV(bee.batch({ update: false }))
    },
    close: async () => {
      await batch.close()
      await bee.close()
      await store.close()
      await fs.rm(dir, { recursive: true, force: true })
    },
  }
}

runKVTests('BeeKV (the view)', () => view((kv) => kv))

runKVTests('CachingKV over BeeKV (apply)', () => view((kv) => new CachingKV(kv, new ReadCache())))
