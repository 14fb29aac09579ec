/**
 * The app:// scheme the window loads the UI from: which file answers which URL, that nothing
 * outside the built UI's folder can be reached however the path is spelled, and that every
 * answer, files and refusals alike, carries the Content-Security-Policy and nosniff.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  APP_URL,
  appPageUrl,
  resolveAppRequest,
  serveAppRequest,
  type AppAnswer,
} from '../../electron/app-protocol.ts'
import { CONTENT_SECURITY_POLICY } from '../../electron/web-security.ts'
import { ensureBuiltUi } from '../support/ui-build.ts'
import { contentType } from '../../core/content-types.ts'

// top/secret.txt and top/renderer-evil/index.html lie next to the served folder, top/renderer.
const top = fs.mkdtempSync(path.join(os.tmpdir(), 'exodus-app-protocol-'))
const root = path.join(top, 'renderer')
const SECRET = 'the keys'

beforeAll(() => {
  const files: Record<string, string> = {
    'renderer/index.html': '<!doctype html><title>Exodus</title>',
    'renderer/assets/index-abc.js': 'console.log(1)',
    'renderer/assets/index-abc.css': 'body{}',
    'renderer/assets/logo.svg': '<svg/>',
    'renderer/assets/font.woff2': 'wOF2',
    'renderer/assets/data.json': '{}',
    'renderer/assets/blob.bin': 'bytes',
    'renderer/assets/PHOTO.PNG': 'png',
    'renderer/with space.txt': 'spaced',
    'secret.txt': SECRET,
    'renderer-evil/index.html': SECRET,
  }
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(top, name)), { recursive: true })
    fs.writeFileSync(path.join(top, name), text)
  }
})

afterAll(() => {
  fs.rmSync(top, { recursive: true, force: true })
})

function expectSecurityHeaders(answer: { headers: Record<string, string> }, what: string) {
  expect(answer.headers['Content-Security-Policy'], what).toBe(CONTENT_SECURITY_POLICY)
  expect(answer.headers['X-Content-Type-Options'], what).toBe('nosniff')
  expect(answer.headers['Content-Type'], what).toBeTruthy()
}

describe('the app page', () => {
  it('is index.html on app://exodus, opened at a hash route for deep links', () => {
    expect(APP_ORIGIN).toBe('app://exodus')
    expect(APP_URL).toBe('app://exodus/index.html')
    expect(appPageUrl()).toBe(APP_URL)
    expect(appPageUrl(null)).toBe(APP_URL)
    expect(appPageUrl('/people/abc')).toBe('app://exodus/index.html#/people/abc')
    expect(appPageUrl('/join?invite=a%2Fb')).toBe('app://exodus/index.html#/join?invite=a%2Fb')
    expect(new URL(appPageUrl('/join?invite=a%2Fb')).hash).toBe('#/join?invite=a%2Fb')
  })

  it('is served whatever its route or query (the route never reaches the disk)', () => {
    for (const url of [APP_URL, appPageUrl('/people/abc'), `${APP_URL}?x=1#/notifications`]) {
      const answer = resolveAppRequest(root, url)
      expect(answer.status, url).toBe(200)
      expect(answer.file, url).toBe(path.join(root, 'index.html'))
    }
  })

  it('is a standard, secure scheme that other origins cannot read or use to skip the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: true })
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('corsEnabled')
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP')
  })
})

describe('a request for a file of the UI', () => {
  it('gets the file, with its content type', () => {
    const cases: [string, string, string][] = [
      ['index.html', 'index.html', 'text/html; charset=utf-8'],
      ['assets/index-abc.js', 'assets/index-abc.js', 'text/javascript; charset=utf-8'],
      ['assets/index-abc.css', 'assets/index-abc.css', 'text/css; charset=utf-8'],
      ['assets/logo.svg', 'assets/logo.svg', 'image/svg+xml'],
      ['assets/font.woff2', 'assets/font.woff2', 'font/woff2'],
      ['assets/data.json', 'assets/data.json', 'application/json; charset=utf-8'],
      ['assets/PHOTO.PNG', 'assets/PHOTO.PNG', 'image/png'],
      ['assets/blob.bin', 'assets/blob.bin', 'application/octet-stream'],
      ['with%20space.txt', 'with space.txt', 'text/plain; charset=utf-8'],
    ]
    for (const [urlPath, file, type] of cases) {
      const answer = resolveAppRequest(root, `${APP_ORIGIN}/${urlPath}`)
      expect(answer.status, urlPath).toBe(200)
      expect(answer.file, urlPath).toBe(path.join(root, file))
      expect(answer.headers['Content-Type'], urlPath).toBe(type)
      expectSecurityHeaders(answer, urlPath)
    }
  })

  it('knows the types of what a build holds, and sniffs nothing else into one', () => {
    expect(contentType('a.mjs')).toBe('text/javascript; charset=utf-8')
    expect(contentType('a.woff')).toBe('font/woff')
    expect(contentType('a.ico')).toBe('image/x-icon')
    expect(contentType('a.wasm')).toBe('application/wasm')
    expect(contentType('a.JPEG')).toBe('image/jpeg')
    for (const name of ['a', 'a.exe', 'a.html.exe', 'js', '.js.', 'a.php'])
      expect(contentType(name), name).toBe('application/octet-stream')
  })

  it('is 404 when the file is not there (a folder is not a file)', () => {
    for (const urlPath of [
      '',
      'missing.js',
      'assets',
      'assets/missing.css',
      'index.html.bak',
      // Decoded once only: a file literally named "%2e%2e", which is not there.
      '%252e%252e/secret.txt',
    ]) {
      const answer = resolveAppRequest(root, `${APP_ORIGIN}/${urlPath}`)
      expect(answer.status, urlPath).toBe(404)
      expect(answer.file, urlPath).toBeNull()
      expectSecurityHeaders(answer, urlPath)
    }
  })
})

describe('a path that would leave the folder', () => {
  const attempts = [
    '../secret.txt',
    'assets/../../secret.txt',
    'assets/../index.html',
    './index.html',
    '%2e%2e/secret.txt',
    '%2E%2E/secret.txt',
    '.%2e/secret.txt',
    '%2e/index.html',
    'assets/%2e%2e/%2e%2e/secret.txt',
    '..%2fsecret.txt',
    '..%2Fsecret.txt',
    'assets%2f..%2f..%2fsecret.txt',
    '..%5csecret.txt',
    '..\\secret.txt',
    'assets\\..\\..\\secret.txt',
    '..%255c..%255csecret.txt'.replace(/%25/g, '%'),
    '/etc/passwd',
    '//etc/passwd',
    '%2fetc%2fpasswd',
    encodeURIComponent(path.join(top, 'secret.txt')),
    'C:/Windows/win.ini',
    'C%3A%5CWindows%5Cwin.ini',
    'c:%5cwindows%5cwin.ini',
    'index.html::$DATA',
    'index.html%00.png',
    'index.html%00',
    'assets//index-abc.js',
    'assets/',
    '../renderer-evil/index.html',
    '%2e%2e/renderer-evil/index.html',
  ]

  it('is refused (403), never resolved, even where the file exists', () => {
    for (const attempt of attempts) {
      const url = `${APP_ORIGIN}/${attempt}`
      const answer = resolveAppRequest(root, url)
      expect(answer.status, url).toBe(403)
      expect(answer.file, url).toBeNull()
      expectSecurityHeaders(answer, url)
      // Even a disk that says yes to everything gives nothing.
      expect(resolveAppRequest(root, url, 'GET', () => true).status, url).toBe(403)
    }
  })

  it('is refused before the disk is asked', () => {
    const asked: string[] = []
    for (const attempt of attempts)
      resolveAppRequest(root, `${APP_ORIGIN}/${attempt}`, 'GET', (file) => {
        asked.push(file)
        return true
      })
    expect(asked).toEqual([])
  })

  it('stays inside the folder for every name it accepts', () => {
    const asked: string[] = []
    const names = ['a', 'a.b', '..a', 'a..', '...', '%2e%2e%2e', 'a%20b', '%C3%A9', '~', '$HOME']
    for (const name of names)
      resolveAppRequest(root, `${APP_ORIGIN}/assets/${name}`, 'GET', (file) => {
        asked.push(file)
        return true
      })
    expect(asked).toHaveLength(names.length)
    for (const file of asked)
      expect(file.startsWith(path.join(root, 'assets') + path.sep)).toBe(true)
  })
})

describe('a request that is not for the UI', () => {
  it('is refused: another scheme, host, port, or credentials', () => {
    for (const url of [
      'app://other/index.html',
      'app://exodus.evil/index.html',
      'app://evil.exodus/index.html',
      'app://EXODUS/index.html',
      'app://exodus:8080/index.html',
      'app://me@exodus/index.html',
      'app://me:pw@exodus/index.html',
      'https://exodus/index.html',
      'exodus://exodus/index.html',
      pathToFileURL(path.join(root, 'index.html')).href,
      'file:///etc/passwd',
      'app:index.html',
      'app:/index.html',
    ]) {
      const answer = resolveAppRequest(root, url)
      expect(answer.status, url).toBe(403)
      expect(answer.file, url).toBeNull()
      expectSecurityHeaders(answer, url)
    }
  })

  it('is 400 when it does not parse', () => {
    for (const url of ['not a url', `${APP_ORIGIN}/%E0%A4%A`, `${APP_ORIGIN}/%`]) {
      const answer = resolveAppRequest(root, url)
      expect(answer.status, url).toBe(400)
      expect(answer.file, url).toBeNull()
      expectSecurityHeaders(answer, url)
    }
  })

  it('is 405 for anything but GET and HEAD', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'get']) {
      const answer = resolveAppRequest(root, APP_URL, method)
      expect(answer.status, method).toBe(405)
      expect(answer.headers.Allow).toBe('GET, HEAD')
      expectSecurityHeaders(answer, method)
    }
    expect(resolveAppRequest(root, APP_URL, 'HEAD').status).toBe(200)
  })
})

describe('the answer the window gets', () => {
  const serve = (url: string, method = 'GET') => serveAppRequest(root, { url, method })

  function expectResponseHeaders(response: Response, what: string) {
    expect(response.headers.get('content-security-policy'), what).toBe(CONTENT_SECURITY_POLICY)
    expect(response.headers.get('x-content-type-options'), what).toBe('nosniff')
  }

  it("is the file's bytes, with its type and the security headers", async () => {
    const response = await serve(`${APP_ORIGIN}/assets/index-abc.js`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expectResponseHeaders(response, 'js')
    expect(await response.text()).toBe('console.log(1)')
    const page = await serve(appPageUrl('/people/abc'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expectResponseHeaders(page, 'page')
    expect(await page.text()).toBe('<!doctype html><title>Exodus</title>')
  })

  it('carries the headers on refusals too, and never the secret', async () => {
    const cases: [string, string, AppAnswer['status']][] = [
      [`${APP_ORIGIN}/missing.js`, 'GET', 404],
      [`${APP_ORIGIN}/%2e%2e/secret.txt`, 'GET', 403],
      [`${APP_ORIGIN}/../renderer-evil/index.html`, 'GET', 403],
      ['app://other/secret.txt', 'GET', 403],
      [`${APP_ORIGIN}/%`, 'GET', 400],
      [APP_URL, 'POST', 405],
    ]
    for (const [url, method, status] of cases) {
      const response = await serve(url, method)
      expect(response.status, url).toBe(status)
      expect(response.headers.get('content-type'), url).toBe('text/plain; charset=utf-8')
      expectResponseHeaders(response, url)
      expect(await response.text(), url).not.toContain(SECRET)
    }
  })

  it('has no body for HEAD', async () => {
    const response = await serve(APP_URL, 'HEAD')
    expect(response.status).toBe(200)
    expectResponseHeaders(response, 'HEAD')
    expect(await response.text()).toBe('')
  })
})

// The files the built page names must resolve under app://exodus: Vite's `base` is relative.
const BUILT = path.join(import.meta.dirname, '..', '..', 'dist', 'renderer')
describe('the built UI (dist/renderer)', () => {
  // Built here when missing or older than its sources (as the end-to-end tests do).
  beforeAll(ensureBuiltUi, 120_000)

  it('is served whole: every script and style the page names', async () => {
    const html = fs.readFileSync(path.join(BUILT, 'index.html'), 'utf8')
    const refs = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) {
      const url = new URL(ref, APP_URL).href
      expect(url.startsWith(`${APP_ORIGIN}/`), ref).toBe(true)
      const response = await serveAppRequest(BUILT, { url, method: 'GET' })
      expect(response.status, url).toBe(200)
      expect(response.headers.get('content-type'), url).not.toBe('application/octet-stream')
    }
  })
})
