/**
 * One node per data folder: two processes writing the same Corestore would corrupt it.
 * The lock is a file created atomically (written aside, then hard-linked into place, so it
 * is never seen half-written) that names the holder's pid. A lock whose pid is dead is
 * stale (the node crashed or was killed) and is taken over.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'

export const LOCK_FILE = 'exodus.lock'

interface LockContent {
  pid: number
  host: string
  nonce: string
  startedAt: number
}

export class LockError extends Error {
  constructor(
    message: string,
    readonly pid: number | null,
  ) {
    super(message)
    this.name = 'LockError'
  }
}

/** The data folder cannot be used, or the node cannot open what is in it. */
export class DataFolderError extends Error {
  override name = 'DataFolderError'
}

export interface DataLock {
  readonly file: string
  /** Removes the lock if it is still ours. Safe to call more than once. */
  release(): void
}

/**
 * Whether a process with this pid runs (EPERM: it exists but belongs to someone else). A
 * zombie (killed, not yet reaped by its parent) still answers signal 0 but holds nothing.
 */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  return !isZombie(pid)
}

function isZombie(pid: number): boolean {
  try {
    // /proc/PID/stat: "pid (command) STATE ..."; the command may itself hold parentheses.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z'
  } catch {
    return false // no /proc (macOS…): trust the signal
  }
}

function readLock(file: string): { raw: string; content: LockContent | null } | null {
  let raw: string
  try {
    raw = fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  try {
    const parsed = JSON.parse(raw) as Partial<LockContent>
    if (typeof parsed.pid !== 'number') return { raw, content: null }
    return {
      raw,
      content: {
        pid: parsed.pid,
        host: String(parsed.host ?? ''),
        nonce: String(parsed.nonce ?? ''),
        startedAt: Number(parsed.startedAt ?? 0),
      },
    }
  } catch {
    return { raw, content: null }
  }
}

function inUse(pid: number, dataDir: string): LockError {
  return new LockError(
    `Another Exodus node (pid ${pid}) is already using ${dataDir}. ` +
      'Stop it first, or use another --data folder.',
    pid,
  )
}

/**
 * Takes the lock of `dataDir` (which must exist) or throws a LockError naming the holder.
 */
export function acquireLock(dataDir: string): DataLock {
  const dir = path.resolve(dataDir)
  const file = path.join(dir, LOCK_FILE)
  const content: LockContent = {
    pid: process.pid,
    host: os.hostname(),
    nonce: randomBytes(8).toString('hex'),
    startedAt: Date.now(),
  }
  const mine = JSON.stringify(content) + '\n'
  const aside = `${file}.${content.pid}.${content.nonce}`

  fs.writeFileSync(aside, mine, { mode: 0o600 })
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        fs.linkSync(aside, file)
        return ownedLock(file, content.nonce)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      const held = readLock(file)
      if (!held) continue // released meanwhile: try again
      const holder = held.content
      if (holder && holder.host && holder.host !== content.host) {
        throw new LockError(
          `Another Exodus node (pid ${holder.pid} on ${holder.host}) is using ${dir}. ` +
            `Stop it first, or use another --data folder. If that machine is gone, delete ${file}.`,
          holder.pid,
        )
      }
      if (holder && isAlive(holder.pid)) throw inUse(holder.pid, dir)
      // Stale (dead pid or unreadable): remove it, unless someone replaced it meanwhile.
      if (readLock(file)?.raw === held.raw) fs.rmSync(file, { force: true })
    }
    throw new LockError(`Could not take the lock ${file}: it keeps changing. Try again.`, null)
  } finally {
    fs.rmSync(aside, { force: true })
  }
}

function ownedLock(file: string, nonce: string): DataLock {
  let released = false
  return {
    file,
    release() {
      if (released) return
      released = true
      try {
        if (readLock(file)?.content?.nonce === nonce) fs.rmSync(file, { force: true })
      } catch {
        // The folder may be gone already; nothing left to release.
      }
    },
  }
}
