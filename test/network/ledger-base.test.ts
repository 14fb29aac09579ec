/**
 * LedgerBase inside a real Autobase on real Corestores in temporary folders, with a fake
 * applyOp so the router can be tested apart from the ledger rules.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Corestore from 'corestore'
import crypto from 'hypercore-crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { ApplyResult } from '../../core/ledger/apply.ts'
import type { KV } from '../../core/ledger/kv.ts'
import { LAYOUT_KEY } from '../../core/ledger/layout.ts'
import {
  APPLIED,
  LedgerBase,
  WrongNetworkKeyError,
  type ApplyOpFn,
  type LedgerBaseOptions,
  type OpRef,
} from '../../core/network/ledger-base.ts'

const pad = (n: number) => n.toString().padStart(6, '0')

/**
 * Records every op under op/<author>/<length> (or rejected/... when it is not JSON), asks for a
 * writer change on {type:'writer.add' | 'writer.remove', key}, and misbehaves on demand: {type:'throw'} writes and then
 * throws, {type:'bad-effect'} returns an effect with a malformed key.
 */
const fakeApplyOp: ApplyOpFn = async (kv: KV, raw, author, length): Promise<ApplyResult> => {
  // The contract: ops reach the rules as the raw bytes of the block.
  if (!(raw instanceof Uint8Array)) {
    await kv.put(`rejected/${author}/${pad(length)}`, 'not bytes')
    return { accepted: false, reason: 'not bytes', effects: [] }
  }
  let op: { type?: string; key?: string; indexer?: boolean }
  try {
    op = JSON.parse(Buffer.from(raw).toString('utf-8'))
  } catch {
    await kv.put(`rejected/${author}/${pad(length)}`, 'not JSON')
    return { accepted: false, reason: 'not JSON', effects: [] }
  }
  await kv.put(`op/${author}/${pad(length)}`, op)
  switch (op.type) {
    case 'writer.add':
      return {
        accepted: true,
        effects: [{ type: 'addWriter', key: String(op.key), indexer: op.indexer === true }],
      }
    case 'writer.remove':
      return { accepted: true, effects: [{ type: 'removeWriter', key: String(op.key) }] }
    case 'throw':
      throw new Error('rule bug')
    case 'bad-effect':
      return { accepted: true, effects: [{ type: 'addWriter', key: 'zz', indexer: false }] }
    default:
      return { accepted: true, effects: [] }
  }
}

// Teardown in reverse order of creation: bases before their stores, stores before folders.
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'exodus-ledger-base-'))
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }))
  return dir
}

async function openStore(dir: string): Promise<Corestore> {
  const store = new Corestore(dir)
  await store.ready()
  cleanups.push(() => store.close())
  return store
}

function makeBase(opts: Partial<LedgerBaseOptions> & { store: Corestore }): LedgerBase {
  const base = new LedgerBase({
    encryptionKey: opts.encryptionKey ?? networkKey,
    applyOp: fakeApplyOp,
    ackInterval: 0,
    ...opts,
  })
  cleanups.push(() => base.close())
  return base
}

function connect(a: LedgerBase, b: LedgerBase): void {
  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  cleanups.push(async () => {
    s1.destroy()
    s2.destroy()
  })
}

/** What the rules wrote to the view (leaving out the router's per-writer applied marks). */
async function dump(
  base: LedgerBase,
  prefix = '',
): Promise<Array<{ key: string; value: unknown }>> {
  const snap = base.snapshot()
  try {
    return (await snap.list(prefix)).filter((e) => !e.key.startsWith(APPLIED))
  } finally {
    await snap.close()
  }
}

/** The whole view, the router's applied marks and the layout mark included. */
async function dumpAll(base: LedgerBase): Promise<Array<{ key: string; value: unknown }>> {
  const snap = base.snapshot()
  try {
    return await snap.list('')
  } finally {
    await snap.close()
  }
}

