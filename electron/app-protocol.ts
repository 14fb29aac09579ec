/**
 * The app:// scheme the desktop window loads the UI from, instead of file://: a page served
 * this way gets response headers (the Content-Security-Policy, nosniff), which file:// pages
 * never have, an origin of its own (app://exodus) rather than the whole disk, and nothing but
 * the built UI's folder behind it. main.ts registers the scheme and hands each request here;
 * this module decides which file answers it and with which headers, without Electron.
 */
import fs from 'node:fs'
import path from 'node:path'
import { contentType } from '../core/content-types.ts'
import { CONTENT_SECURITY_POLICY } from './web-security.ts'

export const APP_SCHEME = 'app'
export const APP_HOST = 'exodus'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
/** The UI's one page; its screens are hash routes (`#/people`), so no other page exists. */
export const APP_URL = `${APP_ORIGIN}/index.html`

/**
 * Registered before the app is ready: a standard scheme (relative URLs resolve, the page has an
 * origin and its own storage), a secure context like https, and fetch() allowed. Not
 * corsEnabled: no other origin may read what it serves. No bypassCSP.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
} as const

/** The page's URL, opened at `route` (a hash route such as /join?invite=…) when given. */
export function appPageUrl(route?: string | null): string {
  return route ? `${APP_URL}#${route}` : APP_URL
}

const TEXT_TYPE = 'text/plain; charset=utf-8'

/** Headers every answer carries, a file or an error. */
function baseHeaders(type: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  }
}

export interface AppAnswer {
  status: 200 | 400 | 403 | 404 | 405
  headers: Record<string, string>
  /** The file to send (absolute, inside the root); null for an error. */
  file: string | null
}

function error(status: Exclude<AppAnswer['status'], 200>): AppAnswer {
  const headers = baseHeaders(TEXT_TYPE)
  if (status === 405) headers.Allow = 'GET, HEAD'
  return { status, headers, file: null }
}

/** A path segment that could name something other than one entry of its folder. */
function unsafeSegment(segment: string): boolean {
  return (
    segment === '' ||
    segment === '.' ||
    segment === '..' ||
    // Separators (either kind), a drive or stream (C:, file:stream), NUL and other controls.
    // eslint-disable-next-line no-control-regex
    /[/\\:\u0000-\u001f\u007f]/.test(segment)
  )
}

function isFileOnDisk(file: string): boolean {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/**
 * Which file of `root` (the built UI) answers `url`, with which status and headers. Only
 * app://exodus/… is served, by GET or HEAD; the path must name a file inside `root` segment by
 * segment: `.` and `..` (also percent-encoded), empty segments (`//etc`), backslashes, drive
 * letters, NUL and encoded slashes are refused (403) rather than resolved, even where URL
 * parsing would have kept the result inside the folder. Query and fragment are ignored.
 */
export function resolveAppRequest(
  root: string,
  url: string,
  method = 'GET',
  isFile: (file: string) => boolean = isFileOnDisk,
): AppAnswer {
  if (method !== 'GET' && method !== 'HEAD') return error(405)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return error(400)
  }
  if (
    parsed.protocol !== `${APP_SCHEME}:` ||
    parsed.host !== APP_HOST ||
    parsed.username ||
    parsed.password ||
    !url.startsWith(`${APP_ORIGIN}/`)
  )
    return error(403)
  // The path as written: URL parsing would resolve dot segments and hide the attempt.
  const raw = url.slice(APP_ORIGIN.length).replace(/[?#].*$/s, '')
  if (raw === '/') return error(404)
  const segments: string[] = []
  for (const part of raw.slice(1).split('/')) {
    let segment: string
    try {
      segment = decodeURIComponent(part)
    } catch {
      return error(400)
    }
    // Decoding keeps every character it does not decode: unsafe as written is unsafe here.
    if (unsafeSegment(segment)) return error(403)
    segments.push(segment)
  }
  const base = path.resolve(root)
  const file = path.join(base, ...segments)
  const inside = path.relative(base, file)
  if (!inside || inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside))
    return error(403)
  if (!isFile(file)) return error(404)
  return { status: 200, headers: baseHeaders(contentType(file)), file }
}

const REASONS: Record<AppAnswer['status'], string> = {
  200: 'OK',
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
}

/** The answer to a request of the page: `resolveAppRequest`, then the file read from disk. */
export async function serveAppRequest(
  root: string,
  request: { url: string; method: string },
): Promise<Response> {
  const head = request.method === 'HEAD'
  const answer = resolveAppRequest(root, request.url, request.method)
  const reply = (a: AppAnswer, body: string | Uint8Array<ArrayBuffer>) =>
    new Response(head ? null : body, { status: a.status, headers: a.headers })
  if (answer.file === null) return reply(answer, REASONS[answer.status])
  let data: Uint8Array<ArrayBuffer>
  try {
    data = new Uint8Array(await fs.promises.readFile(answer.file))
  } catch {
    // Gone (or unreadable) since it was found.
    return reply(error(404), REASONS[404])
  }
  return reply(answer, data)
}
