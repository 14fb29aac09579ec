/**
 * The main process's check of every renderer call: sender, command, parameters. Refusals must
 * be the contract's error replies, the same codes the other transports give.
 */
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { dispatch } from '../../core/api/contract.ts'
import { guardCall, isAppPage, type CallSender } from '../../electron/ipc-guard.ts'
import { FakeNode } from '../daemon/fake-node.ts'

const APP_URL = pathToFileURL(
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
  it('is the app file whatever its route or query', () => {
    expect(isAppPage(APP_URL, APP_URL)).toBe(true)
    expect(isAppPage(`${APP_URL}#/join?invite=abc`, APP_URL)).toBe(true)
    expect(isAppPage(`${APP_URL}?x=1`, APP_URL)).toBe(true)
    expect(isAppPage(APP_URL.replace('index.html', 'other.html'), APP_URL)).toBe(false)
    expect(isAppPage(APP_URL.replace('file://', 'http://'), APP_URL)).toBe(false)
  })

  it('ignores case on Windows only', () => {
    const win = 'file:///C:/Program%20Files/Exodus/resources/app.asar/dist/renderer/index.html'
    const other = win.replace('C:/Program%20Files', 'c:/program files')
    expect(isAppPage(other, win, 'win32')).toBe(true)
    expect(isAppPage(other, win, 'linux')).toBe(false)
  })
})
