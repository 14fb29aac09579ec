/**
 * How commands are declared: a parameter schema and what the node does with them. Commands
 * that append one op are declared from the op's schema in core/ledger/ops.ts (minus its
 * envelope, plus the network and the fields that name a member or pledge), so an op's fields,
 * limits and messages are defined once.
 */
import { z } from 'zod'
import { fail } from '../../errors.ts'
import type { Appended } from '../../api/results.ts'
import { opSchemas, type OpInput, type OpType } from '../../ledger/ops.ts'
import type { NodeContext } from '../context.ts'
import { resolveRef, type RefKind } from '../names.ts'

/** A network named by its id (hex key), a unique prefix of it, or its unique name. */
export const network = z.string().trim().min(1, 'name a network')
/** A member named by id, short id (prefix) or unique name. */
export const member = z.string().trim().min(1, 'name a member')
export const pledge = z.string().trim().min(1, 'name a pledge')

const REF_SCHEMAS: Record<RefKind, z.ZodString> = { member, pledge }

export interface CommandDef<S extends z.ZodType = z.ZodType, R = unknown> {
  schema: S
  run: (ctx: NodeContext, params: z.infer<S>) => Promise<R>
}

export function command<S extends z.ZodType, R>(
  schema: S,
  run: (ctx: NodeContext, params: z.infer<S>) => Promise<R>,
): CommandDef<S, R> {
  return { schema, run }
}

type Refs<T extends OpType> = Partial<Record<keyof OpInput<T>, RefKind>>

/** An op command's parameters: the op's fields, those in `R` as refs, and the network. */
export type OpParams<T extends OpType, R> = { network: string } & {
  [K in keyof R]: string
} & Omit<OpInput<T>, keyof R | 'type'>

/** The op's own fields: its schema without the envelope (v, id, ts) and type. */
export function opFields<T extends OpType>(type: T): OpFields<T> {
  const schema = opSchemas[type] as z.ZodObject
  return schema.omit({ v: true, id: true, ts: true, type: true }) as never
}

type OpFields<T extends OpType> =
  (typeof opSchemas)[T] extends z.ZodObject<infer S extends z.ZodRawShape>
    ? z.ZodObject<Omit<S, 'v' | 'id' | 'ts' | 'type'>>
    : never

/**
 * A command that appends one op of `type` in a network: `refs` names the fields given as
 * names or ids to resolve first; `check` is a rule on the parameters as a whole, checked
 * by the node before anything else.
 */
export function opCommand<T extends OpType, R extends Refs<T> = Record<never, RefKind>>(
  type: T,
  refs?: R,
  check?: { test: (params: OpParams<T, R>) => boolean; variant: 'profile-empty' },
): CommandDef<z.ZodType<OpParams<T, R>>, Appended> {
  const refSchemas = Object.fromEntries(
    Object.entries(refs ?? {}).map(([field, kind]) => [field, REF_SCHEMAS[kind as RefKind]]),
  )
  const schema = opFields(type).extend({ network, ...refSchemas }) as never
  return command(schema, async (ctx, params: OpParams<T, R>) => {
    if (check && !check.test(params)) throw fail('invalid-params', {}, check.variant)
    const n = ctx.networks.get(params.network)
    const fields: Record<string, unknown> = {}
    for (const [field, value] of Object.entries(params)) {
      if (field === 'network' || value === undefined) continue
      const kind = (refs as Record<string, RefKind> | undefined)?.[field]
      fields[field] = kind ? await resolveRef(n, kind, value as string) : value
    }
    return n.append({ type, ...fields } as OpInput)
  })
}
