/**
 * The core process: Electron's main process forks this file as a utilityProcess and sends it
 * one message holding the start options and a MessagePort; everything after travels on that
 * port (core-channel.ts). The node runs here, away from the window, so a busy sync never
 * freezes the UI and a renderer compromise never reaches the keys.
 *
 * Run with plain Node and an IPC channel (child_process.fork), the same file serves over that
 * channel instead: that is how the bundled core is tested where Electron cannot run.
 */
import type { MessagePortMain, ParentPort } from 'electron'
import type { CreateNode } from '../core/daemon/daemon.ts'
import type { Channel, FromCore } from './core-channel.ts'
import { serveCore, type CoreService } from './core-service.ts'

const createNode: CreateNode = async (options) => {
  const { createNode: create } = await import('../core/node/node.ts')
  return create(options)
}

function portChannel(port: MessagePortMain): Channel<FromCore> {
  return {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => {
      port.on('message', (event) => listener(event.data))
      port.start()
    },
  }
}

function ipcChannel(): Channel<FromCore> {
  return {
    send: (message) => process.send?.(message),
    onMessage: (listener) => process.on('message', listener),
  }
}

function run(init: unknown, channel: Channel<FromCore>, onGone: (close: () => void) => void) {
  const service: CoreService = serveCore(init, channel, { createNode, echo: true })
  onGone(() => void service.close('the main process went away'))
  // SIGTERM starts an ordered close; during one (the main process gave up waiting for it, or
  // a second signal) it ends the process now.
  process.on('SIGTERM', () => {
    if (service.closing) process.exit(1)
    void service.close('SIGTERM')
  })
  // A stopped node may leave timers of the network stack behind: exit rather than wait.
  void service.closed.then(() => setTimeout(() => process.exit(0), 50))
}

// Ctrl-C in the terminal of `npm start` reaches this process too; the main process asks for
// an ordered close when it quits, so the signal itself must not kill the node mid-write.
process.on('SIGINT', () => {})

const parentPort = (process as { parentPort?: ParentPort }).parentPort
if (parentPort) {
  parentPort.once('message', (event) => {
    const port = event.ports[0]
    if (!port) {
      process.stderr.write('exodus core: the main process sent no port\n')
      process.exit(2)
    }
    run(event.data, portChannel(port), (close) => port.on('close', close))
  })
} else if (process.send) {
  process.once('message', (init) =>
    run(init, ipcChannel(), (close) => process.on('disconnect', close)),
  )
} else {
  process.stderr.write(
    'exodus core: this is the desktop app core process; start the app with `npm start`\n',
  )
  process.exit(2)
}
