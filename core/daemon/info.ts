/**
 * DATA/daemon.json: how programs on this machine find a folder's running node (its port
 * and token). Written by the daemon with mode 0600 once it listens, removed when it stops.
 */
import fs from 'node:fs'
import path from 'node:path'

export const DAEMON_FILE = 'daemon.json'

export interface DaemonInfo {
  pid: number
  port: number
  token: string
  /** The address to open in a browser, token included. */
  url: string
  dataDir: string
  startedAt: number
  clockOffsetMs: number
}

export function daemonFile(dataDir: string): string {
  return path.join(path.resolve(dataDir), DAEMON_FILE)
}

export function writeDaemonInfo(dataDir: string, info: DaemonInfo): void {
  const file = daemonFile(dataDir)
  const temp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 })
  fs.chmodSync(temp, 0o600)
  fs.renameSync(temp, file)
}

/** The running daemon's info, or null when the file is missing or unreadable. */
export function readDaemonInfo(dataDir: string): DaemonInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(daemonFile(dataDir), 'utf8')) as Partial<DaemonInfo>
    if (typeof info.port !== 'number' || typeof info.token !== 'string') return null
    return info as DaemonInfo
  } catch {
    return null
  }
}

/** Removes daemon.json if it still describes this process (a newer daemon may own it). */
export function removeDaemonInfo(dataDir: string, pid = process.pid): void {
  const info = readDaemonInfo(dataDir)
  if (info && info.pid !== pid) return
  fs.rmSync(daemonFile(dataDir), { force: true })
}
