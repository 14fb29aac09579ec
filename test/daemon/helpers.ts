/**
 * Temporary folders, the CLI run in this process, and a raw HTTP client that can send any
 * Host or Origin header.
 */
import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { main, type CliDeps } from '../../core/cli/main.ts'

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
