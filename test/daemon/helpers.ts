/** Temporary folders and a raw HTTP client that can send any Host or Origin header. */
import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'

export async function tempDir(prefix = 'exodus-daemon-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix))
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
