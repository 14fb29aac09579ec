/**
 * The main process's side of the core channel: numbered calls matched to their replies, the
 * node's events, the core's start (ready or failed) and its ordered close. Knows nothing of
 * Electron, so it is tested against the real core service over an in-memory channel.
 */
import type { Command, NodeEvent, Params, Reply } from '../core/api/contract.ts'
import { fail } from '../core/errors.ts'
import { parseFromCore, type Channel, type ErrorInfo, type ToCore } from './core-channel.ts'

export type CoreStart = { ok: true; dataDir: string } | { ok: false; error: ErrorInfo }

export class CoreConnection {
  /** Settles once: the node is open, or why it could not open. */
  readonly started: Promise<CoreStart>
  private resolveStarted!: (start: CoreStart) => void
  private readonly pending = new Map<number, (reply: Reply) => void>()
  private readonly listeners = new Set<(event: NodeEvent) => void>()
  private readonly closedWaiters = new Set<() => void>()
  private nextId = 1
  private gone: ErrorInfo | null = null
  /** Why the node could not open: what every later call is told too. */
  private startFailure: ErrorInfo | null = null
  private closeRequested = false

  constructor(
    private readonly channel: Channel<ToCore>,
    private readonly onProtocolError: (message: unknown) => void = () => {},
  ) {
    this.started = new Promise((resolve) => (this.resolveStarted = resolve))
    channel.onMessage((raw) => this.receive(raw))
  }

  /** Never rejects: a core that is gone or closing answers with an error reply. */
  call<C extends Command>(command: C, params: Params<C>): Promise<Reply> {
    if (this.gone) return Promise.resolve({ ok: false, error: this.gone })
    const id = this.nextId++
    return new Promise<Reply>((resolve) => {
      this.pending.set(id, resolve)
      this.channel.send({ type: 'call', id, command, params })
    })
  }

  onEvent(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Asks the core to close the node, the log and the lock, and waits for it to say so (or to
   * exit), at most `timeoutMs`; 'timeout' tells the caller to kill the process.
   */
  close(timeoutMs: number): Promise<'closed' | 'timeout'> {
    if (this.gone) return Promise.resolve('closed')
    let timer: NodeJS.Timeout | undefined
    const done = new Promise<'closed'>((resolve) => this.closedWaiters.add(() => resolve('closed')))
    if (!this.closeRequested) {
      this.closeRequested = true
      this.channel.send({ type: 'close' })
    }
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
    })
    return Promise.race([done, timeout]).finally(() => clearTimeout(timer))
  }

  /**
   * The core process ended (or its port closed): every waiting call gets `error`, later calls
   * too, and a pending close counts as done.
   */
  lost(error: ErrorInfo): void {
    if (this.gone) return
    this.gone = error
    this.resolveStarted({ ok: false, error })
    for (const resolve of this.pending.values()) resolve({ ok: false, error })
    this.pending.clear()
    for (const waiter of this.closedWaiters) waiter()
    this.closedWaiters.clear()
  }

  private receive(raw: unknown): void {
    const message = parseFromCore(raw)
    if (!message) {
      this.onProtocolError(raw)
      return
    }
    switch (message.type) {
      case 'ready':
        this.resolveStarted({ ok: true, dataDir: message.dataDir })
        break
      case 'failed':
        this.startFailure = message.error
        this.resolveStarted({ ok: false, error: message.error })
        break
      case 'reply': {
        const resolve = this.pending.get(message.id)
        this.pending.delete(message.id)
        resolve?.(message.reply)
        break
      }
      case 'event':
        for (const listener of this.listeners) {
          try {
            listener(message.event)
          } catch {
            // One broken listener (a closed window) must not keep events from the others.
          }
        }
        break
      case 'closed':
        this.lost(this.startFailure ?? fail('closed').toValue())
        break
    }
  }
}
