/**
 * What one install keeps only for itself, in DATA/node.json: its identity (the recovery
 * phrase), the networks it belongs to with their keys, the invites it created (their codes
 * hold secrets), and which notifications were read. Written atomically; a file that cannot be
 * read is never overwritten, so nothing is lost silently. The folder (0700) and the file
 * (0600) are made private on every open, whatever modes they had.
 *
 * Version 2 (protocol version 2, domain.md §12): the identity is a recovery phrase. Version 1
 * came from test builds only, never released: such a folder is refused, not migrated.
 */
import { chmod, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { fail } from '../errors.ts'
import { identityKeyPair, memberKeyPair, type Key, type KeyPair } from '../identity/member-key.ts'
import { identitySeed, newPhrase, normalisePhrase } from '../identity/phrase.ts'

/** The version of node.json this app reads and writes. */
export const LOCAL_STATE_VERSION = 2

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
  /**
   * A change of my member key still to append here (member.rekey, see core/node/rekey.ts):
   * from the key `from` (public, hex) to the key of this install's phrase, unlinking `unlink`.
   * Kept, with the new phrase, before anything is appended, so that a change that a crash, or
   * a network this device could not write to, cut short is made when it can be.
   */
  rekey: z.object({ from: hex32, unlink: z.array(hex32).default([]) }).optional(),
})

const inviteEntry = z.object({
  network: hex32,
  id: hex32,
  code: z.string(),
  createdAt: z.number(),
  /**
   * A link code (domain.md §12, core/node/device-link.ts) rather than an invite: `device`,
   * made by the person to link a device (its answer carries the phrase and codes for the
   * other networks); `network`, one of those codes. Only this device answers it, and its
   * `invite.create` is appended when a device pairs with it.
   */
  link: z.enum(['device', 'network']).optional(),
  /** When a link code stops working (ms). */
  expires: z.number().optional(),
})

/** Whether `text` is a recovery phrase in its canonical form (as node.json keeps it). */
function canonicalPhrase(text: string): boolean {
  try {
    return normalisePhrase(text) === text
  } catch {
    return false
  }
}

/** This install's identity key (hex) for the seed of its phrase: see identityKeyPair. */
function identityPublicKey(seed: Buffer): string {
  return identityKeyPair(seed).publicKey.toString('hex')
}

const identitySchema = z
  .object({
    /** The name this install uses by default when it creates or joins a network. */
    name: z.string(),
    /**
     * The recovery phrase (domain.md §12): 24 words of the BIP39 English list, lower case,
     * single spaces. Everything this person's keys come from (core/identity/); kept only
     * here, in a 0600 file of a 0700 folder, and shown to the person on request.
     */
    phrase: z.string().refine(canonicalPhrase, 'is not a recovery phrase of 24 known words'),
    /**
     * This install's identity key: the public key (hex) of identityKeyPair, derived from the
     * phrase's seed, so a restored phrase brings it back. Shown to the person (Settings,
     * `exodus identity`), never written to a network: there each network has its own member
     * key (memberKeyPair), which nothing links to this one.
     */
    publicKey: hex32,
    /** The person said they wrote the phrase down (first run), or typed it in to restore. */
    phraseWritten: z.boolean().default(false),
  })
  // A phrase that is not one is reported by its own field.
  .refine(
    (id) =>
      !canonicalPhrase(id.phrase) || identityPublicKey(identitySeed(id.phrase)) === id.publicKey,
    {
      path: ['publicKey'],
      message: 'is not the key of identity.phrase',
    },
  )

const localStateSchema = z.object({
  version: z.literal(LOCAL_STATE_VERSION),
  identity: identitySchema,
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

const POSIX = process.platform !== 'win32'

/**
 * Gives `path` the mode `mode` (POSIX only: Windows has no such modes, its folders under the
 * user's profile are private already). A folder holding keys that cannot be made private is
 * refused rather than used as it is.
 */
export async function makePrivate(path: string, mode: number): Promise<void> {
  if (!POSIX) return
  try {
    await chmod(path, mode)
  } catch (err) {
    throw fail('data-not-private', { path, problem: (err as Error).message })
  }
}

/**
 * Makes a folder and everything in it private: folders 0700, files 0600 (symlinks are left
 * alone). For the store, whose files hold its primary key and every network's keys, and
 * which its libraries create with the process umask (usually world-readable).
 */
export async function makeTreePrivate(dir: string): Promise<void> {
  if (!POSIX) return
  await makePrivate(dir, 0o700)
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true })
  } catch (err) {
    throw fail('data-not-private', { path: dir, problem: (err as Error).message })
  }
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name)
    if (entry.isDirectory()) await makePrivate(path, 0o700)
    else if (entry.isFile()) await makePrivate(path, 0o600)
  }
}

