/**
 * `npm install` where Electron's binary cannot be downloaded: the project's postinstall
 * (scripts/electron-binary.js) must not fail the install, and must say in one line what is
 * missing and which command fetches it. The download is pointed at a closed local port so it
 * fails at once on any machine.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/electron-binary.js')

function run(args: string[]) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // No binary is there, whatever this machine has installed.
    ELECTRON_OVERRIDE_DIST_PATH: path.join(import.meta.dirname, 'no-electron-here'),
    ELECTRON_MIRROR: 'http://127.0.0.1:9/',
    electron_config_cache: path.join(import.meta.dirname, 'no-electron-cache'),
  }
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD
  return spawnSync(process.execPath, [SCRIPT, ...args], { env, encoding: 'utf8', timeout: 60_000 })
}

describe('the Electron binary at install time', () => {
  it('a failed download leaves the install successful and says so in one line', () => {
    const r = run([])
    expect(r.status).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/desktop window is unavailable \(Electron's binary could not be/)
    expect(lines[0]).toContain('npm start runs the headless node')
    expect(lines[0]).toMatch(/run: npm run electron:fetch$/)
    expect(r.stderr).toBe('')
  })

  it('npm run electron:fetch fails when the download does', () => {
    const r = run(['--strict'])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/could not be downloaded/)
  })
})
