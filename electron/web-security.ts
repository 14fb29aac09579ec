/**
 * The fences around the renderer that are decisions rather than Electron calls: where a page
 * may navigate, which requests it may make, the Content-Security-Policy, which permissions it
 * gets. main.ts wires them to Electron; they are tested here without it.
 */
import { isAppOrigin, isAppPage } from './ipc-guard.ts'
import { isAppLink } from './invite-link.ts'

/**
 * The shell's policy, sent as a header on top of the page's own <meta> policy (the browser
 * enforces both): no remote code, no remote connections (the node is reached over IPC, not the
 * headless mode's WebSocket), no plugins, frames or form posts.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

/** The only permission the page may use: writing invite codes and links to the clipboard. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write'])

export type NavigationTarget =
  | { kind: 'app' }
  | { kind: 'external'; url: string }
  | { kind: 'invite'; link: string }
  | { kind: 'blocked' }

/**
 * Where a navigation the page starts may go: its own page (a reload); a web link, opened in
 * the system browser instead; an exodus:// invite, opened in the join screen; nothing else.
 */
export function navigationTarget(url: string, appUrl: string): NavigationTarget {
  if (isAppPage(url, appUrl)) return { kind: 'app' }
  if (isAppLink(url)) return { kind: 'invite', link: url }
  const external = externalUrl(url)
  return external ? { kind: 'external', url: external } : { kind: 'blocked' }
}

/**
 * The URL to hand to the system browser, or null: only http(s) with a host and no embedded
 * credentials (`https://bank.example@evil.example` reads as one site and opens another).
 */
export function externalUrl(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
  if (!parsed.hostname || parsed.username || parsed.password) return null
  return parsed.href
}

/**
 * Whether the renderer may load `url`: the built UI, served from the app's origin (app-protocol.ts
 * keeps it inside its folder), inline data and blobs, the developer tools. Everything else (the
 * network, files on disk through file://) is refused.
 */
export function isAllowedRequest(url: string, appUrl: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  switch (parsed.protocol) {
    case 'data:':
    case 'blob:':
    case 'devtools:':
      return true
    case 'file:':
      return false
    default:
      return isAppOrigin(url, appUrl)
  }
}
