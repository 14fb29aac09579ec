/**
 * Printing for the benches: section headings, aligned tables, number formats, progress lines
 * that show a long run is moving, and a memory sampler for peak figures.
 */
import { performance } from 'node:perf_hooks'

export function heading(title: string): void {
  console.log('')
  console.log(title)
  console.log('='.repeat(title.length))
}

export function note(text: string): void {
  console.log(text)
}

type Align = 'left' | 'right'

/** Prints rows as a table; the first row is the header. Numbers are right-aligned. */
export function table(rows: Array<Array<string | number>>, align?: Align[]): void {
  const cells = rows.map((row) => row.map((c) => (typeof c === 'number' ? fmtInt(c) : c)))
  const cols = Math.max(...cells.map((r) => r.length))
  const widths = Array.from({ length: cols }, (_, i) =>
    Math.max(...cells.map((r) => (r[i] ?? '').length)),
  )
  const sides: Align[] = Array.from({ length: cols }, (_, i) => {
    if (align?.[i]) return align[i]
    const sample = rows.slice(1).find((r) => r[i] !== undefined)?.[i]
    return typeof sample === 'number' || /^[\d.,%x×-]+( ?\w+)?$/.test(String(sample ?? ''))
      ? 'right'
      : 'left'
  })
  const line = (r: string[]) =>
    '  ' +
    r
      .map((c, i) => (sides[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  cells.forEach((r, i) => {
    console.log(line(r))
    if (i === 0) console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '))
  })
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

export function fmtMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 10) return `${ms.toFixed(0)} ms`
  return `${ms.toFixed(2)} ms`
}

export function fmtMB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`
}

export function fmtPct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now()
  const value = await fn()
  return { ms: performance.now() - start, value }
}

/** Prints a line at each step of `every` (a fraction of the total) or every `seconds`. */
export class Progress {
  private readonly start = performance.now()
  private nextAt: number
  private lastPrint = this.start

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly every = 0.1,
    private readonly seconds = 15,
  ) {
    this.nextAt = Math.ceil(total * every)
  }

  update(done: number): void {
    const now = performance.now()
    if (done < this.nextAt && now - this.lastPrint < this.seconds * 1000) return
    while (this.nextAt <= done) this.nextAt += Math.ceil(this.total * this.every)
    this.lastPrint = now
    const s = (now - this.start) / 1000
    console.log(
      `    ${this.label}: ${fmtInt(done)} / ${fmtInt(this.total)} ops` +
        ` (${((done / this.total) * 100).toFixed(0)}%), ${s.toFixed(1)} s,` +
        ` ${fmtInt(done / s)} ops/s`,
    )
  }
}

export interface MemoryPeak {
  rss: number
  heapUsed: number
}

/**
 * Samples process memory on a timer (and on demand) and keeps the maxima, overall and since
 * the last `mark`. The timer is unref'd so it never keeps the process alive.
 */
export class MemorySampler {
  private overall: MemoryPeak = { rss: 0, heapUsed: 0 }
  private sinceMark: MemoryPeak = { rss: 0, heapUsed: 0 }
  private readonly timer: NodeJS.Timeout

  constructor(intervalMs = 50) {
    this.timer = setInterval(() => this.sample(), intervalMs)
    this.timer.unref()
    this.sample()
  }

  sample(): void {
    const { rss, heapUsed } = process.memoryUsage()
    for (const peak of [this.overall, this.sinceMark]) {
      peak.rss = Math.max(peak.rss, rss)
      peak.heapUsed = Math.max(peak.heapUsed, heapUsed)
    }
  }

  /** Peaks since the previous mark; starts a new period. */
  mark(): MemoryPeak {
    this.sample()
    const out = this.sinceMark
    this.sinceMark = { rss: 0, heapUsed: 0 }
    this.sample()
    return out
  }

  get peak(): MemoryPeak {
    this.sample()
    return { ...this.overall }
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
