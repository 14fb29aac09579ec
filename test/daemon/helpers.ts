/**
 * Temporary folders, the CLI run in this process, a daemon running the real node, and a raw
 * HTTP client that can send any Host or Origin header.
 */
import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { main, type CliDeps } from '../../core/cli/main.ts'
import { startDaemon } from '../../core/daemon/daemon.ts'
import { createNode, type NodeOptions } from '../../core/node/node.ts'
import { afterTest, bootstrapOf, tempFolder, type Testnet } from '../support/nodes.ts'

export async function tempDir(prefix = 'exodus-daemon-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix))
}

export interface CliRun {
  code: number
  out: string
  err: string
}

/** Runs `exodus ARGV` in this process and collects what it printed. */
export async function runCli(argv: string[], deps: CliDeps = {}): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    ...deps,
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

export interface RawResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

export function request(
  port: number,
  options: {
    method?: string
    path?: string
    headers?: Record<string, string | number>
    body?: string | Buffer
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/**
 * A daemon in this process running the real node on a new folder named after `name`, on
 * testnet `t` (short pairing timeout; `node` adds options such as a clock). Stopped after the
 * test; returns its data folder.
 */
export async function realDaemon(
  t: Testnet,
  name: string,
  node: Partial<NodeOptions> = {},
): Promise<string> {
  const dir = await tempFolder(`cli-${name}`)
  const daemon = await startDaemon({
    dataDir: dir,
    bootstrap: bootstrapOf(t),
    handleSignals: false,
    print: () => {},
    createNode: (o) => createNode({ ...o, pairingTimeoutMs: 5_000, ...node }),
  })
  afterTest(() => daemon.stop())
  return dir
}
