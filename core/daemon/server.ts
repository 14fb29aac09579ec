/**
 * The local web server of a headless node: the UI (a static folder, or a placeholder page),
 * the API over HTTP (POST /api/<command>) and over a WebSocket (/ws, with pushed events).
 * It is a transport of the API contract and holds no business logic.
 *
 * Only this machine's user may talk to it:
 * - it listens on 127.0.0.1 only;
 * - every request carries a 32-byte secret token: `?token=` on the first page load (traded
 *   for an HttpOnly, SameSite=Strict cookie and a redirect that drops it from the URL), the
 *   cookie afterwards, or `Authorization: Bearer` for programs such as the CLI;
 * - the Host header must be this loopback address and port, and the Origin (when sent) the
 *   same loopback origin: a web page on another site, even one whose DNS name points to
 *   127.0.0.1 (DNS rebinding), gets 403;
 * - no CORS headers, a strict Content-Security-Policy, and bodies limited in size.
 *
 * The parts: server-gate.ts (who may talk), server-http.ts (the API over HTTP),
 * server-static.ts (the UI), server-ws.ts (the API over a WebSocket).
 */
import http from 'node:http'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { NodeApi, NodeEvent, Reply } from '../api/contract.ts'
import { silentLog, type Log } from './log.ts'
import {
  HOST,
  checkToken,
  cookieName,
  refuseForeign,
  securityHeaders,
  type Local,
} from './server-gate.ts'
import { HttpError, sendJson, sendText, serveApi } from './server-http.ts'
import { serveStatic } from './server-static.ts'
import { attachWebSocket } from './server-ws.ts'

export { HOST } from './server-gate.ts'
export type { WsCall, WsMessage } from './server-ws.ts'

export const MAX_BODY_BYTES = 1024 * 1024

export interface ServerOptions {
  node: NodeApi
  /** 0 or absent: a random free port. */
  port?: number
  /** 64 hex characters; a fresh random one when absent. */
  token?: string
  /** The built UI (index.html and assets); absent: the placeholder page. */
  staticDir?: string
  maxBodyBytes?: number
  log?: Log
}

export interface LocalServer {
  readonly host: typeof HOST
  readonly port: number
  readonly token: string
  /** The address to open in a browser, token included. */
  readonly url: string
  readonly http: http.Server
  close(): Promise<void>
}

export async function startServer(options: ServerOptions): Promise<LocalServer> {
  const { node } = options
  const log = options.log ?? silentLog
  const token = options.token ?? randomBytes(32).toString('hex')
  if (!/^[0-9a-f]{64}$/.test(token)) throw new Error('the token must be 64 hex characters')
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES
  const staticDir = options.staticDir ? path.resolve(options.staticDir) : null
  const local: Local = { port: 0, token }
  const api = { node, log, maxBody }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    securityHeaders(res, local)
    const foreign = refuseForeign(req, local)
    if (foreign) return sendText(res, 403, foreign)
    const url = new URL(req.url ?? '/', `http://${HOST}:${local.port}`)
    const isApi = url.pathname.startsWith('/api/')
    const auth = checkToken(req, url, !isApi && req.method === 'GET', local)
    if (!auth.ok) return sendText(res, 403, auth.message)
    if (auth.fromQuery) {
      // Trade the token in the address for a cookie, and take it out of the address bar.
      res.setHeader(
        'Set-Cookie',
        `${cookieName(local)}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=31536000`,
      )
      url.searchParams.delete('token')
      res.writeHead(303, { Location: url.pathname + url.search })
      return res.end()
    }
    if (isApi) return serveApi(api, req, res, decodeURIComponent(url.pathname.slice(5)))
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return sendText(res, 405, 'Only GET here; the API is POST /api/<command>.')
    }
    serveStatic(staticDir, res, url.pathname)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500
      const message = err instanceof Error ? err.message : String(err)
      if (status === 500) log.error('request failed', { url: req.url, error: message })
      if (res.headersSent) return res.destroy()
      if (status === 413) {
        // Stop the upload: answer, then close the connection rather than read the rest.
        res.setHeader('Connection', 'close')
        res.on('finish', () => setTimeout(() => req.destroy(), 1000).unref())
        req.resume()
      }
      const reply: Reply = {
        ok: false,
        error: { code: status === 413 ? 'too-large' : 'internal', message },
      }
      sendJson(res, status, reply)
    })
  })

  // --- WebSocket: the same calls, plus events pushed by the node --------------------------
  const websocket = attachWebSocket(server, { node, log, maxBody, local })

  const onEvent = (event: NodeEvent) => websocket.broadcast(event)
  node.on('event', onEvent)

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      node.off('event', onEvent)
      if (err.code === 'EADDRINUSE') {
        reject(
          new Error(
            `Port ${options.port} on ${HOST} is already in use: choose another with --port, ` +
              'or leave --port out for a free one.',
          ),
        )
      } else reject(err)
    }
    server.once('error', onError)
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', onError)
      resolve()
    })
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address')
  local.port = address.port
  server.on('error', (err) => log.error('http server error', { error: err.message }))

  let closing: Promise<void> | null = null
  return {
    host: HOST,
    port: local.port,
    token,
    url: `http://${HOST}:${local.port}/?token=${token}`,
    http: server,
    close() {
      closing ??= (async () => {
        node.off('event', onEvent)
        websocket.close()
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeAllConnections()
        await closed
      })()
      return closing
    },
  }
}
