/**
 * The messages between the main process and the core process (electron/core.ts), carried by a
 * MessagePort. Calls and replies are the API contract's; the rest is the core's lifecycle:
 * start with a data folder, say ready (or why not), close in order when asked.
 */
import { z } from 'zod'
import type { NodeEvent, Reply } from '../core/api/contract.ts'
import { LEVELS } from '../core/daemon/log.ts'

/** What the core needs to open the node: sent once, with the port, by the main process. */
export const coreInitSchema = z.object({
  dataDir: z.string().min(1),
  /** HOST:PORT of HyperDHT bootstrap nodes; absent: the public DHT. */
  bootstrap: z.array(z.string().min(1)).optional(),
  clockOffsetMs: z.number().optional(),
  logLevel: z.enum(LEVELS).optional(),
})
export type CoreInit = z.infer<typeof coreInitSchema>

const toCoreSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    id: z.number().int().nonnegative(),
    command: z.unknown(),
    params: z.unknown(),
  }),
  z.object({ type: z.literal('close') }),
])
export type ToCore = z.infer<typeof toCoreSchema>

export interface ErrorInfo {
  code: string
  message: string
}

export type FromCore =
  | { type: 'ready'; dataDir: string }
  | { type: 'failed'; error: ErrorInfo }
  | { type: 'reply'; id: number; reply: Reply }
  | { type: 'event'; event: NodeEvent }
  | { type: 'closed' }

/** Either end of the channel, whatever carries it (a MessagePortMain, a Node IPC pipe, a test). */
export interface Channel<Out> {
  send(message: Out): void
  onMessage(listener: (message: unknown) => void): void
}

export function parseToCore(message: unknown): ToCore | null {
  const parsed = toCoreSchema.safeParse(message)
  return parsed.success ? parsed.data : null
}

/**
 * The main process trusts the core it started, but a message of the wrong shape (a version
 * mismatch after an update, a bug) must fail loudly rather than leave a call hanging.
 */
export function parseFromCore(message: unknown): FromCore | null {
  if (typeof message !== 'object' || message === null) return null
  const m = message as Record<string, unknown>
  switch (m.type) {
    case 'ready':
      return typeof m.dataDir === 'string' ? { type: 'ready', dataDir: m.dataDir } : null
    case 'failed':
      return isErrorInfo(m.error) ? { type: 'failed', error: m.error } : null
    case 'reply':
      return typeof m.id === 'number' && isReply(m.reply)
        ? { type: 'reply', id: m.id, reply: m.reply }
        : null
    case 'event':
      return isNodeEvent(m.event) ? { type: 'event', event: m.event } : null
    case 'closed':
      return { type: 'closed' }
    default:
      return null
  }
}

function isErrorInfo(value: unknown): value is ErrorInfo {
  if (typeof value !== 'object' || value === null) return false
  const e = value as Record<string, unknown>
  return typeof e.code === 'string' && typeof e.message === 'string'
}

function isReply(value: unknown): value is Reply {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return r.ok === true ? 'result' in r : r.ok === false && isErrorInfo(r.error)
}

function isNodeEvent(value: unknown): value is NodeEvent {
  if (typeof value !== 'object' || value === null) return false
  const e = value as Record<string, unknown>
  switch (e.type) {
    case 'state':
      return typeof e.network === 'string'
    case 'sync':
      return typeof e.network === 'string' && typeof e.sync === 'object' && e.sync !== null
    case 'notification': {
      const n = e.notification as Record<string, unknown> | null
      return typeof n === 'object' && n !== null && typeof n.text === 'string'
    }
    default:
      return false
  }
}
