/**
 * exodus exits only once what it printed is out: into a pipe, process.exit() right after a
 * large write kept the first 64 KiB of it.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const EXIT = pathToFileURL(path.resolve(import.meta.dirname, '../../core/cli/exit.ts')).href
const SIZE = 16 * 1024 * 1024

describe('exitOnceWritten', () => {
  it('lets a 16 MiB output through a pipe whole', async () => {
    const script =
      `const { exitOnceWritten } = await import(${JSON.stringify(EXIT)});` +
      `process.stdout.write('x'.repeat(${SIZE})); await exitOnceWritten(3)`
    const child = run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      maxBuffer: 2 * SIZE,
    })
    const err = await child.then(
      () => null,
      (e: Error & { code?: number; stdout?: string }) => e,
    )
    expect(err?.code).toBe(3)
    expect(err?.stdout?.length).toBe(SIZE)
  })
})
