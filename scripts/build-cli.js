#!/usr/bin/env node
// Builds the `exodus` command (the CLI and the headless node) into out/cli/ as plain
// JavaScript, so a command starts without compiling TypeScript (tsx took ~0.8 s of CPU per
// start). npm runs it on install (`prepare`), before `npm start`, `npm run serve` and
// `npm test`; bin/exodus.js falls back to the sources through tsx where it is missing.
// Packages stay in node_modules; the node and the local server are split into chunks that
// load only for `exodus daemon`.
import fs from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'

const root = path.resolve(import.meta.dirname, '..')
export const CLI_OUT = path.join(root, 'out', 'cli')

export async function buildCli(outdir = CLI_OUT) {
  // Chunk names carry a hash: clear the folder so old chunks do not pile up.
  fs.rmSync(outdir, { recursive: true, force: true })
  await build({
    absWorkingDir: root,
    entryPoints: { exodus: 'core/cli/run.ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
    legalComments: 'none',
    keepNames: true,
  })
  return outdir
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename
if (isMain) {
  const started = Date.now()
  await buildCli()
  console.log(`Built the exodus command in ${Date.now() - started} ms: out/cli/`)
}
