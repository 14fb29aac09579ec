/**
 * The local web server as a transport: authentication, Host/Origin checks, limits, the
 * HTTP and WebSocket API. The node behind it is the in-test FakeNode (transports only).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startServer, type LocalServer, type WsMessage } from '../../core/daemon/server.ts'
import { FakeNode } from './fake-node.ts'
import { request, tempDir } from './helpers.ts'

describe('local server', () => {
  let node: FakeNode
  let server: LocalServer
  let host: string
  const api = (command: string, body: unknown, headers: Record<string, string> = {}) =>
    request(server.port, {
      method: 'POST',
      path: `/api/${command}`,
      headers: {
        Host: host,
        Authorization: `Bearer ${server.token}`,
        'Content-Type': 'application/json',
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })

  beforeEach(async () => {
    node = new FakeNode()
    server = await startServer({ node })
    host = `127.0.0.1:${server.port}`
  })
  afterEach(async () => {
    await server.close()
  })

  it('listens on 127.0.0.1 only, with a 32-byte hex token in its URL', () => {
    const address = server.http.address()
    expect(address).toMatchObject({ address: '127.0.0.1', family: 'IPv4' })
    expect(server.token).toMatch(/^[0-9a-f]{64}$/)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
  })

  it('refuses requests without a token or with a wrong one', async () => {
    const none = await request(server.port, { headers: { Host: host } })
    expect(none.status).toBe(403)
    expect(none.body).toMatch(/needs its token/)
    const wrong = await request(server.port, { path: `/?token=${'0'.repeat(64)}` })
    expect(wrong.status).toBe(403)
    expect(wrong.body).toMatch(/wrong token/)
    const wrongBearer = await api('network.list', {}, { Authorization: `Bearer ${'f'.repeat(64)}` })
    expect(wrongBearer.status).toBe(403)
    const noBearer = await api('network.list', {}, { Authorization: '' })
    expect(noBearer.status).toBe(403)
    // A token in the query does not open the API: programs use the header.
    const queryApi = await request(server.port, {
      method: 'POST',
      path: `/api/network.list?token=${server.token}`,
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(queryApi.status).toBe(403)
    expect(node.calls).toEqual([])
  })

  it('refuses a foreign Host (DNS rebinding) even with the right token', async () => {
    for (const badHost of [`evil.com:${server.port}`, '127.0.0.1:1', `127.0.0.2:${server.port}`]) {
      const res = await api('network.list', {}, { Host: badHost })
      expect(res.status).toBe(403)
      expect(res.body).toContain(`only answers at http://127.0.0.1:${server.port}/`)
    }
    const localhost = await api('network.list', {}, { Host: `localhost:${server.port}` })
    expect(localhost.status).toBe(200)
    expect(node.calls).toHaveLength(1)
  })

  it('refuses a foreign Origin (cross-site requests) and accepts its own', async () => {
    for (const origin of ['http://evil.com', 'null', `http://localhost:${server.port}`]) {
      const res = await api('network.list', {}, { Origin: origin })
      expect(res.status).toBe(403)
      expect(res.body).toMatch(/another site/)
    }
    const own = await api('network.list', {}, { Origin: `http://127.0.0.1:${server.port}` })
    expect(own.status).toBe(200)
  })

  it('answers POST /api/network.list with a Bearer token, with strict headers and no CORS', async () => {
    const res = await api('network.list', {})
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toEqual({ ok: true, result: node.networks })
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'self'/)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('gives the contract’s clear errors for bad params, unknown commands and bad bodies', async () => {
    const invalid = await api('network.create', { name: '', currency: 'EUR' })
    expect(invalid.status).toBe(400)
    expect(JSON.parse(invalid.body)).toEqual({
      ok: false,
      error: {
        code: 'invalid-params',
        message: expect.stringMatching(/^network\.create: name: /),
        params: { command: 'network.create', field: 'name', problem: expect.any(String) },
        variant: 'field',
      },
    })
    const unknown = await api('nope', {})
    expect(unknown.status).toBe(404)
    expect(JSON.parse(unknown.body).error.code).toBe('unknown-command')
    const badJson = await api('network.list', '{oops')
    expect(badJson.status).toBe(400)
    expect(JSON.parse(badJson.body).error.code).toBe('bad-request')
    const refused = await api('obligation.confirm', {
      network: node.networks[0]!.id,
      pledge: 'x',
    })
    expect(refused.status).toBe(422)
    expect(JSON.parse(refused.body).error).toEqual({
      code: 'not-allowed',
      message: 'Only the recipient may confirm an obligation.',
    })
    const notJson = await api('network.list', '{}', { 'Content-Type': 'text/plain' })
    expect(notJson.status).toBe(415)
    const get = await request(server.port, {
      path: '/api/network.list',
      headers: { Host: host, Authorization: `Bearer ${server.token}` },
    })
    expect(get.status).toBe(405)
  })

  it('answers 413 to bodies over the limit, declared or streamed', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'a')
    const declared = await api('network.list', big)
    expect(declared.status).toBe(413)
    expect(JSON.parse(declared.body).error.message).toMatch(/larger than the limit/)
    const streamed = await api('network.list', big, { 'Transfer-Encoding': 'chunked' })
    expect(streamed.status).toBe(413)
    expect(node.calls).toEqual([])
  })

  it('trades the URL token for an HttpOnly SameSite=Strict cookie, then serves the placeholder', async () => {
    const first = await request(server.port, { path: `/?token=${server.token}` })
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe('/')
    const cookie = first.headers['set-cookie']?.[0] ?? ''
    expect(cookie).toContain(`exodus_token_${server.port}=${server.token}`)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const page = await request(server.port, {
      headers: { Host: host, Cookie: cookie.split(';')[0]! },
    })
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    expect(page.body).toMatch(/later version/)
    expect(page.body).not.toMatch(/<script>/) // no inline script: the CSP forbids it
    const script = await request(server.port, {
      path: '/placeholder.js',
      headers: { Host: host, Cookie: cookie.split(';')[0]! },
    })
    expect(script.body).toContain("call('network.list')")
  })

  it('carries API calls and pushed events over the WebSocket', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
    const messages: WsMessage[] = []
    const next = () =>
      new Promise<WsMessage>((resolve) => {
        const queued = messages.shift()
        if (queued) return resolve(queued)
        ws.once('message', () => resolve(messages.shift()!))
      })
    ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as WsMessage))
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))

    ws.send(JSON.stringify({ id: 1, command: 'network.list', params: {} }))
    expect(await next()).toEqual({ id: 1, reply: { ok: true, result: node.networks } })

    ws.send(JSON.stringify({ id: 'b', command: 'network.create', params: { name: '' } }))
    const invalid = await next()
    expect(invalid).toMatchObject({
      id: 'b',
      reply: { ok: false, error: { code: 'invalid-params' } },
    })

    node.emitEvent({ type: 'state', network: 'n1' })
    expect(await next()).toEqual({ event: { type: 'state', network: 'n1' } })

    ws.send('not json')
    expect(await next()).toMatchObject({
      id: null,
      reply: { ok: false, error: { code: 'bad-request' } },
    })
    ws.close()
  })

  it('refuses WebSocket upgrades without the token or from a foreign origin', async () => {
    const status = (url: string, options?: WebSocket.ClientOptions) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url, options)
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0)
          ws.terminate()
        })
        ws.once('open', () => {
          ws.close()
          resolve(101)
        })
        ws.once('error', reject)
      })
    const base = `ws://127.0.0.1:${server.port}`
    expect(await status(`${base}/ws`)).toBe(403)
    expect(await status(`${base}/ws?token=${'0'.repeat(64)}`)).toBe(403)
    expect(await status(`${base}/ws?token=${server.token}`, { origin: 'http://evil.com' })).toBe(
      403,
    )
    expect(
      await status(`${base}/ws?token=${server.token}`, {
        headers: { Host: `evil.com:${server.port}` },
      }),
    ).toBe(403)
    expect(await status(`${base}/other?token=${server.token}`)).toBe(404)
    expect(
      await status(`${base}/ws`, { headers: { Authorization: `Bearer ${server.token}` } }),
    ).toBe(101)
  })

  it('stops pushing events once closed', async () => {
    expect(node.listenerCount('event')).toBe(1)
    await server.close()
    expect(node.listenerCount('event')).toBe(0)
  })
})

describe('local server with a UI folder', () => {
  it('serves its files, falls back to index.html for app routes, and stays inside it', async () => {
    const dir = await tempDir('exodus-ui-')
    const ui = path.join(dir, 'ui')
    fs.mkdirSync(path.join(ui, 'assets'), { recursive: true })
    fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>UI</title>')
    fs.writeFileSync(path.join(ui, 'assets', 'app.js'), 'console.log(1)')
    fs.writeFileSync(path.join(ui, 'assets', 'my font.woff2'), 'font')
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret')
    const server = await startServer({ node: new FakeNode(), staticDir: ui })
    const get = (p: string) =>
      request(server.port, {
        path: p,
        headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}` },
      })
    try {
      expect((await get('/')).body).toContain('<title>UI</title>')
      const js = await get('/assets/app.js')
      expect(js.headers['content-type']).toMatch(/javascript/)
      expect((await get('/network/abc')).body).toContain('<title>UI</title>')
      expect((await get('/assets/missing.js')).status).toBe(404)
      const font = await get('/assets/my%20font.woff2')
      expect([font.status, font.headers['content-type'], font.body]).toEqual([
        200,
        'font/woff2',
        'font',
      ])
      for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
        const res = await get(p)
        expect(res.body).not.toContain('secret')
      }
    } finally {
      await server.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('says clearly when the chosen port is taken', async () => {
    const first = await startServer({ node: new FakeNode() })
    try {
      await expect(startServer({ node: new FakeNode(), port: first.port })).rejects.toThrow(
        `Port ${first.port} on 127.0.0.1 is already in use`,
      )
    } finally {
      await first.close()
    }
  })
})
