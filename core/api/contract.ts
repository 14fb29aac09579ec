/**
 * The one API contract between the node and its three transports (Electron IPC, the local
 * web server, the CLI): every command with its parameter schema, and the events the node
 * pushes. Transports validate with these schemas and hold no business logic.
 */
import type { z } from 'zod'
import { COMMAND_DEFS } from '../node/commands/index.ts'
import { ApiError, errorText, fail, type ErrorValue } from '../errors.ts'
import type { NodeEvent } from './results.ts'

export { ApiError } from '../errors.ts'
export type { PledgeCommand } from '../node/commands/index.ts'
export type * from './results.ts'

type Defs = typeof COMMAND_DEFS

export type Command = keyof Defs
export const COMMANDS = Object.keys(COMMAND_DEFS) as Command[]
export const commandSchemas = Object.fromEntries(
  COMMANDS.map((c) => [c, COMMAND_DEFS[c].schema]),
) as { [C in Command]: Defs[C]['schema'] }
export type Params<C extends Command> = z.infer<Defs[C]['schema']>
export type Results = { [C in Command]: Awaited<ReturnType<Defs[C]['run']>> }

export type ParseResult<C extends Command> =
  { ok: true; params: Params<C> } | { ok: false; error: ApiError }

export function parseCommand<C extends Command>(command: C, params: unknown): ParseResult<C> {
  const schema = commandSchemas[command]
  if (!schema) return { ok: false, error: unknownCommand(command) }
  const parsed = schema.safeParse(params ?? {})
  if (parsed.success) return { ok: true, params: parsed.data as Params<C> }
  const issue = parsed.error.issues[0]
  const problem = issue?.message ?? 'invalid'
  const error = issue?.path.length
    ? fail('invalid-params', { command, field: issue.path.join('.'), problem }, 'field')
    : fail('invalid-params', { command, problem })
  return { ok: false, error }
}

/** Said to a caller only, never shown in the app: the English text is all it carries. */
export function unknownCommand(command: unknown): ApiError {
  return new ApiError(
    'unknown-command',
    errorText('unknown-command', { command: JSON.stringify(command) ?? String(command) }),
  )
}

export function isCommand(name: unknown): name is Command {
  return typeof name === 'string' && Object.hasOwn(commandSchemas, name)
}

/** What every transport talks to: the node, through this contract only. */
export interface NodeApi {
  call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]>
  on(event: 'event', listener: (e: NodeEvent) => void): unknown
  off(event: 'event', listener: (e: NodeEvent) => void): unknown
}

export type Reply = { ok: true; result: unknown } | { ok: false; error: ErrorValue }

/**
 * The transports' single entry point: checks the command name and its parameters against
 * the contract, calls the node, and turns any failure into an error a user can act on.
 */
export async function dispatch(node: NodeApi, command: unknown, params: unknown): Promise<Reply> {
  if (!isCommand(command)) return { ok: false, error: unknownCommand(command).toValue() }
  const parsed = parseCommand(command, params)
  if (!parsed.ok) return { ok: false, error: parsed.error.toValue() }
  try {
    return { ok: true, result: await node.call(command, parsed.params) }
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: err.toValue() }
    const problem = err instanceof Error ? err.message : String(err)
    return { ok: false, error: fail('internal', { problem }).toValue() }
  }
}
