/**
 * The UI the server shows: a built folder (index.html and its assets, with index.html for the
 * app's client-side routes), or the placeholder page when there is none. Nothing outside the
 * folder is ever served.
 */
import fs from 'node:fs'
import type http from 'node:http'
import path from 'node:path'
import { contentType } from '../content-types.ts'
import { PLACEHOLDER_CSS, PLACEHOLDER_HTML, PLACEHOLDER_JS } from './placeholder.ts'
import { sendText } from './server-http.ts'

function servePlaceholder(res: http.ServerResponse, pathname: string): void {
  if (pathname === '/' || pathname === '/index.html') {
    res.writeHead(200, { 'Content-Type': contentType('index.html') })
    return void res.end(PLACEHOLDER_HTML)
  }
  if (pathname === '/placeholder.js') {
    res.writeHead(200, { 'Content-Type': contentType('app.js') })
    return void res.end(PLACEHOLDER_JS)
  }
  if (pathname === '/placeholder.css') {
    res.writeHead(200, { 'Content-Type': contentType('app.css') })
    return void res.end(PLACEHOLDER_CSS)
  }
  return sendText(res, 404, 'Not found.')
}

/** Answers a GET of `pathname` from `staticDir` (an absolute path), or the placeholder. */
export function serveStatic(
  staticDir: string | null,
  res: http.ServerResponse,
  pathname: string,
): void {
  if (!staticDir) return servePlaceholder(res, pathname)
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
    'Content-Type': contentType(file),
    'Content-Length': stat.size,
  })
  fs.createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res)
}