/** Whether `dir` exists and holds anything. */
async function holdsSomething(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw fail('data-unreadable', { path: dir, problem: (err as Error).message })
  }
}

export class LocalStateFile {
  readonly path: string
  private writing: Promise<void> = Promise.resolve()
  private saveTimer: NodeJS.Timeout | null = null
  /** The identity seed, derived from the phrase once (a few ms) when first needed. */
  private seed: Buffer | null = null

  private constructor(
    dataDir: string,
    public state: LocalState,
  ) {
    this.path = join(dataDir, 'node.json')
  }

  /**
   * Opens DATA/node.json, or starts a new identity when there is none, unless `opts.store`
   * (the store this file goes with) already holds something: then the folder was used before
   * and its node.json was lost, and a new identity would orphan every network's keys in the
   * store, so it is refused and nothing is written.
   */
  static async open(dataDir: string, opts: { store?: string } = {}): Promise<LocalStateFile> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
    await makePrivate(dataDir, 0o700)
    const path = join(dataDir, 'node.json')
    let text: string | null = null
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw fail('data-unreadable', { path, problem: (err as Error).message })
      }
    }
    if (text !== null) await makePrivate(path, 0o600)
    if (text === null && opts.store && (await holdsSomething(opts.store))) {
      throw fail('data-incomplete', { path, store: opts.store })
    }
    if (text === null) {
      const phrase = newPhrase()
      const seed = identitySeed(phrase)
      const file = new LocalStateFile(dataDir, {
        version: LOCAL_STATE_VERSION,
        identity: { name: '', phrase, publicKey: identityPublicKey(seed), phraseWritten: false },
        networks: [],
        invites: [],
        pendingJoins: [],
        read: {},
      })
      file.seed = seed
      await file.save()
      return file
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw fail('data-corrupt', { path }, 'json')
    }
    const version = (parsed as { version?: unknown } | null)?.version
    if (typeof version === 'number' && version !== LOCAL_STATE_VERSION) {
      const params = { dir: dataDir, version, supported: LOCAL_STATE_VERSION }
      throw version > LOCAL_STATE_VERSION
        ? fail('data-old-version', params, 'newer')
        : fail('data-old-version', params)
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

  /**
   * This install's identity seed (32 bytes, from the recovery phrase): what every key of
   * this person is derived from. Keep it in memory only.
   */
  identitySeed(): Buffer {
    this.seed ??= identitySeed(this.state.identity.phrase)
    return this.seed
  }

  /** This person's member key pair in the network whose key is `networkKey`. */
  memberKeyPair(networkKey: Key): KeyPair {
    return memberKeyPair(this.identitySeed(), networkKey)
  }

  /** The recovery phrase's words, in order. */
  phraseWords(): string[] {
    return this.state.identity.phrase.split(' ')
  }

  /** The person wrote the phrase down: the app stops asking them to. */
  async markPhraseWritten(): Promise<void> {
    if (this.state.identity.phraseWritten) return
    this.state.identity.phraseWritten = true
    await this.save()
  }

  /**
   * Makes `text` (a recovery phrase, however typed) this install's identity, keeping its
   * name. Refused (`restore-in-network`) while the install is in a network it has not left,
   * joining included: the phrase replaces who the person is here, and the networks know
   * them by the member key of the identity they joined with. `nameOf` names a network in
   * that refusal. Refused (`phrase-invalid`) when the words are not a phrase.
   */
  async restoreIdentity(text: string, nameOf: (key: string) => string): Promise<void> {
    const joined = this.state.networks.filter((n) => !n.left)
    if (joined.length > 0) {
      throw fail('restore-in-network', { networks: joined.map((n) => nameOf(n.key)).join(', ') })
    }
    await this.replacePhrase(normalisePhrase(text), true)
  }

  /**
   * Makes `phrase` (canonical) this install's identity, keeping its name; the old phrase is
   * kept nowhere. For a restore (above), and when the person's member key changes
   * (core/node/rekey.ts): then the networks learn the new key by member.rekey. `written`:
   * whether the person has the new phrase on paper.
   */
  async replacePhrase(phrase: string, written: boolean): Promise<void> {
    const seed = identitySeed(phrase)
    this.state.identity = {
      ...this.state.identity,
      phrase,
      publicKey: identityPublicKey(seed),
      phraseWritten: written,
    }
    this.seed?.fill(0)
    this.seed = seed
    await this.save()
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
