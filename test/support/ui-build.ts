/**
 * The UI built into dist/renderer for the tests that need it (end to end, the app:// scheme),
 * once, when missing or older than its sources.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'

export const ROOT = join(import.meta.dirname, '..', '..')
export const BUILT_UI = join(ROOT, 'dist', 'renderer')
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')
const run = promisify(execFile)

/** What the built UI depends on: when any of it is newer than the build, build again. */
const UI_SOURCES = ['renderer', 'core/ledger', 'core/api', 'vite.config.ts']

function newest(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let max = stat.mtimeMs
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)))
  return max
}

const BUILD_LOCK = join(ROOT, 'dist', '.renderer-build.lock')

function uiIsFresh(): boolean {
  const index = join(BUILT_UI, 'index.html')
  const sources = Math.max(...UI_SOURCES.map((p) => newest(join(ROOT, p))))
  return existsSync(index) && statSync(index).mtimeMs >= sources
}

/**
 * Builds the UI into dist/renderer unless a build newer than its sources is there. Test
 * files run in parallel processes: a lock folder lets one build while the others wait.
 */
export async function ensureBuiltUi(): Promise<void> {
  const until = Date.now() + 120_000
  while (!uiIsFresh()) {
    mkdirSync(dirname(BUILD_LOCK), { recursive: true })
    try {
      mkdirSync(BUILD_LOCK)
    } catch {
      // Someone else is building (or crashed doing so: a lock older than a minute is stale).
      const age = Date.now() - (statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? 0)
      if (age > 60_000) rmSync(BUILD_LOCK, { recursive: true, force: true })
      if (Date.now() > until) throw new Error('timed out waiting for the UI build')
      await new Promise((r) => setTimeout(r, 200))
      continue
    }
    try {
      if (!uiIsFresh()) {
        await run(process.execPath, [VITE, 'build', '--logLevel', 'error'], { cwd: ROOT })
      }
      return
    } finally {
      rmSync(BUILD_LOCK, { recursive: true, force: true })
    }
  }
}
