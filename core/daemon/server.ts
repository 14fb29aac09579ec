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
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import { dispatch, type NodeApi, type NodeEvent, type Reply } from '../api/contract.ts'
import { silentLog, type Log } from './log.ts'
import { PLACEHOLDER_CSS, PLACEHOLDER_HTML, PLACEHOLDER_JS } from './placeholder.ts'

export const HOST = '127.0.0.1'
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

/** WebSocket messages: a client sends a call, the server answers it or pushes an event. */
export interface WsCall {
  id: string | number
  command: string
  params?: unknown
}
export type WsMessage = { id: string | number | null; reply: Reply } | { event: NodeEvent }

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}

/** HTTP status for a contract error code; the body always carries the Reply itself. */
function statusOf(reply: Reply): number {
  if (reply.ok) return 200
  switch (reply.error.code) {
    case 'unknown-command':
      return 404
    case 'invalid-params':
    case 'bad-request':
      return 400
    case 'internal':
      return 500
    default:
      return 422 // understood, but the node refused: the message says why
  }
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

export async function startServer(options: ServerOptions): Promise<LocalServer> {
  const { node } = options
  const log = options.log ?? silentLog
  const token = options.token ?? randomBytes(32).toString('hex')
  if (!/^[0-9a-f]{64}$/.test(token)) throw new Error('the token must be 64 hex characters')
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES
  const staticDir = options.staticDir ? path.resolve(options.staticDir) : null
  let port = 0
  // Cookies are shared by every port of a host: the name keeps two nodes' tokens apart.
  const cookieName = () => `exodus_token_${port}`

  const securityHeaders = (res: http.ServerResponse) => {
    res.setHeader(
      'Content-Security-Policy',
      // Inline styles only (the graph library adds a <style> for its container); scripts
      // stay 'self'.
      `default-src 'self'; connect-src 'self' ws://${HOST}:${port} ws://localhost:${port}; ` +
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; " +
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
    res.setHeader('Cache-Control', 'no-store')
  }

  /** Host and Origin checks (DNS rebinding, cross-site requests); null when fine. */
  const refuseForeign = (req: http.IncomingMessage): string | null => {
    const host = (req.headers.host ?? '').toLowerCase()
    if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) {
      return (
        `Forbidden: this Exodus node only answers at http://${HOST}:${port}/ ` +
        `(the request was for host ${JSON.stringify(req.headers.host ?? '')}).`
      )
    }
    const origin = req.headers.origin
    if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
      return `Forbidden: requests from another site (origin ${JSON.stringify(origin)}) are refused.`
    }
    return null
  }

  type TokenCheck = { ok: true; fromQuery: boolean } | { ok: false; message: string }
  const checkToken = (req: http.IncomingMessage, url: URL, queryAllowed: boolean): TokenCheck => {
    const auth = req.headers.authorization
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null
    const query = queryAllowed ? url.searchParams.get('token') : null
    const given = bearer ?? query ?? cookieValue(req.headers.cookie, cookieName())
    if (given === null) {
      return {
        ok: false,
        message:
          'Forbidden: this address needs its token. Open the URL that `exodus daemon` printed ' +
          '(it ends with ?token=…), or send the header Authorization: Bearer TOKEN.',
      }
    }
    if (!sameToken(given, token)) {
      return {
        ok: false,
        message:
          'Forbidden: wrong token. The token changes each time the node starts: use the URL ' +
          'it printed last (also in DATA/daemon.json).',
      }
    }
    return { ok: true, fromQuery: bearer === null && query !== null }
  }

  const sendText = (res: http.ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end(text.endsWith('\n') ? text : text + '\n')
  }

  const sendJson = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
  }

  const readBody = (req: http.IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const tooLarge = () =>
        new HttpError(413, `The request body is larger than the limit of ${maxBody} bytes.`)
      const declared = Number(req.headers['content-length'] ?? 0)
      if (declared > maxBody) return reject(tooLarge())
      const chunks: Buffer[] = []
      let size = 0
      const onData = (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBody) {
          req.off('data', onData)
          reject(tooLarge())
          return
        }
        chunks.push(chunk)
      }
      req.on('data', onData)
      req.on('end', () => resolve(Buffer.concat(chunks)))
      req.on('error', reject)
    })

  const serveApi = async (req: http.IncomingMessage, res: http.ServerResponse, name: string) => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      return sendText(res, 405, `Use POST for /api/${name}, with a JSON body of parameters.`)
    }
    const type = req.headers['content-type'] ?? ''
    if (!/^application\/json\b/i.test(type)) {
      return sendText(res, 415, 'Send the parameters as JSON, with Content-Type: application/json.')
    }
    const body = await readBody(req)
    let params: unknown = {}
    if (body.length > 0) {
      try {
        params = JSON.parse(body.toString('utf8'))
      } catch {
        const reply: Reply = {
          ok: false,
          error: { code: 'bad-request', message: 'The request body is not valid JSON.' },
        }
        return sendJson(res, 400, reply)
      }
    }
    const reply = await dispatch(node, name, params)
    if (!reply.ok) log.debug('api call refused', { command: name, code: reply.error.code })
    sendJson(res, statusOf(reply), reply)
  }

  const serveStatic = (res: http.ServerResponse, pathname: string) => {
    if (!staticDir) {
      if (pathname === '/' || pathname === '/index.html') {
        res.writeHead(200, { 'Content-Type': CONTENT_TYPES['.html'] })
        return res.end(PLACEHOLDER_HTML)
      }
      if (pathname === '/placeholder.js') {
        res.writeHead(200, { 'Content-Type': CONTENT_TYPES['.js'] })
        return res.end(PLACEHOLDER_JS)
      }
      if (pathname === '/placeholder.css') {
        res.writeHead(200, { 'Content-Type': CONTENT_TYPES['.css'] })
        return res.end(PLACEHOLDER_CSS)
      }
      return sendText(res, 404, 'Not found.')
    }
    let decoded: string
    try {
      decoded = decodeURIComponent(pathname)
    } catch {
      return sendText(res, 400, 'Bad request: malformed address.')
    }
    if (decoded.includes('\0')) return sendText(res, 400, 'Bad request: malformed address.')
    const relative = path.normalize(decoded).replace(/^([/\\])+/, '')
    let file = path.join(staticDir, relative)
    if (file !== staticDir && !file.startsWith(staticDir + path.sep))
      return sendText(res, 404, 'Not found.')
    let stat = fs.statSync(file, { throwIfNoEntry: false })
    if (stat?.isDirectory()) {
      file = path.join(file, 'index.html')
      stat = fs.statSync(file, { throwIfNoEntry: false })
    }
    // Client-side routes (no file extension) get the app's index.html.
    if (!stat && path.extname(relative) === '') {
      file = path.join(staticDir, 'index.html')
      stat = fs.statSync(file, { throwIfNoEntry: false })
    }
    if (!stat?.isFile()) return sendText(res, 404, 'Not found.')
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': stat.size,
    })
    fs.createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res)
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    securityHeaders(res)
    const foreign = refuseForeign(req)
    if (foreign) return sendText(res, 403, foreign)
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`)
    const isApi = url.pathname.startsWith('/api/')
    const auth = checkToken(req, url, !isApi && req.method === 'GET')
    if (!auth.ok) return sendText(res, 403, auth.message)
    if (auth.fromQuery) {
      // Trade the token in the address for a cookie, and take it out of the address bar.
      res.setHeader(
        'Set-Cookie',
        `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=31536000`,
      )
      url.searchParams.delete('token')
      res.writeHead(303, { Location: url.pathname + url.search })
      return res.end()
    }
    if (isApi) return serveApi(req, res, decodeURIComponent(url.pathname.slice(5)))
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return sendText(res, 405, 'Only GET here; the API is POST /api/<command>.')
    }
    serveStatic(res, url.pathname)
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
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBody })

  const refuseUpgrade = (socket: Duplex, status: number, text: string) => {
    const reason = status === 404 ? 'Not Found' : 'Forbidden'
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Connection: close\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    )
  }

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`)
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'Not found: use /ws.')
    const foreign = refuseForeign(req)
    if (foreign) return refuseUpgrade(socket, 403, foreign)
    const auth = checkToken(req, url, true)
    if (!auth.ok) return refuseUpgrade(socket, 403, auth.message)
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  const send = (ws: WebSocket, message: WsMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
  }

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
            error: {
              code: 'bad-request',
              message: 'Send JSON text messages of the form {"id", "command", "params"}.',
            },
          },
        })
      }
      const id = typeof call.id === 'string' || typeof call.id === 'number' ? call.id : null
      dispatch(node, call.command, call.params ?? {}).then(
        (reply) => send(ws, { id, reply }),
        (err: unknown) =>
          send(ws, {
            id,
            reply: { ok: false, error: { code: 'internal', message: String(err) } },
          }),
      )
    })
  })

  const onEvent = (event: NodeEvent) => {
    for (const ws of wss.clients) send(ws, { event })
  }
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
  port = address.port
  server.on('error', (err) => log.error('http server error', { error: err.message }))

  let closing: Promise<void> | null = null
  return {
    host: HOST,
    port,
    token,
    url: `http://${HOST}:${port}/?token=${token}`,
    http: server,
    close() {
      closing ??= (async () => {
        node.off('event', onEvent)
        for (const ws of wss.clients) ws.terminate()
        wss.close()
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeAllConnections()
        await closed
      })()
      return closing
    },
  }
}
