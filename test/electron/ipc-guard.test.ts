/**
 * The main process's check of every renderer call: sender, command, parameters. Refusals must
 * be the contract's error replies, the same codes the other transports give.
 */
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { dispatch } from '../../core/api/contract.ts'
import { APP_URL } from '../../electron/app-protocol.ts'
import { guardCall, isAppPage, type CallSender } from '../../electron/ipc-guard.ts'
import { FakeNode } from '../daemon/fake-node.ts'

/** Where the UI was loaded from before app://: now a file like any other. */
const OLD_FILE_URL = pathToFileURL(
  '/opt/Exodus Circles/resources/app.asar/dist/renderer/index.html',
).href
const app: CallSender = { url: `${APP_URL}#/people`, appMainFrame: true }

function refusal(result: ReturnType<typeof guardCall>) {
  if (result.ok) throw new Error('expected a refusal')
  return result.reply.error
}

describe('the IPC guard', () => {
  it('passes a known command with valid parameters, parsed by the contract', () => {
    const result = guardCall(app, APP_URL, 'network.create', {
      name: '  Friends ',
      currency: 'EUR',
      extra: 'dropped',
    })
    expect(result).toEqual({
      ok: true,
      command: 'network.create',
      params: { name: 'Friends', currency: 'EUR' },
    })
  })

  it('takes absent parameters as none', () => {
    expect(guardCall(app, APP_URL, 'network.list', undefined)).toEqual({
      ok: true,
      command: 'network.list',
      params: {},
    })
  })

  it('refuses an unknown command, as dispatch does', async () => {
    for (const command of ['network.destroy', '__proto__', 'toString', '', 42, null, { a: 1 }]) {
      const error = refusal(guardCall(app, APP_URL, command, {}))
      expect(error.code).toBe('unknown-command')
    }
    const viaDispatch = await dispatch(new FakeNode(), 'network.destroy', {})
    expect(viaDispatch.ok).toBe(false)
    expect(refusal(guardCall(app, APP_URL, 'network.destroy', {}))).toEqual(
      !viaDispatch.ok && viaDispatch.error,
    )
  })

  it('refuses parameters that are not an object', () => {
    for (const params of [null, 'Friends', 42, true, ['Friends'], () => {}]) {
      const error = refusal(guardCall(app, APP_URL, 'network.list', params))
      expect(error).toEqual({
        code: 'invalid-params',
        message: 'network.list: parameters must be an object',
        params: { command: 'network.list' },
        variant: 'not-object',
      })
    }
  })

  it("refuses parameters the command's schema rejects, with the contract's message", async () => {
    const params = { network: 'Friends', status: 'orange', amount: -5 }
    const error = refusal(guardCall(app, APP_URL, 'status.set', params))
    expect(error.code).toBe('invalid-params')
    expect(error.message).toMatch(/^status\.set: amount: /)
    const viaDispatch = await dispatch(new FakeNode(), 'status.set', params)
    expect(!viaDispatch.ok && viaDispatch.error).toEqual(error)

    expect(refusal(guardCall(app, APP_URL, 'network.create', { name: 'x' })).code).toBe(
      'invalid-params',
    )
    expect(refusal(guardCall(app, APP_URL, 'logs', { lines: 'all' })).code).toBe('invalid-params')
  })

  it('refuses a sender that is not the top frame of the app window showing the app page', () => {
    const senders: CallSender[] = [
      { url: APP_URL, appMainFrame: false }, // a subframe or another window
      { url: null, appMainFrame: true }, // the frame is gone
      { url: 'https://example.org/index.html', appMainFrame: true },
      { url: pathToFileURL('/home/me/Downloads/index.html').href, appMainFrame: true },
      { url: OLD_FILE_URL, appMainFrame: true }, // the UI's own files, but through file://
      { url: 'file:///index.html', appMainFrame: true },
      { url: 'app://other/index.html', appMainFrame: true },
      { url: 'app://exodus.evil/index.html', appMainFrame: true },
      { url: 'app://exodus/other.html', appMainFrame: true },
      { url: 'https://exodus/index.html', appMainFrame: true },
      { url: `${APP_URL}/../../../../evil.html`, appMainFrame: true },
      { url: 'devtools://devtools/bundled/index.html', appMainFrame: true },
      { url: 'not a url', appMainFrame: true },
    ]
    for (const sender of senders) {
      // Checked first: a foreign page learns nothing, not even which commands exist.
      const error = refusal(guardCall(sender, APP_URL, 'identity.get', {}))
      expect(error.code).toBe('forbidden-sender')
      expect(refusal(guardCall(sender, APP_URL, 'no.such', 1)).code).toBe('forbidden-sender')
    }
  })
})

describe('the app page', () => {
  it('is app://exodus/index.html whatever its route or query', () => {
    expect(APP_URL).toBe('app://exodus/index.html')
    expect(isAppPage(APP_URL, APP_URL)).toBe(true)
    expect(isAppPage(`${APP_URL}#/join?invite=abc`, APP_URL)).toBe(true)
    expect(isAppPage(`${APP_URL}#/people/abc%20def`, APP_URL)).toBe(true)
    expect(isAppPage(`${APP_URL}?x=1`, APP_URL)).toBe(true)
    expect(
      guardCall({ url: `${APP_URL}#/people/x`, appMainFrame: true }, APP_URL, 'network.list', {})
        .ok,
    ).toBe(true)
  })

  it('is not a file:// page, another scheme, host, port or page', () => {
    for (const url of [
      OLD_FILE_URL,
      'file:///index.html',
      'file://exodus/index.html',
      'http://exodus/index.html',
      'https://exodus/index.html',
      'exodus://exodus/index.html',
      'app://other/index.html',
      'app://exodus.example/index.html',
      'app://EXODUS/index.html',
      'app://exodus:443/index.html',
      'app://me@exodus/index.html',
      'app://me:pw@exodus/index.html',
      'app://exodus/',
      'app://exodus/other.html',
      'app://exodus/index.html/',
      'app://exodus/assets/index.html',
      'app://exodus/%69ndex.html',
      'app://exodus/../index.html/..',
      null,
    ]) {
      expect(isAppPage(url, APP_URL), String(url)).toBe(false)
    }
  })
})
