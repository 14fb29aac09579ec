#!/usr/bin/env node
// `npm start`: opens the desktop app where Electron can run (building the shell first; npm's
// prestart builds the UI); otherwise says why and runs the headless node, which serves the
// same UI at a printed 127.0.0.1 URL. Arguments (--data, --bootstrap, …) go to either.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const root = path.resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)

/** The Electron executable, or why there is none to run. */
function findElectron() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display is available' }
  }
  try {
    require.resolve('electron')
  } catch {
    return { reason: 'Electron is not installed' }
  }
  let binary
  try {
    // The electron package exports the path of the binary its install step downloaded.
    binary = require('electron')
  } catch {
    return { reason: 'the Electron binary was not downloaded' }
  }
  if (typeof binary !== 'string' || !fs.existsSync(binary)) {
    return { reason: 'the Electron binary was not downloaded' }
  }
  return { binary }
}

async function headless(reason) {
  console.log(`Cannot open the desktop window (${reason}): starting the headless node instead.`)
  process.argv = [process.argv[0], process.argv[1], 'daemon', ...args]
  await import('../bin/exodus.js')
}

async function desktop(binary) {
  process.chdir(root)
  if (!fs.existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
    const { build } = await import('vite')
    await build({ configFile: path.join(root, 'vite.config.ts') })
  }
  const { buildElectron } = await import('./build-electron.js')
  await buildElectron(path.join(root, 'out', 'electron'))

  const env = { ...process.env }
  delete env.ELECTRON_RUN_AS_NODE
  const child = spawn(binary, [root, ...args], { cwd: root, stdio: 'inherit', env })
  // Ctrl-C reaches Electron too, which then quits in order: wait for it rather than die first.
  const onInterrupt = () => {}
  const onTerminate = () => child.kill('SIGTERM')
  process.on('SIGINT', onInterrupt)
  process.on('SIGTERM', onTerminate)
  child.on('error', (err) => {
    process.off('SIGINT', onInterrupt)
    process.off('SIGTERM', onTerminate)
    void headless(`Electron could not start: ${err.message}`)
  })
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

const electron = findElectron()
if (electron.binary) await desktop(electron.binary)
else await headless(electron.reason)
