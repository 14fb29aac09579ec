/**
 * The preload bridge: the page gets `window.exodus`, the typed API of renderer/src/api.ts
 * (call a command, listen to node events, say its language) and nothing else; no ipcRenderer, no Node. It runs
 * sandboxed and context-isolated, bundled to CommonJS (scripts/build-electron.js), so it may
 * import only 'electron' and types.
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { NodeEvent, Reply } from '../core/api/contract.ts'
import type { Bridge } from '../renderer/src/api.ts'
import { CALL_CHANNEL, EVENT_CHANNEL, LANGUAGE_CHANNEL, NAVIGATE_CHANNEL } from './ipc-channels.ts'

const listeners = new Set<(event: NodeEvent) => void>()

ipcRenderer.on(EVENT_CHANNEL, (_event, nodeEvent: NodeEvent) => {
  for (const listener of listeners) {
    try {
      listener(nodeEvent)
    } catch (err) {
      console.error('exodus: an event listener failed', err)
    }
  }
})

// The main process opens a screen (an exodus:// invite, a clicked desktop notification) by
// changing the route, which the page's HashRouter follows.
ipcRenderer.on(NAVIGATE_CHANNEL, (_event, route: unknown) => {
  if (typeof route === 'string' && route.startsWith('/')) window.location.hash = route
})

const bridge: Bridge = {
  call(command: string, params: unknown): Promise<Reply> {
    return ipcRenderer.invoke(CALL_CHANNEL, command, params) as Promise<Reply>
  },
  setLanguage(language: string): void {
    ipcRenderer.send(LANGUAGE_CHANNEL, language)
  },
  onEvent(listener: (event: NodeEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function')
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
    }
  },
}

contextBridge.exposeInMainWorld('exodus', bridge)
