/**
 * The window's fences and memory: where it may navigate, what it may load, the page's own
 * Content-Security-Policy, and the saved size and position.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { APP_URL } from '../../electron/app-protocol.ts'
import { isAppOrigin } from '../../electron/ipc-guard.ts'
import {
  ALLOWED_PERMISSIONS,
  CONTENT_SECURITY_POLICY,
  externalUrl,
  isAllowedRequest,
  navigationTarget,
} from '../../electron/web-security.ts'
import {
  DEFAULT_STATE,
  fitWindowState,
  parseWindowState,
  readWindowState,
  WINDOW_STATE_FILE,
  writeWindowState,
} from '../../electron/window-state.ts'

const RENDERER = '/opt/Exodus Circles/resources/app.asar/dist/renderer'
/** Where the UI was loaded from before app://: now a place like any other on disk. */
const OLD_FILE_URL = pathToFileURL(path.join(RENDERER, 'index.html')).href

describe('navigation', () => {
  it('stays on the app page (a reload, a deep link)', () => {
    expect(APP_URL).toBe('app://exodus/index.html')
    expect(navigationTarget(APP_URL, APP_URL)).toEqual({ kind: 'app' })
    expect(navigationTarget(`${APP_URL}#/people/abc`, APP_URL)).toEqual({ kind: 'app' })
  })

  it('sends web links to the system browser', () => {
    expect(navigationTarget('https://example.org/help?x=1', APP_URL)).toEqual({
      kind: 'external',
      url: 'https://example.org/help?x=1',
    })
    expect(navigationTarget('http://example.org', APP_URL)).toEqual({
      kind: 'external',
      url: 'http://example.org/',
    })
  })

  it('opens exodus:// invites in the join screen', () => {
    expect(navigationTarget('exodus://join/abc', APP_URL)).toEqual({
      kind: 'invite',
      link: 'exodus://join/abc',
    })
  })

  it('blocks everything else', () => {
    for (const url of [
      'file:///etc/passwd',
      OLD_FILE_URL,
      'app://exodus/other.html',
      'app://exodus/assets/index-abc.js',
      'app://exodus/',
      'app://other/index.html',
      'app://exodus.evil/index.html',
      'app://exodus:8080/index.html',
      'app://me@exodus/index.html',
      'exodus-app://exodus/index.html',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'smb://server/share',
      'ms-msdt:/id',
      'https://bank.example@evil.example/',
      'https://:secret@example.org/',
      'nonsense',
    ]) {
      expect(navigationTarget(url, APP_URL), url).toEqual({ kind: 'blocked' })
    }
    expect(externalUrl('mailto:someone@example.org')).toBeNull()
  })
})

describe('requests from the renderer', () => {
  it("may load the app's origin (which serves only the built UI), inline data and blobs", () => {
    expect(isAllowedRequest(APP_URL, APP_URL)).toBe(true)
    expect(isAllowedRequest('app://exodus/assets/index-abc.js', APP_URL)).toBe(true)
    expect(isAllowedRequest('data:image/png;base64,AAAA', APP_URL)).toBe(true)
    expect(isAllowedRequest('blob:app://exodus/1234', APP_URL)).toBe(true)
    expect(isAllowedRequest('devtools://devtools/bundled/index.html', APP_URL)).toBe(true)
  })

  it('may not reach the network, other origins or any file on disk', () => {
    for (const url of [
      'https://example.org/tracker.js',
      'ws://127.0.0.1:8080/ws',
      'file:///etc/passwd',
      OLD_FILE_URL,
      pathToFileURL(path.join(RENDERER, 'assets', 'index-abc.js')).href,
      'app://other/index.html',
      'app://exodus.evil/index.html',
      'app://exodus:1/index.html',
      'app://user:pw@exodus/index.html',
      'chrome://gpu',
      'nonsense',
    ]) {
      expect(isAllowedRequest(url, APP_URL), url).toBe(false)
    }
  })

  it('never take a file: URL as an origin, whatever the app URL', () => {
    expect(isAppOrigin(OLD_FILE_URL, OLD_FILE_URL)).toBe(false)
    expect(isAllowedRequest(OLD_FILE_URL, OLD_FILE_URL)).toBe(false)
  })

  it('get no permission but writing to the clipboard', () => {
    expect([...ALLOWED_PERMISSIONS]).toEqual(['clipboard-sanitized-write'])
  })
})

/** The directives of a policy, by name. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  )
}

describe('Content-Security-Policy', () => {
  const checkScripts = (policy: Map<string, string[]>) => {
    const scripts = policy.get('script-src') ?? policy.get('default-src') ?? []
    expect(scripts).toEqual(["'self'"])
    expect(policy.get('object-src')).toEqual(["'none'"])
    expect(policy.get('base-uri')).toEqual(["'none'"])
  }

  it("of the shell allows only the app's own code and no connection out", () => {
    const policy = directives(CONTENT_SECURITY_POLICY)
    checkScripts(policy)
    expect(policy.get('default-src')).toEqual(["'none'"])
    expect(policy.get('connect-src')).toEqual(["'self'"])
  })

  it('of the page itself (renderer/index.html) runs no inline or remote code', () => {
    const html = fs.readFileSync(
      path.join(import.meta.dirname, '..', '..', 'renderer', 'index.html'),
      'utf8',
    )
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)
    expect(meta, 'renderer/index.html must keep its CSP <meta>').not.toBeNull()
    checkScripts(directives(meta![1]!))
  })
})

describe('window state', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('reads back what was saved', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exodus-window-'))
    dirs.push(dir)
    expect(readWindowState(dir)).toEqual(DEFAULT_STATE)
    writeWindowState(dir, { width: 900, height: 700, x: 10, y: 20, maximized: true })
    expect(readWindowState(dir)).toEqual({ width: 900, height: 700, x: 10, y: 20, maximized: true })
    expect(fs.readdirSync(dir)).toEqual([WINDOW_STATE_FILE])
  })

  it('falls back to the default window on a damaged or hand-edited file', () => {
    for (const text of [
      '',
      '{"width": 900',
      'null',
      '[]',
      '{"width": "900", "height": 700}',
      '{"width": 10, "height": 10}',
      '{"width": 900, "height": 700, "x": 1e300, "y": 0}',
      '{"width": 900.5, "height": 700}',
    ]) {
      expect(parseWindowState(text), text).toEqual(DEFAULT_STATE)
    }
    expect(parseWindowState('{"width": 900, "height": 700, "x": 5}')).toEqual({
      width: 900,
      height: 700,
      maximized: false,
    })
  })

  const screens = [
    { x: 0, y: 0, width: 1920, height: 1040 },
    { x: 1920, y: 0, width: 1280, height: 1024 },
  ]

  it('keeps a window placed on a display that is still there', () => {
    const state = { width: 1000, height: 800, x: 2000, y: 100, maximized: false }
    expect(fitWindowState(state, screens)).toEqual(state)
  })

  it('lets the system place a window whose display is gone', () => {
    const state = { width: 1000, height: 800, x: 3500, y: 100, maximized: true }
    expect(fitWindowState(state, screens)).toEqual({ width: 1000, height: 800, maximized: true })
    const above = { width: 1000, height: 800, x: 100, y: -900, maximized: false }
    expect(fitWindowState(above, screens)).not.toHaveProperty('x')
  })

  it('shrinks a window larger than any display', () => {
    const state = { width: 5000, height: 3000, x: 0, y: 0, maximized: false }
    expect(fitWindowState(state, screens)).toEqual({
      width: 1920,
      height: 1040,
      x: 0,
      y: 0,
      maximized: false,
    })
  })
})
