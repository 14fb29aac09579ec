/**
 * The `exodus` process: wires the real node into the CLI and turns main's result into the
 * exit code. The node (and the Holepunch stack under it) loads only for `exodus daemon`.
 */
import type { CreateNode } from '../daemon/daemon.ts'
import { main } from './main.ts'

const createNode: CreateNode = async (options) => {
  const { createNode: create } = await import('../node/node.ts')
  return create(options)
}

const code = await main(process.argv.slice(2), { createNode })
// A pipe takes what was printed asynchronously: exiting at once cut `exodus export | ...` at
// 64 KiB. An empty write's callback comes once everything before it is out.
await Promise.all(
  [process.stdout, process.stderr].map((s) => new Promise<void>((r) => s.write('', () => r()))),
)
// A stopped daemon may leave timers of the network stack behind: exit rather than wait.
process.exit(code)
