/**
 * The commands' declarations: the contract loads no network code (the Electron main process
 * and the CLI check parameters with it), and an op command's parameters are its op's fields.
 */
import path from 'node:path'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { commandSchemas, parseCommand } from '../../core/api/contract.ts'
import { PAYMENT_DETAILS_MAX, RED_DAYS_MAX } from '../../core/ledger/limits.ts'
import { opSchemas } from '../../core/ledger/ops.ts'

const ROOT = path.join(import.meta.dirname, '..', '..')

describe('the API contract', () => {
  it('imports no network, storage or native package at run time', async () => {
    const result = await build({
      entryPoints: [path.join(ROOT, 'core/api/contract.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
    })
    const packages = new Set(
      Object.values(result.metafile.outputs).flatMap((o) =>
        o.imports.filter((i) => i.external).map((i) => i.path),
      ),
    )
    expect([...packages].sort()).toEqual(['csv-stringify/sync', 'moment-timezone', 'zod'])
  })
})

describe('op commands', () => {
  const network = 'Friends'
  const detail = { label: 'IBAN', value: 'DE00', isDefault: false }

  it('take their limits from the op schema', () => {
    const details = [{ ...detail, isDefault: true }]
    for (let i = 1; i < PAYMENT_DETAILS_MAX; i++) details.push(detail)
    expect(parseCommand('payment.set', { network, details }).ok).toBe(true)
    const tooMany = parseCommand('payment.set', { network, details: [...details, detail] })
    expect(tooMany.ok).toBe(false)
    // The op's own rule on the whole list, not only its fields.
    const noDefault = parseCommand('payment.set', { network, details: [detail] })
    expect(noDefault.ok || noDefault.error.message).toBe(
      'payment.set: details: exactly one payment detail must be the default',
    )
    const red = { network, status: 'red', amount: 100 }
    expect(parseCommand('status.set', { ...red, days: RED_DAYS_MAX }).ok).toBe(true)
    expect(parseCommand('status.set', { ...red, days: RED_DAYS_MAX + 1 }).ok).toBe(false)
  })

  it('have every field of their op but the envelope, and name members and pledges freely', () => {
    const fields = (schema: unknown) =>
      Object.keys((schema as { shape: Record<string, unknown> }).shape).sort()
    const envelope = ['id', 'ts', 'type', 'v']
    const opFields = (type: keyof typeof opSchemas) =>
      fields(opSchemas[type]).filter((f) => !envelope.includes(f))
    expect(fields(commandSchemas['intention.create'])).toEqual(
      [...opFields('intention.create'), 'network'].sort(),
    )
    expect(fields(commandSchemas['obligation.confirm'])).toEqual(['network', 'pledge'])
    expect(fields(commandSchemas['profile.set'])).toEqual(
      [...opFields('member.profile'), 'network'].sort(),
    )
    // The op wants a member id; the command takes a name too, resolved by the node.
    expect(parseCommand('intention.create', { network, to: 'Anna', amount: 5 }).ok).toBe(true)
    expect(
      opSchemas['intention.create'].safeParse({
        v: 1,
        id: 'abcdef',
        ts: 0,
        type: 'intention.create',
        to: 'Anna',
        amount: 5,
      }).success,
    ).toBe(false)
  })
})
