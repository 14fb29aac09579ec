#!/usr/bin/env node
// The `exodus` command: runs the built JavaScript in out/cli/ (made by `npm install`, see
// scripts/build-cli.js). In a checkout where it was not built, runs the TypeScript sources
// through tsx (a development dependency) instead.
import { existsSync } from 'node:fs'

const built = new URL('../out/cli/exodus.mjs', import.meta.url)
if (existsSync(built)) {
  await import(built.href)
} else {
  let register
  try {
    ;({ register } = await import('tsx/esm/api'))
  } catch {
    console.error('exodus: the command is not built. Run: npm run build:cli')
    process.exit(1)
  }
  register()
  await import('../core/cli/run.ts')
}
