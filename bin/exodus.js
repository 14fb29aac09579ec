#!/usr/bin/env node
// The `exodus` command: runs the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api'

register()
await import('../core/cli/run.ts')
