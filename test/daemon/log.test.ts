import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LOG_FILE, openLog, tailLog } from '../../core/daemon/log.ts'
import { tempDir } from './helpers.ts'

describe('log file', () => {
  let dir: string
  beforeEach(async () => {
    dir = await tempDir('exodus-log-')
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('rotates at maxBytes, keeps `keep` old files, and tail() reads across them in order', () => {
    const log = openLog(dir, { maxBytes: 2000, keep: 2, now: () => 0 })
    for (let i = 0; i < 500; i++) log.info(`line ${i}`, { i })
    log.close()

    const files = fs.readdirSync(dir).sort()
    expect(files).toEqual([LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`])
    for (const f of files) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(2000)

    const lines = tailLog(dir, 60)
    expect(lines).toHaveLength(60)
    // Oldest first, consecutive, ending with the last line written; more than one file read.
    const numbers = lines.map((l) => Number(/line (\d+) /.exec(l)?.[1]))
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, k) => 440 + k))
    const current = fs.readFileSync(path.join(dir, LOG_FILE), 'utf8').trim().split('\n')
    expect(current.length).toBeLessThan(60)
  })

  it('writes levelled text lines, skips levels below the threshold, keeps one entry per line', () => {
    const log = openLog(dir, { level: 'info', now: () => Date.UTC(2025, 0, 31, 12) })
    log.debug('not written')
    log.info('sync started', { peers: 0, topic: 'ab cd' })
    log.child('net').warn('no peers found\nfor 60 s')
    log.error('failed', { error: new Error('boom') })
    expect(log.tail(10)).toEqual([
      '2025-01-31T12:00:00.000Z INFO  sync started peers=0 topic="ab cd"',
      '2025-01-31T12:00:00.000Z WARN  [net] no peers found ⏎ for 60 s',
      '2025-01-31T12:00:00.000Z ERROR failed error="boom"',
    ])
    log.close()
  })

  it('can write JSON lines', () => {
    const log = openLog(dir, { format: 'json', now: () => 0 })
    log.child('http').info('listening', { port: 1234 })
    log.close()
    expect(JSON.parse(tailLog(dir, 1)[0]!)).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      scope: 'http',
      msg: 'listening',
      port: 1234,
    })
  })

  it('appends to an existing log and tail() of a missing log is empty', () => {
    expect(tailLog(dir, 5)).toEqual([])
    openLog(dir, { now: () => 0 }).info('first')
    const again = openLog(dir, { now: () => 0 })
    again.info('second')
    expect(again.tail(5).map((l) => l.slice(-6))).toEqual([' first', 'second'])
    again.close()
  })
})
