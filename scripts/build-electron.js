#!/usr/bin/env node
// Bundles the desktop shell into out/electron/ (or --outdir DIR) as CommonJS, which Electron
// loads without a TypeScript runtime:
//   main.cjs     the main process (package.json "main")
//   core.cjs     the core process (utilityProcess) with the node and its pure-JS dependencies
//   preload.cjs  the sandboxed preload (a sandbox allows CommonJS and 'electron' only)
//   assets/      tray and window icons
// Packages with compiled addons stay external: they find their prebuilds/ relative to their
// own folder in node_modules, which electron-builder unpacks from the asar archive.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { build } from 'esbuild'

const root = path.resolve(import.meta.dirname, '..')
/** Addon loaders resolve paths at run time: bundling them would break that. */
const ADDON_LOADERS = ['require-addon', 'node-gyp-build', 'load-addon']

/** Every package of node_modules (also nested and scoped) that ships a compiled addon. */
export function nativePackages(nodeModules) {
  const found = new Set()
  const visit = (dir) => {
    let entries
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue
      if (entry.name.startsWith('@')) {
        for (const scoped of fs.readdirSync(path.join(dir, entry.name), { withFileTypes: true }))
          if (scoped.isDirectory())
            check(path.join(dir, entry.name, scoped.name), `${entry.name}/${scoped.name}`)
      } else check(path.join(dir, entry.name), entry.name)
    }
  }
  const check = (pkgDir, name) => {
    if (
      fs.existsSync(path.join(pkgDir, 'prebuilds')) ||
      fs.existsSync(path.join(pkgDir, 'binding.gyp'))
    )
      found.add(name)
    visit(path.join(pkgDir, 'node_modules'))
  }
  visit(nodeModules)
  return [...found].sort()
}

export async function buildElectron(outdir) {
  const external = [
    'electron',
    ...ADDON_LOADERS,
    ...nativePackages(path.join(root, 'node_modules')),
  ]
  const common = {
    absWorkingDir: root,
    bundle: true,
    format: 'cjs',
    outdir,
    outExtension: { '.js': '.cjs' },
    logLevel: 'warning',
    legalComments: 'none',
    // Readable stack traces in the log matter more than a few kilobytes.
    minify: false,
    keepNames: true,
  }
  await build({
    ...common,
    entryPoints: { main: 'electron/main.ts', core: 'electron/core.ts' },
    platform: 'node',
    target: 'node22',
    external,
  })
  await build({
    ...common,
    entryPoints: { preload: 'electron/preload.ts' },
    // A sandboxed preload has no Node: anything that needs it must fail the build, not the app.
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
  })
  fs.cpSync(path.join(root, 'electron', 'assets'), path.join(outdir, 'assets'), { recursive: true })
  return { outdir, external }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename
if (isMain) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' } } })
  const outdir = path.resolve(root, values.outdir ?? 'out/electron')
  const started = Date.now()
  const { external } = await buildElectron(outdir)
  const sizes = ['main.cjs', 'core.cjs', 'preload.cjs']
    .map((f) => `${f} ${Math.round(fs.statSync(path.join(outdir, f)).size / 1024)} KB`)
    .join(', ')
  console.log(
    `Built the desktop shell in ${Date.now() - started} ms: ${path.relative(root, outdir) || '.'}/ (${sizes})`,
  )
  console.log(`Left to node_modules: ${external.join(', ')}`)
}
