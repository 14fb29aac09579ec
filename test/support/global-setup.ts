/**
 * Tests that spawn `bin/exodus.js` must run the code under test, not an older build in
 * out/cli/: build it once before any test file runs (~0.1 s).
 */
// @ts-expect-error: a plain JavaScript build script without declarations
import { buildCli } from '../../scripts/build-cli.js'

export default async function setup(): Promise<void> {
  await buildCli()
}
