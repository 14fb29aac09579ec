/**
 * Who may talk to the local server (see server.ts): the Host and Origin checks against DNS
 * rebinding and cross-site requests, the token (bearer header, one-time `?token=`, cookie),
 * and the security headers every HTTP answer carries.
 */
import type http from 'node:http'
import { timingSafeEqual } from 'node:crypto'

export const HOST = '127.0.0.1'

/** The address the server answers at; `port` is known once it listens. */
export interface Local {
  port: number
  readonly token: string
}

/** Cookies are shared by every port of a host: the name keeps two nodes' tokens apart. */
export function cookieName(local: Local): string {
  return `exodus_token_${local.port}`
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

export function securityHeaders(res: http.ServerResponse, { port }: Local): void {
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
export function refuseForeign(req: http.IncomingMessage, { port }: Local): string | null {
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

export type TokenCheck = { ok: true; fromQuery: boolean } | { ok: false; message: string }

/** The token of the request: a bearer header, `?token=` where `queryAllowed`, or the cookie. */
export function checkToken(
  req: http.IncomingMessage,
  url: URL,
  queryAllowed: boolean,
  local: Local,
): TokenCheck {
  const auth = req.headers.authorization
  const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null
  const query = queryAllowed ? url.searchParams.get('token') : null
  const given = bearer ?? query ?? cookieValue(req.headers.cookie, cookieName(local))
  if (given === null) {
    return {
      ok: false,
      message:
        'Forbidden: this address needs its token. Open the URL that `exodus daemon` printed ' +
        '(it ends with ?token=…), or send the header Authorization: Bearer TOKEN.',
    }
  }
  if (!sameToken(given, local.token)) {
    return {
      ok: false,
      message:
        'Forbidden: wrong token. The token changes each time the node starts: use the URL ' +
        'it printed last (also in DATA/daemon.json).',
    }
  }
  return { ok: true, fromQuery: bearer === null && query !== null }
}
