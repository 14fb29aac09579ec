/**
 * The API over HTTP: POST /api/<command> with a JSON body of parameters, answered with the
 * contract's Reply; and the plain answers the rest of the server shares.
 */
import type http from 'node:http'
import { dispatch, type NodeApi, type Reply } from '../api/contract.ts'
import { fail, statusOf } from '../errors.ts'
import type { Log } from './log.ts'

/** A refusal with its HTTP status, thrown while a request is read. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** HTTP status of a reply, from the error catalogue; the body always carries the Reply. */
function replyStatus(reply: Reply): number {
  return reply.ok ? 200 : statusOf(reply.error.code)
}

export function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(text.endsWith('\n') ? text : text + '\n')
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

function readBody(req: http.IncomingMessage, maxBody: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () =>
      new HttpError(413, `The request body is larger than the limit of ${maxBody} bytes.`)
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > maxBody) return reject(tooLarge())
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBody) {
        req.off('data', onData)
        reject(tooLarge())
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export interface ApiRoute {
  node: NodeApi
  log: Log
  maxBody: number
}

/** Answers one call of `name`, already past the gate. */
export async function serveApi(
  { node, log, maxBody }: ApiRoute,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  name: string,
): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST')
    return sendText(res, 405, `Use POST for /api/${name}, with a JSON body of parameters.`)
  }
  const type = req.headers['content-type'] ?? ''
  if (!/^application\/json\b/i.test(type)) {
    return sendText(res, 415, 'Send the parameters as JSON, with Content-Type: application/json.')
  }
  const body = await readBody(req, maxBody)
  let params: unknown = {}
  if (body.length > 0) {
    try {
      params = JSON.parse(body.toString('utf8'))
    } catch {
      const reply: Reply = {
        ok: false,
        error: fail('bad-request', {}, 'json').toValue(),
      }
      return sendJson(res, 400, reply)
    }
  }
  const reply = await dispatch(node, name, params)
  if (!reply.ok) log.debug('api call refused', { command: name, code: reply.error.code })
  sendJson(res, replyStatus(reply), reply)
}
