// electron-builder's afterPack hook (electron-builder.yml): removes the native modules'
// prebuilds for other platforms and architectures from the packed app, before the installer
// is made. The selection is electron/prebuilds.ts, run through tsx like bin/exodus.js.
import { register } from 'tsx/esm/api'

register()
const { BUILDER_ARCHS, nodePlatform, prebuildArchs, prunePrebuilds } =
  await import('../electron/prebuilds.ts')

/** @param {{ appOutDir: string, electronPlatformName: string, arch: number }} context */
export async function afterPack(context) {
  const arch = BUILDER_ARCHS[context.arch]
  if (!arch) throw new Error(`prune-prebuilds: unknown architecture ${context.arch}`)
  const platform = nodePlatform(context.electronPlatformName)
  const archs = prebuildArchs(arch)
  const removed = prunePrebuilds(context.appOutDir, platform, archs)
  console.log(
    `  • pruned ${removed.length} prebuild folders not for ${platform}-${archs.join('+')}`,
  )
}

export default afterPack
