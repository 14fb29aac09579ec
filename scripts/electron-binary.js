#!/usr/bin/env node
// Electron's binary, fetched by the project instead of by the `electron` package's own
// install script (package.json allowScripts keeps npm from running that one): its script
// fails the whole `npm install` where the download cannot be reached. This one never fails
// the install. It fetches the binary where it can and otherwise says, in one line, that the
// desktop window is unavailable and how to fetch it later; `npm start` then runs the
// headless node. `npm run electron:fetch` runs it again and fails when the download does.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const FETCH = 'npm run electron:fetch'
const strict = process.argv.includes('--strict')

/** The directory of the installed electron package, or undefined. */
function electronPackage() {
  try {
    return path.dirname(require.resolve('electron/package.json'))
  } catch {
    return undefined
  }
}

/** True when the electron package's binary is there (its main export is the binary's path). */
function hasElectronBinary() {
  try {
    const binary = require('electron')
    return typeof binary === 'string' && fs.existsSync(binary)
  } catch {
    return false
  }
}

function unavailable(why) {
  const line = `Exodus Circles: the desktop window is unavailable (${why}); npm start runs the headless node in your browser. To get the window later, run: ${FETCH}`
  if (strict) {
    console.error(line)
    process.exit(1)
  }
  console.log(line)
}

const dir = electronPackage()
if (!dir) unavailable('the electron package is not installed')
else if (!hasElectronBinary()) {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && !strict) {
    unavailable('ELECTRON_SKIP_BINARY_DOWNLOAD is set')
  } else {
    const env = { ...process.env }
    delete env.ELECTRON_SKIP_BINARY_DOWNLOAD
    const run = spawnSync(process.execPath, [path.join(dir, 'install.js')], {
      env,
      encoding: 'utf8',
      // A download that hangs must not hold the install forever.
      timeout: 10 * 60_000,
    })
    if (run.status !== 0 || !hasElectronBinary()) {
      const reason =
        run.error?.message ??
        `${run.stderr ?? ''}`
          .split('\n')
          .find((l) => l.trim())
          ?.trim() ??
        'unknown error'
      unavailable(`Electron's binary could not be downloaded: ${reason}`)
    }
  }
}
