/**
 * The API over a WebSocket (/ws): the same calls as over HTTP, answered by id, plus the
 * node's events pushed to every client. The upgrade passes the same gate as HTTP requests.
 */
import type http from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { dispatch, type NodeApi, type NodeEvent, type Reply } from '../api/contract.ts'
import { fail } from '../errors.ts'
import type { Log } from './log.ts'
import { HOST, checkToken, refuseForeign, type Local } from './server-gate.ts'

/** WebSocket messages: a client sends a call, the server answers it or pushes an event. */
export interface WsCall {
  id: string | number
  command: string
  params?: unknown
}
export type WsMessage = { id: string | number | null; reply: Reply } | { event: NodeEvent }

export interface WsEndpoint {
  /** Pushes a node event to every connected client. */
  broadcast(event: NodeEvent): void
  /** Drops every client and stops accepting new ones. */
  close(): void
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  const reason = status === 404 ? 'Not Found' : 'Forbidden'
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Connection: close\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  )
}

function send(ws: WebSocket, message: WsMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
}

/** Serves /ws on `server`'s upgrades. */
export function attachWebSocket(
  server: http.Server,
  options: { node: NodeApi; log: Log; maxBody: number; local: Local },
): WsEndpoint {
  const { node, log, maxBody, local } = options
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBody })

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', `http://${HOST}:${local.port}`)
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'Not found: use /ws.')
    const foreign = refuseForeign(req, local)
    if (foreign) return refuseUpgrade(socket, 403, foreign)
    const auth = checkToken(req, url, true, local)
    if (!auth.ok) return refuseUpgrade(socket, 403, auth.message)
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws: WebSocket) => {
    ws.on('error', (err) => log.debug('websocket error', { error: err.message }))
    ws.on('message', (data, isBinary) => {
      let call: Partial<WsCall>
      try {
        if (isBinary) throw new Error('binary')
        call = JSON.parse(data.toString()) as Partial<WsCall>
        if (typeof call !== 'object' || call === null) throw new Error('not an object')
      } catch {
        return send(ws, {
          id: null,
          reply: {
            ok: false,
            error: fail('bad-request', {}, 'ws').toValue(),
          },
        })
      }
      const id = typeof call.id === 'string' || typeof call.id === 'number' ? call.id : null
      dispatch(node, call.command, call.params ?? {}).then(
        (reply) => send(ws, { id, reply }),
        (err: unknown) =>
          send(ws, {
            id,
            reply: { ok: false, error: fail('internal', { problem: String(err) }).toValue() },
          }),
      )
    })
  })

  return {
    broadcast(event) {
      for (const ws of wss.clients) send(ws, { event })
    },
    close() {
      for (const ws of wss.clients) ws.terminate()
      wss.close()
    },
  }
}