/** Waits until `check` holds, re-checking whenever the base updates (and on a slow tick). */
async function until(base: LedgerBase, check: () => Promise<boolean> | boolean, what: string) {
  const deadline = Date.now() + 8_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        base.off('update', done)
        resolve()
      }
      const timer = setTimeout(done, 50)
      base.once('update', done)
    })
  }
}

/** Resolves on the next `name` event, or fails the test after a while. */
function nextEvent(base: LedgerBase, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${name}' event`)), 8_000)
    base.once(name, () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

const networkKey = crypto.randomBytes(32)

describe('LedgerBase', () => {
  it('creates a network, adds a second writer through an effect, and both views converge', async () => {
    const alice = makeBase({ store: await openStore(await tempDir()) })
    await alice.ready()
    expect(alice.writable).toBe(true)
    expect(alice.key).toHaveLength(32)

    // A joiner learns its writer key before the network can be opened (it goes in the
    // pairing request), from the namespace it will open the network in.
    const bobStore = await openStore(await tempDir())
    const bobKey = await LedgerBase.localKeyFor(bobStore, 'network-bob')
    const bob = makeBase({ store: bobStore, key: alice.key, namespace: 'network-bob' })
    await bob.ready()
    expect(bob.localKey).toBe(bobKey.toString('hex'))
    expect(bob.writable).toBe(false)
    expect(bob.key.equals(alice.key)).toBe(true)
    expect(bob.discoveryKey.equals(alice.discoveryKey)).toBe(true)
    expect(bob.localKey).not.toBe(alice.localKey)
    await expect(bob.append({ type: 'note' })).rejects.toThrow(/Not writable/)

    const bobWritable = nextEvent(bob, 'writable')
    connect(alice, bob)
    const addAt = await alice.append({ type: 'writer.add', key: bob.localKey })
    expect(addAt).toBe(1)
    await bobWritable
    expect(bob.writable).toBe(true)

    const bobAt = await bob.append({ type: 'note', text: 'from bob' })
    const aliceAt = await alice.append({ type: 'note', text: 'from alice' })
    expect([bobAt, aliceAt]).toEqual([1, 2])

    const expected = [
      `op/${alice.localKey}/${pad(1)}`,
      `op/${alice.localKey}/${pad(2)}`,
      `op/${bob.localKey}/${pad(1)}`,
    ].sort()
    for (const base of [alice, bob]) {
      await until(
        base,
        async () => (await dump(base, 'op/')).length === expected.length,
        'every op in every view',
      )
    }
    const aliceView = await dump(alice)
    expect(aliceView.map((e) => e.key)).toEqual(expected)
    expect(await dump(bob)).toEqual(aliceView)
    expect(aliceView.find((e) => e.key.startsWith(`op/${bob.localKey}`))?.value).toEqual({
      type: 'note',
      text: 'from bob',
    })

    // The joiner can check the network key against the replicated data.
    expect(await bob.verifyNetworkKey({ timeout: 5_000 })).toBe(true)
    for (const base of [alice, bob]) {
      await until(base, () => base.ownEntriesShared, 'own entries to reach the other peer')
    }
  })

  it('a reader that fast-forwards fetches the whole view, so it can answer with the others gone', async () => {
    const alice = makeBase({ store: await openStore(await tempDir()) })
    await alice.ready()
    for (let i = 0; i < 120; i++) await alice.append({ type: 'note', text: `note ${i}` })
    const expected = await dump(alice)
    expect(expected).toHaveLength(120)

    const bob = makeBase({
      store: await openStore(await tempDir()),
      key: alice.key,
      namespace: 'b',
    })
    await bob.ready()
    let fastForwarded = false
    ;(bob as unknown as { base: { on(e: string, f: () => void): void } }).base.on(
      'fast-forward',
      () => (fastForwarded = true),
    )
    connect(alice, bob)
    await until(bob, () => fastForwarded && bob.viewComplete, 'a fast-forward and the whole view')
    await alice.close()
    expect(await dump(bob)).toEqual(expected)
  })

  it('reads a fast-forwarded view as it is, not as the caches held the view it replaced', async () => {
    const alice = makeBase({ store: await openStore(await tempDir()) })
    await alice.ready()
    for (let i = 0; i < 5; i++) await alice.append({ type: 'note', text: `note ${i}` })
    // Bob's rules write other values (as a node of another layout does): blocks at the same
    // places of the view differ, and the fast-forward replaces them without a truncation.
    const otherRules: ApplyOpFn = async (kv, _raw, author, length) => {
      await kv.put(`op/${author}/${pad(length)}`, { other: 'rules' })
      return { accepted: true, effects: [] }
    }
    const bob = makeBase({
      store: await openStore(await tempDir()),
      key: alice.key,
      namespace: 'b',
      applyOp: otherRules,
    })
    await bob.ready()
    let fastForwarded = false
    ;(bob as unknown as { base: { on(e: string, f: () => void): void } }).base.on(
      'fast-forward',
      () => (fastForwarded = true),
    )
    const first = [alice.replicate(true), bob.replicate(false)] as const
    first[0].pipe(first[1]).pipe(first[0])
    await until(bob, async () => (await dump(bob, 'op/')).length === 5, 'bob applying alice')
    expect((await dump(bob, 'op/'))[0]!.value).toEqual({ other: 'rules' })
    for (const s of first) s.destroy()

    for (let i = 5; i < 200; i++) await alice.append({ type: 'note', text: `note ${i}` })
    const expected = await dump(alice)
    connect(alice, bob)
    await until(bob, () => fastForwarded && bob.viewComplete, 'a fast-forward and the whole view')
    await until(bob, async () => (await dump(bob, 'op/')).length === 200, 'the indexed view')
    expect(await dump(bob)).toEqual(expected)
  })

  it('removes writers, except the last indexer, and reports write access changes', async () => {
    const errors: unknown[] = []
    const alice = makeBase({
      store: await openStore(await tempDir()),
      onApplyError: (error) => errors.push(error),
    })
    await alice.ready()
    const bob = makeBase({ store: await openStore(await tempDir()), key: alice.key })
    await bob.ready()
    const access: string[] = []
    bob.on('writable', () => access.push('writable'))
    bob.on('unwritable', () => access.push('unwritable'))
    connect(alice, bob)
    await alice.append({ type: 'writer.add', key: bob.localKey })
    // Polled, not awaited as an event: Autobase flips `writable` in the middle of apply, and
    // moving on at once is the timing in which its own events went missing.
    await until(bob, () => bob.writable, 'bob to become writable')

    // Alice is the only indexer (bob was added as a non-indexer): removing her would throw
    // inside apply and halt the network, so the router skips it.
    await alice.append({ type: 'writer.remove', key: alice.localKey })
    expect(alice.writable).toBe(true)
    expect(alice.isIndexer).toBe(true)

    const bobUnwritable = nextEvent(bob, 'unwritable')
    await alice.append({ type: 'writer.remove', key: bob.localKey })
    await bobUnwritable
    expect(access).toEqual(['writable', 'unwritable'])
    expect(bob.writable).toBe(false)
    await expect(bob.append({ type: 'note' })).rejects.toThrow(/Not writable/)
    expect(await alice.append({ type: 'note' })).toBe(4)
    // Alice's own removal was skipped quietly (it is a legal op, the base just cannot do it)
    // and stays in the log.
    expect((await dump(alice, 'op/')).map((e) => e.key)).toHaveLength(4)
    expect(errors).toEqual([])
  })

  it('skips garbage, throwing rules and bad effects, and keeps applying later ops', async () => {
    const errors: Array<{ error: unknown; op: OpRef }> = []
    const base = makeBase({
      store: await openStore(await tempDir()),
      onApplyError: (error, op) => errors.push({ error, op }),
    })
    await base.ready()
    const me = base.localKey

    const updated = nextEvent(base, 'update')
    await base.append(Uint8Array.from([0xff, 0x00, 0xfe, 0x7b]))
    await updated
    await base.append({ type: 'throw' })
    await base.append({ type: 'bad-effect' })
    await base.append({ type: 'note', text: 'still alive' })
    await base.update()

    expect(await dump(base)).toEqual([
      // The throwing op wrote op/<me>/2 before throwing: none of it may remain.
      { key: `op/${me}/${pad(3)}`, value: { type: 'bad-effect' } },
      { key: `op/${me}/${pad(4)}`, value: { type: 'note', text: 'still alive' } },
      { key: `rejected/${me}/${pad(1)}`, value: 'not JSON' },
    ])
    expect(errors.map((e) => e.op)).toEqual([
      { author: me, length: 2 },
      { author: me, length: 3 },
    ])
    expect(String(errors[0]?.error)).toMatch(/rule bug/)
    expect(String(errors[1]?.error)).toMatch(/malformed writer key/)
    expect(base.writable).toBe(true)

    // An Autobase ack is null; appending it as an op must be refused, not silently dropped.
    await expect(base.append(null as unknown as object)).rejects.toThrow(TypeError)
  })

  it('asks what each op will read before applying a batch, and a guess that fails stops nothing', async () => {
    const asked: Array<{ op: unknown; author: string }> = []
    const base = makeBase({
      store: await openStore(await tempDir()),
      likelyReads: (raw, author) => {
        const op = JSON.parse(raw.toString()) as { type: string }
        asked.push({ op, author })
        if (op.type === 'bad-guess') throw new Error('guess failed')
        return [`op/${author}/${pad(1)}`, 'no/such/key']
      },
    })
    await base.ready()
    const me = base.localKey
    await Promise.all([base.append({ type: 'note' }), base.append({ type: 'bad-guess' })])
    await base.append({ type: 'after' })
    await base.update()
    expect(asked).toEqual([
      { op: { type: 'note' }, author: me },
      { op: { type: 'bad-guess' }, author: me },
      { op: { type: 'after' }, author: me },
    ])
    expect((await dump(base)).map((e) => e.value)).toEqual([
      { type: 'note' },
      { type: 'bad-guess' },
      { type: 'after' },
    ])
  })

  it('keeps the view and the writer across a reopen from disk', async () => {
    const dir = await tempDir()
    const store = new Corestore(dir)
    const first = new LedgerBase({ store, encryptionKey: networkKey, applyOp: fakeApplyOp })
    await first.ready()
    const key = first.key
    const me = first.localKey
    await first.append({ type: 'note', n: 1 })
    await first.append({ type: 'note', n: 2 })
    const before = await dump(first)
    expect(before).toHaveLength(2)
    await first.close()
    await store.close()

    const reopened = makeBase({ store: await openStore(dir), key, applyOp: fakeApplyOp })
    await reopened.ready()
    expect(reopened.localKey).toBe(me)
    expect(await dump(reopened)).toEqual(before)
    expect(reopened.writable).toBe(true)
    expect(await reopened.append({ type: 'note', n: 3 })).toBe(3)
    expect((await dump(reopened)).map((e) => e.key)).toEqual([
      `op/${me}/${pad(1)}`,
      `op/${me}/${pad(2)}`,
      `op/${me}/${pad(3)}`,
    ])
  })

  it('marks a new view with its layout, and keeps it on a reopen with the same layout', async () => {
    const dir = await tempDir()
    const store = new Corestore(dir)
    const first = new LedgerBase({
      store,
      encryptionKey: networkKey,
      applyOp: fakeApplyOp,
      viewLayout: 1,
    })
    await first.ready()
    expect(first.viewLayout).toBeNull() // a new view: nothing written yet
    const key = first.key
    await first.append({ type: 'note', n: 1 })
    const snap = first.snapshot()
    expect(await snap.get(LAYOUT_KEY)).toBe(1)
    await snap.close()
    await first.close()
    await store.close()

    const same = makeBase({ store: await openStore(dir), key, viewLayout: 1 })
    await same.ready()
    expect([same.viewLayout, same.layoutOutdated, same.rebuiltFrom]).toEqual([1, false, null])
  })

  it('rebuilds a view of an older layout from the logs on open, once', async () => {
    // Two writers and a few ops, under layout 1.
    const dirA = await tempDir()
    const storeA = new Corestore(dirA)
    const alice = new LedgerBase({
      store: storeA,
      encryptionKey: networkKey,
      applyOp: fakeApplyOp,
      viewLayout: 1,
      ackInterval: 0,
    })
    await alice.ready()
    const bob = makeBase({ store: await openStore(await tempDir()), key: alice.key, viewLayout: 1 })
    await bob.ready()
    connect(alice, bob)
    // The creator's first op (the network.create of the real rules) is in the first batch.
    await alice.append({ type: 'create', name: 'Friends' })
    await alice.append({ type: 'writer.add', key: bob.localKey })
    await until(bob, () => bob.writable, 'bob to become writable')
    await bob.append({ type: 'note', text: 'from bob' })
    await alice.append({ type: 'note', text: 'from alice' })
    await until(alice, async () => (await dump(alice, 'op/')).length === 4, 'every op at alice')
    const key = alice.key
    const me = alice.localKey
    const old = await dumpAll(alice)
    expect(old.find((e) => e.key === LAYOUT_KEY)?.value).toBe(1)
    const writerLengths = { [me]: 3, [bob.localKey]: 1 }
    await alice.close()
    await storeA.close()
    await bob.close()

    // What a fresh apply of the same logs with layout 2 gives: the same ops, marked 2.
    const expected = old.map((e) => (e.key === LAYOUT_KEY ? { ...e, value: 2 } : e))

    const store = await openStore(dirA)
    const started: unknown[] = []
    const t0 = performance.now()
    const newer = makeBase({ store, key, viewLayout: 2 })
    newer.on('rebuild', (info) => started.push(info))
    await newer.ready()
    const ms = performance.now() - t0
    expect(started).toEqual([{ from: 1, to: 2 }])
    expect([newer.viewLayout, newer.layoutOutdated, newer.rebuiltFrom]).toEqual([2, false, 1])
    expect(await dumpAll(newer)).toEqual(expected)
    expect(newer.localKey).toBe(me)
    expect(newer.writable).toBe(true)
    for (const [writer, length] of Object.entries(writerLengths)) {
      const core = store.get({ key: Buffer.from(writer, 'hex'), active: false })
      await core.ready()
      expect([core.length, core.contiguousLength]).toEqual([length, length])
      await core.close()
    }
    console.log(
      `rebuild of ${Object.values(writerLengths).reduce((a, b) => a + b)} ops: ${ms.toFixed(0)} ms`,
    )
    // The rebuilt base goes on as usual.
    expect(await newer.append({ type: 'note', n: 4 })).toBe(4)
    expect((await dump(newer, 'op/')).length).toBe(5)
    const rebuilt = await dumpAll(newer)
    await newer.close()
    await store.close()

    const againStore = await openStore(dirA)
    const again = makeBase({ store: againStore, key, viewLayout: 2 })
    again.on('rebuild', (info) => started.push(info))
    await again.ready()
    expect(started).toHaveLength(1)
    expect([again.viewLayout, again.layoutOutdated, again.rebuiltFrom]).toEqual([2, false, null])
    expect(await dumpAll(again)).toEqual(rebuilt)

    // An older node keeps applying over a newer view, and says so.
    await again.close()
    await againStore.close()
    const older = makeBase({ store: await openStore(dirA), key, viewLayout: 1 })
    await older.ready()
    expect([older.viewLayout, older.layoutOutdated, older.rebuiltFrom]).toEqual([2, true, null])
  })

  it('refuses to open a network with the wrong encryption key', async () => {
    const dir = await tempDir()
    const store = new Corestore(dir)
    const first = new LedgerBase({ store, encryptionKey: networkKey, applyOp: fakeApplyOp })
    await first.ready()
    const key = first.key
    await first.append({ type: 'note' })
    await first.close()
    await store.close()

    const again = await openStore(dir)
    const wrong = makeBase({ store: again, key, encryptionKey: crypto.randomBytes(32) })
    const message = `wrong network key for network ${key.toString('hex').slice(0, 8)}`
    await expect(wrong.ready()).rejects.toThrow(message)
    await expect(wrong.ready()).rejects.toMatchObject({ reason: 'stored-key-differs' })

    // The failed open released its cores: the right key still opens the network on this store.
    const right = makeBase({ store: again, key })
    await right.ready()
    expect((await dump(right)).length).toBe(1)
  })

  it('tells a joiner with the wrong key, where Autobase would only show an empty view', async () => {
    const alice = makeBase({ store: await openStore(await tempDir()) })
    await alice.append({ type: 'note', text: 'hello' })

    const mallory = makeBase({
      store: await openStore(await tempDir()),
      key: alice.key,
      encryptionKey: crypto.randomBytes(32),
    })
    await mallory.ready()
    connect(alice, mallory)

    const error = await mallory.verifyNetworkKey({ timeout: 5_000 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WrongNetworkKeyError)
    expect(error).toMatchObject({ reason: 'undecryptable', code: 'WRONG_NETWORK_KEY' })
    await mallory.update()
    expect(await dump(mallory)).toEqual([])
  })

  it('reports a key that cannot be checked yet, and entries nobody has yet', async () => {
    const alice = makeBase({ store: await openStore(await tempDir()) })
    await alice.append({ type: 'note' })
    // Nobody has seen alice's op yet.
    expect(alice.ownEntriesShared).toBe(false)
    const lonely = makeBase({ store: await openStore(await tempDir()), key: alice.key })
    await lonely.ready()
    expect(lonely.ownEntriesShared).toBe(true)
    expect(await lonely.verifyNetworkKey({ wait: false })).toBe(false)
    expect(await lonely.verifyNetworkKey({ timeout: 100 })).toBe(false)
  })

  it('leaves no plaintext of ops or view on disk', async () => {
    const marker = `PLAINTEXT-MARKER-${crypto.randomBytes(8).toString('hex')}`

    // Control: the same marker in an unencrypted core is findable, so the scan can see it.
    const plainDir = await tempDir()
    const plainStore = new Corestore(plainDir)
    const plain = plainStore.get({ name: 'plain' })
    await plain.append(Buffer.from(JSON.stringify({ type: 'note', text: marker })))
    await plain.close()
    await plainStore.close()
    expect(await filesContaining(plainDir, marker)).not.toEqual([])

    const dir = await tempDir()
    const store = new Corestore(dir)
    const base = new LedgerBase({ store, encryptionKey: networkKey, applyOp: fakeApplyOp })
    await base.append({ type: 'note', text: marker })
    // The fake rules copy the op into the view, so the view's cores hold it too.
    expect(JSON.stringify(await dump(base))).toContain(marker)
    await base.close()
    await store.close()

    expect(await filesContaining(dir, marker)).toEqual([])
  })

  it('rejects malformed keys up front', async () => {
    const store = await openStore(await tempDir())
    expect(() => new LedgerBase({ store, encryptionKey: Buffer.alloc(16) })).toThrow(/32 bytes/)
    expect(
      () => new LedgerBase({ store, key: Buffer.alloc(31), encryptionKey: networkKey }),
    ).toThrow(/32 bytes/)
  })
})

async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const bytes = Buffer.from(needle)
  const hits: string[] = []
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    if ((await fs.readFile(file)).includes(bytes)) hits.push(path.relative(dir, file))
  }
  return hits
}
