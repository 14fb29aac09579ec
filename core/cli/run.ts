/**
 * The `exodus` process: wires the real node into the CLI and turns main's result into the
 * exit code. The node (and the Holepunch stack under it) loads only for `exodus daemon`.
 */
import type { CreateNode } from '../daemon/daemon.ts'
import { exitOnceWritten } from './exit.ts'
import { main } from './main.ts'

const createNode: CreateNode = async (options) => {
  const { createNode: create } = await import('../node/node.ts')
  return create(options)
}

await exitOnceWritten(await main(process.argv.slice(2), { createNode }))
