/**
 * The CLI's side of the local API: finds a data folder's running node through
 * DATA/daemon.json and calls POST /api/<command> on it with the token.
 */
import http from 'node:http'
import type { Command, Params, Reply, Results } from '../api/contract.ts'
import type { Refusal } from '../errors.ts'
import { readDaemonInfo, type DaemonInfo } from '../daemon/info.ts'

/** An error to show the user as is: `code` is the contract's (or the CLI's own) code. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Why the ledger refused, for `rejected`. */
    readonly reason?: Refusal,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}

export function noDaemon(dataDir: string): CliError {
  return new CliError(
    'no-daemon',
    `No Exodus node is running for ${dataDir}. Start one with: exodus daemon --data ${shellQuote(dataDir)}`,
  )
}

function post(info: DaemonInfo, command: string, params: unknown) {
  const body = JSON.stringify(params)
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: info.port,
        method: 'POST',
        path: `/api/${encodeURIComponent(command)}`,
        headers: {
          Authorization: `Bearer ${info.token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

export interface DaemonClient {
  readonly dataDir: string
  call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]>
}

export function connect(dataDir: string): DaemonClient {
  return {
    dataDir,
    async call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]> {
      const info = readDaemonInfo(dataDir)
      if (!info) throw noDaemon(dataDir)
      let response: { status: number; text: string }
      try {
        response = await post(info, command, params)
      } catch {
        // Connection refused or reset: daemon.json is left over from a node that is gone.
        throw noDaemon(dataDir)
      }
      let reply: Reply
      try {
        reply = JSON.parse(response.text) as Reply
      } catch {
        if (response.status === 403) {
          throw new CliError(
            'forbidden',
            `The node on port ${info.port} refused the token in ${dataDir}/daemon.json ` +
              `(${response.text.trim()}). Is another program using that port? Restart the node ` +
              `with: exodus daemon --data ${shellQuote(dataDir)}`,
          )
        }
        throw new CliError(
          'bad-reply',
          `The node answered HTTP ${response.status}: ${response.text.trim().slice(0, 200)}`,
        )
      }
      if (!reply.ok) throw new CliError(reply.error.code, reply.error.message, reply.error.reason)
      return reply.result as Results[C]
    },
  }
}
