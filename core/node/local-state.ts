/**
 * What one install keeps only for itself, in DATA/node.json: its identity, the networks it
 * belongs to with their keys, the invites it created (their codes hold secrets), and which
 * notifications were read. Written atomically; a file that cannot be read is never
 * overwritten, so nothing is lost silently.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { fail } from '../errors.ts'

const hex32 = z.string().regex(/^[0-9a-f]{64}$/)

const networkEntry = z.object({
  key: hex32,
  encryptionKey: hex32,
  /** Corestore namespace holding this network's cores (the writer core is found through it). */
  namespace: z.string().min(1),
  addedAt: z.number(),
  /** Member the invite we joined with pointed to. */
  landing: z.string().nullable().default(null),
  /** This member left the network: the node stops syncing it once the leave is shared. */
  left: z.boolean().default(false),
  /**
   * Admitted but not a member yet: the name to join with once the network has synced, also
   * after a restart (catching up on a big network can outlast the join call and the app).
   */
  joiningAs: z.string().nullable().default(null),
  /** Highest ledger event already turned into notifications. */
  seenEvent: z.number().int().default(0),
  /**
   * Highest refused op (its `rejected/` number) already looked at for notifications; -1 (a
   * folder from before this was kept): not looked at yet, so what is there is history.
   */
  seenRejected: z.number().int().default(-1),
  /**
   * Calendar notifications (month-end reminder, clearing open) of the current cycle already
   * pushed: the clock brings them, not an update, so the check every tick must not repeat them.
   */
  seenCalendar: z.array(z.string()).default([]),
})

const inviteEntry = z.object({
  network: hex32,
  id: hex32,
  code: z.string(),
  createdAt: z.number(),
})

const localStateSchema = z.object({
  version: z.literal(1),
  identity: z.object({ name: z.string(), publicKey: hex32 }),
  networks: z.array(networkEntry),
  invites: z.array(inviteEntry).default([]),
  /** Joins that have not been answered yet: a retry reuses the same writer key. */
  pendingJoins: z
    .array(z.object({ invite: hex32, namespace: z.string(), at: z.number() }))
    .default([]),
  /** Read notification ids, per network key. */
  read: z.record(z.string(), z.array(z.string())).default({}),
})

export type LocalState = z.infer<typeof localStateSchema>
export type NetworkEntry = z.infer<typeof networkEntry>
export type InviteEntry = z.infer<typeof inviteEntry>

/** Read ids kept per network; older ones are dropped (their events are long in the past). */
const READ_LIMIT = 5_000

export class LocalStateFile {
  readonly path: string
  private writing: Promise<void> = Promise.resolve()
  private saveTimer: NodeJS.Timeout | null = null

  private constructor(
    dataDir: string,
    public state: LocalState,
  ) {
    this.path = join(dataDir, 'node.json')
  }

  static async open(dataDir: string): Promise<LocalStateFile> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
    const path = join(dataDir, 'node.json')
    let text: string | null = null
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw fail('data-unreadable', { path, problem: (err as Error).message })
      }
    }
    if (text === null) {
      const file = new LocalStateFile(dataDir, {
        version: 1,
        identity: { name: '', publicKey: randomBytes(32).toString('hex') },
        networks: [],
        invites: [],
        pendingJoins: [],
        read: {},
      })
      await file.save()
      return file
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw fail('data-corrupt', { path }, 'json')
    }
    const result = localStateSchema.safeParse(parsed)
    if (!result.success) {
      const issue = result.error.issues[0]
      const field = issue?.path.join('.') ?? ''
      throw fail('data-corrupt', { path, field, problem: issue?.message ?? 'invalid' })
    }
    return new LocalStateFile(dataDir, result.data)
  }

  /**
   * Saves within `ms` (once for any number of calls in between): for bookkeeping that changes
   * on every update, where losing the last second to a crash costs little. close() must
   * still call save().
   */
  saveSoon(ms = 1_000): void {
    if (this.saveTimer) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null
      this.save().catch(() => {})
    }, ms)
    this.saveTimer.unref()
  }

  /** Saves atomically (temp file + rename); saves are serialised. */
  save(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = null
    const text = JSON.stringify(this.state, null, 2)
    const tmp = `${this.path}.tmp`
    this.writing = this.writing.then(async () => {
      await writeFile(tmp, text, { mode: 0o600 })
      await rename(tmp, this.path)
    })
    return this.writing
  }

  network(key: string): NetworkEntry | undefined {
    return this.state.networks.find((n) => n.key === key)
  }

  isRead(network: string, id: string): boolean {
    return this.state.read[network]?.includes(id) ?? false
  }

  markRead(network: string, ids: string[]): number {
    const list = (this.state.read[network] ??= [])
    let added = 0
    for (const id of ids) {
      if (list.includes(id)) continue
      list.push(id)
      added++
    }
    if (list.length > READ_LIMIT) list.splice(0, list.length - READ_LIMIT)
    return added
  }
}
