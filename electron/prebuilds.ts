/**
 * Which compiled addons a packaged app keeps. Holepunch's native modules (sodium-native,
 * udx-native, rocksdb-native, …) ship prebuilds for every platform in
 * `prebuilds/<platform>-<arch>[+<arch>][-<tag>]/`; an installer needs only its own, and the
 * rest would multiply its size. electron-builder's afterPack hook (scripts/prune-prebuilds.js)
 * removes the others from the packed app.
 */
import fs from 'node:fs'
import path from 'node:path'

/** electron-builder's Arch enum, in its numeric order. */
export const BUILDER_ARCHS = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'] as const
export type BuilderArch = (typeof BUILDER_ARCHS)[number]

/** The Node platform a build runs on: Mac App Store builds are macOS ones. */
export function nodePlatform(electronPlatformName: string): string {
  return electronPlatformName === 'mas' ? 'darwin' : electronPlatformName
}

/** The architectures, as prebuild folders name them, that a build for `arch` runs on. */
export function prebuildArchs(arch: BuilderArch): string[] {
  switch (arch) {
    case 'armv7l':
      return ['arm']
    case 'universal':
      return ['x64', 'arm64']
    default:
      return [arch]
  }
}

/**
 * Whether a prebuilds/ folder named `name` serves `platform` on one of `archs`:
 * `linux-x64` and `darwin-x64+arm64` do for linux/x64 and darwin/arm64; `ios-arm64-simulator`
 * and `android-arm64` never serve a desktop.
 */
export function servesTarget(name: string, platform: string, archs: readonly string[]): boolean {
  const [namePlatform, nameArchs] = name.split('-')
  if (namePlatform !== platform || !nameArchs) return false
  return nameArchs.split('+').some((arch) => archs.includes(arch))
}

/** The prebuild folders among `names` that a build for `platform`/`archs` does not need. */
export function foreignPrebuilds(
  names: readonly string[],
  platform: string,
  archs: readonly string[],
): string[] {
  return names.filter((name) => !servesTarget(name, platform, archs))
}

/** Every `prebuilds` folder of a package (in some node_modules) under `root`. */
export function findPrebuildFolders(root: string): string[] {
  const found: string[] = []
  const visit = (dir: string, inNodeModules: boolean) => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue
      const full = path.join(dir, entry.name)
      if (entry.name === 'prebuilds' && inNodeModules) found.push(full)
      else visit(full, inNodeModules || entry.name === 'node_modules')
    }
  }
  visit(root, false)
  return found.sort()
}

/** Removes the foreign prebuilds under `root` (a packed app); returns what it removed. */
export function prunePrebuilds(root: string, platform: string, archs: readonly string[]): string[] {
  const removed: string[] = []
  for (const folder of findPrebuildFolders(root)) {
    const names = fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
    for (const name of foreignPrebuilds(names, platform, archs)) {
      const target = path.join(folder, name)
      fs.rmSync(target, { recursive: true, force: true })
      removed.push(target)
    }
  }
  return removed
}
