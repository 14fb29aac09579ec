#!/usr/bin/env node
// `npm start`: opens the desktop app where Electron can run; otherwise says why and runs the
// headless node, which serves the same UI at a printed 127.0.0.1 URL.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

function electronUnavailable() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display is available'
  }
  try {
    require.resolve('electron')
  } catch {
    return 'Electron is not installed'
  }
  return 'the desktop shell is not part of this build yet'
}

const reason = electronUnavailable()
console.log(`Cannot open the desktop window (${reason}): starting the headless node instead.`)
process.argv = [process.argv[0], process.argv[1], 'daemon', ...process.argv.slice(2)]
await import('../bin/exodus.js')
