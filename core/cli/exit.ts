/**
 * Ends the `exodus` process once what it printed is out. stdout and stderr into a pipe take
 * writes asynchronously: process.exit() right after a large write kept only the first 64 KiB
 * (`exodus export --json | jq` got a cut file). An empty write's callback comes once
 * everything written before it is out.
 */
export async function exitOnceWritten(code: number): Promise<never> {
  await Promise.all(
    [process.stdout, process.stderr].map((s) => new Promise<void>((r) => s.write('', () => r()))),
  )
  // A stopped daemon may leave timers of the network stack behind: exit rather than wait.
  process.exit(code)
}
