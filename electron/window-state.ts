/**
 * The window's size, position and maximized state, kept between runs in a small JSON file of
 * the app's userData folder. What is read back is validated (a hand-edited or truncated file
 * gives the default window) and fitted to the displays present now (a monitor unplugged since
 * must not leave the window off screen).
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

export const WINDOW_STATE_FILE = 'window-state.json'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  width: number
  height: number
  /** Absent: let the system place the window (first run, or its display is gone). */
  x?: number
  y?: number
  maximized: boolean
}

export const MIN_SIZE = { width: 360, height: 480 }
export const DEFAULT_STATE: WindowState = { width: 1100, height: 760, maximized: false }

const coordinate = z.number().int().min(-100_000).max(100_000)
const stateSchema = z.object({
  width: z.number().int().min(MIN_SIZE.width).max(100_000),
  height: z.number().int().min(MIN_SIZE.height).max(100_000),
  x: coordinate.optional(),
  y: coordinate.optional(),
  maximized: z.boolean().default(false),
})

export function parseWindowState(text: string | null): WindowState {
  if (text === null) return { ...DEFAULT_STATE }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { ...DEFAULT_STATE }
  }
  const parsed = stateSchema.safeParse(json)
  if (!parsed.success) return { ...DEFAULT_STATE }
  const { x, y, ...rest } = parsed.data
  // A position needs both coordinates.
  return x !== undefined && y !== undefined ? { ...rest, x, y } : rest
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return w > 0 && h > 0 ? w * h : 0
}

/**
 * Fits `state` to the displays' work areas: no larger than the largest of them, and placed only
 * where enough of its title bar region shows on one display to grab it; otherwise unplaced.
 */
export function fitWindowState(state: WindowState, workAreas: readonly Rect[]): WindowState {
  if (workAreas.length === 0) return state
  const maxWidth = Math.max(...workAreas.map((a) => a.width))
  const maxHeight = Math.max(...workAreas.map((a) => a.height))
  const width = Math.max(MIN_SIZE.width, Math.min(state.width, maxWidth))
  const height = Math.max(MIN_SIZE.height, Math.min(state.height, maxHeight))
  const fitted: WindowState = { width, height, maximized: state.maximized }
  if (state.x === undefined || state.y === undefined) return fitted
  const titleBar: Rect = { x: state.x, y: state.y, width, height: Math.min(40, height) }
  const visible = workAreas.some(
    (area) => overlap(titleBar, area) >= Math.min(100, width) * titleBar.height * 0.5,
  )
  return visible ? { ...fitted, x: state.x, y: state.y } : fitted
}

export function readWindowState(dir: string): WindowState {
  let text: string | null = null
  try {
    text = fs.readFileSync(path.join(dir, WINDOW_STATE_FILE), 'utf8')
  } catch {
    // No file yet (first run) or unreadable: the default window.
  }
  return parseWindowState(text)
}

/** Written aside and renamed into place, so a crash mid-write leaves the previous state. */
export function writeWindowState(dir: string, state: WindowState): void {
  const file = path.join(dir, WINDOW_STATE_FILE)
  const aside = `${file}.${process.pid}.tmp`
  try {
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(aside, JSON.stringify(state) + '\n')
    fs.renameSync(aside, file)
  } catch {
    // Losing the window's position is not worth an error dialog.
    fs.rmSync(aside, { force: true })
  }
}
