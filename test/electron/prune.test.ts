/**
 * Pruning foreign prebuilds from a packed app (electron-builder's afterPack hook): which
 * folders serve the target, and what the hook removes from a packed tree.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  BUILDER_ARCHS,
  findPrebuildFolders,
  foreignPrebuilds,
  nodePlatform,
  prebuildArchs,
  prunePrebuilds,
  servesTarget,
} from '../../electron/prebuilds.ts'

/** What sodium-native, udx-native and the bare-* modules ship today. */
const SHIPPED = [
  'android-arm',
  'android-arm64',
  'android-ia32',
  'android-x64',
  'darwin-arm64',
  'darwin-x64',
  'ios-arm64',
  'ios-arm64-simulator',
  'ios-x64-simulator',
  'linux-arm64',
  'linux-x64',
  'win32-arm64',
  'win32-x64',
]

describe('prebuild selection', () => {
  it("maps electron-builder's targets to prebuild names", () => {
    expect(BUILDER_ARCHS[1]).toBe('x64')
    expect(BUILDER_ARCHS[3]).toBe('arm64')
    expect(prebuildArchs('x64')).toEqual(['x64'])
    expect(prebuildArchs('armv7l')).toEqual(['arm'])
    expect(prebuildArchs('universal')).toEqual(['x64', 'arm64'])
    expect(nodePlatform('mas')).toBe('darwin')
    expect(nodePlatform('win32')).toBe('win32')
  })

  it('keeps exactly the folder of the target', () => {
    const keep = (platform: string, archs: string[]) =>
      SHIPPED.filter((name) => !foreignPrebuilds(SHIPPED, platform, archs).includes(name))
    expect(keep('linux', ['x64'])).toEqual(['linux-x64'])
    expect(keep('linux', ['arm64'])).toEqual(['linux-arm64'])
    expect(keep('win32', ['x64'])).toEqual(['win32-x64'])
    expect(keep('darwin', ['arm64'])).toEqual(['darwin-arm64'])
    expect(keep('darwin', prebuildArchs('universal'))).toEqual(['darwin-arm64', 'darwin-x64'])
    // No prebuild for the target: nothing of the others is any use either.
    expect(keep('linux', ['ia32'])).toEqual([])
  })

  it('reads multi-arch and tagged folder names', () => {
    expect(servesTarget('darwin-x64+arm64', 'darwin', ['arm64'])).toBe(true)
    expect(servesTarget('darwin-x64+arm64', 'linux', ['x64'])).toBe(false)
    expect(servesTarget('linux-x64-musl', 'linux', ['x64'])).toBe(true)
    expect(servesTarget('ios-arm64-simulator', 'darwin', ['arm64'])).toBe(false)
    expect(servesTarget('linux', 'linux', ['x64'])).toBe(false)
    expect(servesTarget('linux-x640', 'linux', ['x64'])).toBe(false)
  })
})

describe('pruning a packed app', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })

  function packedApp(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'exodus-pack-'))
    dirs.push(root)
    const unpacked = path.join(root, 'resources', 'app.asar.unpacked', 'node_modules')
    for (const pkg of [
      'sodium-native',
      'udx-native',
      '@scope/addon',
      'a/node_modules/rocksdb-native',
    ]) {
      for (const name of SHIPPED) {
        const dir = path.join(unpacked, pkg, 'prebuilds', name)
        fs.mkdirSync(dir, { recursive: true })
        fs.writeFileSync(path.join(dir, 'addon.node'), 'binary')
      }
    }
    // A folder named prebuilds outside node_modules is not a package's: left alone.
    fs.mkdirSync(path.join(root, 'resources', 'prebuilds', 'win32-x64'), { recursive: true })
    return root
  }

  it('leaves only the target prebuilds in every package, nested and scoped too', () => {
    const root = packedApp()
    expect(findPrebuildFolders(root)).toHaveLength(4)
    const removed = prunePrebuilds(root, 'linux', ['x64'])
    expect(removed).toHaveLength(4 * (SHIPPED.length - 1))
    for (const folder of findPrebuildFolders(root)) {
      expect(fs.readdirSync(folder)).toEqual(['linux-x64'])
      expect(fs.existsSync(path.join(folder, 'linux-x64', 'addon.node'))).toBe(true)
    }
    expect(fs.existsSync(path.join(root, 'resources', 'prebuilds', 'win32-x64'))).toBe(true)
    expect(prunePrebuilds(root, 'linux', ['x64'])).toEqual([])
  })
})
