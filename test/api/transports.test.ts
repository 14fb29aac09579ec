/**
 * The same API behaviours through every way calls reach the node (test/support/api-suite.ts):
 * in-process through the contract's dispatch, the Electron main process's IPC guard, HTTP and
 * the WebSocket of the local server, and the CLI's client. Each runs in front of a real node
 * on a local testnet.
 */
import WebSocket from 'ws'
import { dispatch, type Command, type Reply } from '../../core/api/contract.ts'
import { CliError, connect } from '../../core/cli/client.ts'
import { writeDaemonInfo } from '../../core/daemon/info.ts'
import { startServer, type LocalServer, type WsMessage } from '../../core/daemon/server.ts'
import type { ExodusNode } from '../../core/node/node.ts'
import { APP_URL } from '../../electron/app-protocol.ts'
import { guardCall, type CallSender } from '../../electron/ipc-guard.ts'
import { runApiTransportTests, type Call } from '../support/api-suite.ts'
import { afterTest, tempFolder } from '../support/nodes.ts'

async function serve(node: ExodusNode): Promise<LocalServer> {
  const server = await startServer({ node })
  afterTest(() => server.close())
  return server
}

/** What a refused request (403, text) tells a caller; any other answer is the Reply it carries. */
function forbidden(message: string): Reply {
  return { ok: false, error: { code: 'forbidden', message: message.trim() } }
}

runApiTransportTests('the node (the contract’s dispatch)', async ({ node }) => ({
  call: (command, params) => dispatch(node, command, params ?? {}),
}))

const APP = APP_URL

runApiTransportTests(
  'the Electron IPC guard',
  async ({ node }) => {
    // As the main process does: the guard, then the core's dispatch.
    const from =
      (sender: CallSender): Call =>
      async (command, params) => {
        const guarded = guardCall(sender, APP, command, params)
        return guarded.ok ? dispatch(node, guarded.command, guarded.params) : guarded.reply
      }
    return {
      call: from({ url: `${APP}#/home`, appMainFrame: true }),
      stranger: {
        call: from({ url: 'https://example.org/', appMainFrame: true }),
        code: 'forbidden-sender',
      },
    }
  },
  { guarded: true },
)

runApiTransportTests(
  'HTTP',
  async ({ node }) => {
    const server = await serve(node)
    const post =
      (headers: Record<string, string>): Call =>
      async (command, params) => {
        const res = await fetch(`http://127.0.0.1:${server.port}/api/${command}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(params ?? {}),
        })
        const text = await res.text()
        return res.status === 403 ? forbidden(text) : (JSON.parse(text) as Reply)
      }
    return {
      call: post({ authorization: `Bearer ${server.token}` }),
      stranger: { call: post({}), code: 'forbidden' },
    }
  },
  { guarded: true },
)

/** A WebSocket to `server` (with `headers`), or the answer that refused it. */
function openSocket(server: LocalServer, headers: Record<string, string>) {
  return new Promise<WebSocket | Reply>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers })
    ws.once('open', () => {
      afterTest(async () => ws.terminate())
      resolve(ws)
    })
    ws.once('unexpected-response', (_req, res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d.toString()))
      res.on('end', () => resolve(res.statusCode === 403 ? forbidden(text) : forbidden('?')))
    })
    ws.once('error', reject)
  })
}

/** Calls over a socket: numbered, each answered by the reply with its id. */
function socketCalls(ws: WebSocket): Call {
  let next = 0
  const waiting = new Map<number, (reply: Reply) => void>()
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as WsMessage
    if ('reply' in message && typeof message.id === 'number')
      waiting.get(message.id)?.(message.reply)
  })
  return (command, params) =>
    new Promise((resolve) => {
      const id = next++
      waiting.set(id, resolve)
      ws.send(JSON.stringify({ id, command, params }))
    })
}

runApiTransportTests(
  'the WebSocket',
  async ({ node }) => {
    const server = await serve(node)
    const socket = await openSocket(server, { authorization: `Bearer ${server.token}` })
    if (!(socket instanceof WebSocket)) throw new Error(`refused: ${JSON.stringify(socket)}`)
    return {
      call: socketCalls(socket),
      // A stranger's socket is refused at the upgrade, before any call.
      stranger: {
        call: async (command, params) => {
          const refused = await openSocket(server, {})
          return refused instanceof WebSocket ? socketCalls(refused)(command, params) : refused
        },
        code: 'forbidden',
      },
    }
  },
  { guarded: true },
)

runApiTransportTests(
  'the CLI’s client',
  async ({ node }) => {
    const server = await serve(node)
    // The folder of a running node, as `exodus daemon` leaves it for the CLI.
    const folder = async (token: string) => {
      const dir = await tempFolder('cli')
      writeDaemonInfo(dir, {
        pid: process.pid,
        port: server.port,
        token,
        url: server.url,
        dataDir: dir,
        startedAt: Date.now(),
        clockOffsetMs: 0,
      })
      const client = connect(dir)
      return (async (command, params) => {
        try {
          return { ok: true, result: await client.call(command as Command, params as never) }
        } catch (err) {
          if (!(err instanceof CliError)) throw err
          return { ok: false, error: { code: err.code, message: err.message } }
        }
      }) satisfies Call
    }
    return {
      call: await folder(server.token),
      stranger: { call: await folder('f'.repeat(64)), code: 'forbidden' },
    }
  },
  { guarded: true, codeAndMessageOnly: true },
)
