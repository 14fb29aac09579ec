/**
 * A view built by the ledger's own rules under layout 1 is rebuilt on open by a node of the
 * current layout: the same state, refusals stored as codes, the writer's log untouched.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Corestore from 'corestore'
import crypto from 'hypercore-crypto'
import { afterEach, expect, it } from 'vitest'
import { LAYOUT_KEY, VIEW_LAYOUT } from '../../core/ledger/layout.ts'
import { keys, type Rejection } from '../../core/ledger/model.ts'
import { OP_VERSION, type Op, type OpInput } from '../../core/ledger/ops.ts'
import { LedgerBase } from '../../core/network/ledger-base.ts'
import { joinProof } from '../support/admission.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!()
})

let seq = 0
function op(input: OpInput): Op {
  seq++
  return {
    v: OP_VERSION,
    id: `op${String(seq).padStart(6, '0')}`,
    ts: 1_800_000_000_000 + seq,
    ...input,
  } as Op
}

async function dumpAll(base: LedgerBase) {
  const snap = base.snapshot()
  try {
    return await snap.list('')
  } finally {
    await snap.close()
  }
}

it('rebuilds a ledger view of layout 1 with the real rules, the same but for its mark', async () => {
  expect(VIEW_LAYOUT).toBeGreaterThan(1)
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'exodus-layout-'))
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }))
  const encryptionKey = crypto.randomBytes(32)
  const namespace = 'network-layout-test'

  const store = new Corestore(dir)
  const old = new LedgerBase({ store, key: null, encryptionKey, namespace, viewLayout: 1 })
  await old.ready()
  const key = old.key
  for (const input of [
    { type: 'network.create', name: 'Friends', currency: 'EUR', decimals: 2, timeZone: 'UTC' },
    { type: 'member.join', name: 'Anna', ...joinProof('anna', old.localKey, old.localKey) },
    { type: 'status.orange', amount: 50_000 },
    // Refused: the same monthly amount again.
    { type: 'status.orange', amount: 50_000 },
  ] as OpInput[])
    await old.append(op(input))
  await old.update()
  const before = await dumpAll(old)
  expect(before.find((e) => e.key === LAYOUT_KEY)?.value).toBe(1)
  await old.close()

  const rebuilt = new LedgerBase({ store, key, encryptionKey, namespace })
  const started: unknown[] = []
  rebuilt.on('rebuild', (info) => started.push(info))
  await rebuilt.ready()
  cleanups.push(async () => {
    await rebuilt.close()
    await store.close()
  })
  expect(started).toEqual([{ from: 1, to: VIEW_LAYOUT }])
  expect([rebuilt.viewLayout, rebuilt.layoutOutdated]).toEqual([VIEW_LAYOUT, false])
  const after = await dumpAll(rebuilt)
  expect(after).toEqual(
    before.map((e) => (e.key === LAYOUT_KEY ? { ...e, value: VIEW_LAYOUT } : e)),
  )
  const refused = after.find((e) => e.key.startsWith(keys.rejections))?.value as Rejection
  expect(refused.reason).toEqual({ code: 'same-monthly', params: { amount: 50_000 } })
  // The node goes on writing to the rebuilt view.
  await rebuilt.append(op({ type: 'status.green' }))
  await rebuilt.update()
  const snap = rebuilt.snapshot()
  const me = await snap.get<{ status: string }>(keys.member(rebuilt.localKey))
  await snap.close()
  expect(me?.status).toBe('green')
})
