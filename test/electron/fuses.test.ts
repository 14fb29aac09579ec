/**
 * The packaged desktop app flips Electron's fuses (electron-builder.yml, `electronFuses`):
 * the installer cannot be run as plain Node, given NODE_OPTIONS or an inspector, and loads
 * only its own, integrity-checked archive. Packaging needs the Electron binary; this checks
 * the configuration that packaging reads.
 */
import fs from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'

const CONFIG = path.join(import.meta.dirname, '..', '..', 'electron-builder.yml')

/** The `electronFuses:` block of the builder's YAML, as name → value. */
function fuses(): Record<string, string> {
  const text = fs.readFileSync(CONFIG, 'utf8')
  const block = /^electronFuses:\n((?: {2}\w+: \w+\n)+)/m.exec(text)?.[1] ?? ''
  return Object.fromEntries([...block.matchAll(/^ {2}(\w+): (\w+)$/gm)].map((m) => [m[1], m[2]]))
}

it('packages the app with the fuses that keep others out of its process', () => {
  expect(fuses()).toEqual({
    runAsNode: 'false',
    enableCookieEncryption: 'true',
    enableNodeOptionsEnvironmentVariable: 'false',
    enableNodeCliInspectArguments: 'false',
    enableEmbeddedAsarIntegrityValidation: 'true',
    onlyLoadAppFromAsar: 'true',
    grantFileProtocolExtraPrivileges: 'false',
  })
})
