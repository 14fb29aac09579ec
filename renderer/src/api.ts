/**
 * How the UI reaches the node: the same API contract over the Electron preload bridge or, in
 * the browser, over the headless node's WebSocket (the page's cookie carries the token).
 */
import type { Command, NodeEvent, Params, Reply, Results } from '../../core/api/contract.ts'
import { ApiError } from '../../core/errors.ts'

export interface Api {
  call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]>
  /** Pushed node events; returns an unsubscribe function. */
  subscribe(listener: (event: NodeEvent) => void): () => void
}

/** A call the node (or the way to it) refused: the error value of core/errors.ts. */
export class CallFailed extends ApiError {}

function unwrap<T>(reply: Reply): T {
  if (reply.ok) return reply.result as T
  const { code, message, ...more } = reply.error
  throw new CallFailed(code, message, more)
}

/** The bridge the Electron preload exposes as `window.exodus`. */
export interface Bridge {
  call(command: string, params: unknown): Promise<Reply>
  onEvent(listener: (event: NodeEvent) => void): () => void
  /** Tells the shell the page's language, for the tray and desktop notifications. */
  setLanguage(language: string): void
}

declare global {
  interface Window {
    exodus?: Bridge
  }
}

export class BridgeApi implements Api {
  constructor(private readonly bridge: Bridge) {}

  async call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]> {
    return unwrap<Results[C]>(await this.bridge.call(command, params))
  }

  subscribe(listener: (event: NodeEvent) => void): () => void {
    return this.bridge.onEvent(listener)
  }
}

type Pending = { resolve: (r: Reply) => void; reject: (e: Error) => void }

/** WebSocket transport with automatic reconnection; calls made while offline wait for it. */
export class SocketApi implements Api {
  private socket: WebSocket | null = null
  private open: Promise<WebSocket> | null = null
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Set<(event: NodeEvent) => void>()
  private next = 1
  private closed = false

  constructor(private readonly url: string) {}

  private connect(): Promise<WebSocket> {
    if (this.open) return this.open
    this.open = new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url)
      ws.onopen = () => {
        this.socket = ws
        resolve(ws)
        // Whatever changed while the connection was down: let every view refresh.
        for (const l of this.listeners) l({ type: 'state', network: '*' })
      }
      ws.onmessage = (msg) => this.receive(String(msg.data))
      ws.onclose = () => {
        this.socket = null
        this.open = null
        for (const [, p] of this.pending)
          p.reject(new CallFailed('offline', 'The connection to the node was lost'))
        this.pending.clear()
        reject(new CallFailed('offline', 'Cannot reach the Exodus node. Is it still running?'))
        if (!this.closed && this.listeners.size > 0)
          setTimeout(() => this.connect().catch(() => {}), 1_000)
      }
    })
    return this.open
  }

  private receive(text: string) {
    const msg = JSON.parse(text) as { id?: number | null; reply?: Reply; event?: NodeEvent }
    if (msg.event) for (const l of this.listeners) l(msg.event)
    if (typeof msg.id === 'number' && msg.reply) {
      this.pending.get(msg.id)?.resolve(msg.reply)
      this.pending.delete(msg.id)
    }
  }

  async call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]> {
    const ws = await this.connect()
    const id = this.next++
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      ws.send(JSON.stringify({ id, command, params }))
    })
    return unwrap<Results[C]>(reply)
  }

  subscribe(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener)
    this.connect().catch(() => {})
    return () => this.listeners.delete(listener)
  }

  close() {
    this.closed = true
    this.socket?.close()
  }
}

/** The Electron bridge when running in the desktop shell, the node's WebSocket otherwise. */
export function connectApi(): Api {
  if (window.exodus) return new BridgeApi(window.exodus)
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return new SocketApi(`${scheme}://${location.host}/ws`)
}
