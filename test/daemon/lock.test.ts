import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LOCK_FILE, LockError, acquireLock, isAlive } from '../../core/daemon/lock.ts'
import { tempDir } from './helpers.ts'

/** The pid of a process that has exited: a stale lock's holder. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  const pid = Number(child.stdout.toString())
  expect(isAlive(pid)).toBe(false)
  return pid
}

describe('data folder lock', () => {
  let dir: string
  beforeEach(async () => {
    dir = await tempDir('exodus-lock-')
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('refuses a second holder, naming the pid of the first and the folder', () => {
    const first = acquireLock(dir)
    let error: unknown
    try {
      acquireLock(dir)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(LockError)
    expect((error as LockError).pid).toBe(process.pid)
    expect((error as Error).message).toBe(
      `Another Exodus node (pid ${process.pid}) is already using ${dir}. ` +
        'Stop it first, or use another --data folder.',
    )
    first.release()
  })

  it('can be taken again once released, and release leaves no files behind', () => {
    acquireLock(dir).release()
    const again = acquireLock(dir)
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true)
    again.release()
    again.release() // idempotent
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('takes over a stale lock whose process is dead', () => {
    const stale = deadPid()
    const file = path.join(dir, LOCK_FILE)
    fs.writeFileSync(file, JSON.stringify({ pid: stale, host: os.hostname(), nonce: 'x' }))
    const lock = acquireLock(dir)
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).pid).toBe(process.pid)
    lock.release()
    expect(fs.existsSync(file)).toBe(false)
  })

  it('takes over an unreadable lock file', () => {
    fs.writeFileSync(path.join(dir, LOCK_FILE), 'garbage')
    acquireLock(dir).release()
  })

  it('does not remove a lock that another holder took after a stale takeover', () => {
    const lock = acquireLock(dir)
    const file = path.join(dir, LOCK_FILE)
    // Someone else now holds it (e.g. our lock was judged stale on another path).
    fs.writeFileSync(file, JSON.stringify({ pid: 1, host: os.hostname(), nonce: 'other' }))
    lock.release()
    expect(fs.existsSync(file)).toBe(true)
  })
})

describe('isAlive', () => {
  it('is true for a running process and false for a zombie (dead, not reaped)', async () => {
    expect(isAlive(process.pid)).toBe(true)
    if (process.platform !== 'linux') return
    // The shell forks a short sleep, then becomes a long one, which never reaps it: a zombie.
    const shell = spawn('sh', ['-c', '(sleep 0.2) & echo $!; exec sleep 5'], { stdio: 'pipe' })
    try {
      const zombie = Number(
        await new Promise<string>((r) => shell.stdout.once('data', (d) => r(String(d)))),
      )
      const deadline = Date.now() + 3000
      while (
        !fs.readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z') &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 10))
      expect(() => process.kill(zombie, 0)).not.toThrow() // signal 0 still reaches it
      expect(isAlive(zombie)).toBe(false)
      expect(isAlive(shell.pid!)).toBe(true)
    } finally {
      shell.kill('SIGKILL')
    }
  })
})
