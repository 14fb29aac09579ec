/**
 * One peer of the bare Autobase baseline for the sync-latency bench, run as its own process
 * (`fork` with tsx) and driven over IPC by bench/sync-latency.ts.
 *
 *   tsx bench/bare-peer.ts writer|reader DIR BOOTSTRAP(host:port,...)
 *
 * A Corestore and a plain Autobase (encrypted like a network, with a trivial apply that
 * appends each op to a view core; no rules, no Hyperbee, no API) on a Hyperswarm over the
 * local testnet. The writer creates the base and appends an op on each `append` message; the
 * reader opens it by key and reports every growth of its view. Times are
 * process.hrtime.bigint() (CLOCK_MONOTONIC, shared by all processes of the machine), sent as
 * decimal strings of nanoseconds.
 *
 * Messages in:  { type: 'open', key?, encryptionKey? } | { type: 'append', i } | { type: 'close' }
 * Messages out: { type: 'opened', key, encryptionKey } | { type: 'connected' }
 *               | { type: 'appended', i, t } | { type: 'seen', length, t } | { type: 'error', message }
 */
import Autobase from 'autobase'
import Corestore from 'corestore'
import crypto from 'hypercore-crypto'
import type Hypercore from 'hypercore'
import HyperDHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'

export type BareIn =
  | { type: 'open'; key?: string; encryptionKey?: string }
  | { type: 'append'; i: number }
  | { type: 'close' }

export type BareOut =
  | { type: 'opened'; key: string; encryptionKey: string }
  | { type: 'connected' }
  | { type: 'appended'; i: number; t: string }
  | { type: 'seen'; length: number; t: string }
  | { type: 'error'; message: string }

const [role, dir, bootstrapArg] = process.argv.slice(2)
if ((role !== 'writer' && role !== 'reader') || !dir || !bootstrapArg) {
  console.error('usage: tsx bench/bare-peer.ts writer|reader DIR HOST:PORT[,HOST:PORT...]')
  process.exit(2)
}
const bootstrap = bootstrapArg.split(',').map((entry) => {
  const at = entry.lastIndexOf(':')
  return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) }
})

const send = (message: BareOut) => process.send?.(message)
const now = () => process.hrtime.bigint().toString()

let store: Corestore | null = null
let base: Autobase<Buffer, Hypercore<Buffer>> | null = null
let swarm: Hyperswarm | null = null
let closing = false

async function open(msg: Extract<BareIn, { type: 'open' }>): Promise<void> {
  store = new Corestore(dir!)
  const encryptionKey = msg.encryptionKey
    ? Buffer.from(msg.encryptionKey, 'hex')
    : crypto.randomBytes(32)
  const b = new Autobase<Buffer, Hypercore<Buffer>>(
    store,
    msg.key ? Buffer.from(msg.key, 'hex') : null,
    {
      valueEncoding: 'binary',
      encryptionKey,
      ackInterval: 1_000, // as the ledger's networks (DEFAULT_ACK_INTERVAL)
      open: (viewStore) => viewStore.get({ name: 'view', valueEncoding: 'binary' }),
      apply: async (nodes, view) => {
        for (const node of nodes) if (node.value !== null) await view.append(node.value)
      },
    },
  )
  base = b
  await b.ready()
  if (role === 'reader') {
    let last = b.view.length
    const report = () => {
      const length = b.view.length
      if (length === last) return
      last = length
      send({ type: 'seen', length, t: now() })
    }
    b.view.on('append', report)
    b.view.on('truncate', report)
    b.on('update', report)
  }
  swarm = new Hyperswarm({ dht: new HyperDHT({ bootstrap, host: '127.0.0.1', firewalled: false }) })
  swarm.on('connection', (conn) => {
    b.replicate(conn)
    conn.on('error', () => {})
    send({ type: 'connected' })
  })
  swarm.join(b.discoveryKey, { server: true, client: true })
  send({
    type: 'opened',
    key: b.key.toString('hex'),
    encryptionKey: (b.encryptionKey ?? encryptionKey).toString('hex'),
  })
}

async function append(i: number): Promise<void> {
  const t = now()
  await base!.append(Buffer.from(JSON.stringify({ type: 'bench', i, at: Date.now() })))
  send({ type: 'appended', i, t })
}

async function close(): Promise<void> {
  if (closing) return
  closing = true
  await swarm?.destroy().catch(() => {})
  await base?.close().catch(() => {})
  await store?.close().catch(() => {})
  process.exit(0)
}

process.on('message', (msg: BareIn) => {
  const run = msg.type === 'open' ? open(msg) : msg.type === 'append' ? append(msg.i) : close()
  run.catch((err: unknown) => send({ type: 'error', message: String(err) }))
})
// The bench went away (crashed or killed): leave too.
process.on('disconnect', () => void close())
