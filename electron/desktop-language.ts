/**
 * The language of what the shell shows outside the window (tray, app menu, desktop
 * notifications): the one the user chose in the page, which the page tells the shell through
 * the preload bridge. It is kept in a small JSON file of the app's userData folder, because
 * notifications also come while no window is open; until the page has said, the system's.
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

/** The page's languages (renderer/src/i18n.ts LANGUAGES; a test checks they agree). */
export const DESKTOP_LANGUAGES = ['en', 'ru', 'uk'] as const
export type DesktopLanguage = (typeof DESKTOP_LANGUAGES)[number]

export const languageSchema = z.enum(DESKTOP_LANGUAGES)

export const LANGUAGE_FILE = 'language.json'

/** The first of the system's preferred languages the app speaks, else English, as the page. */
export function systemLanguage(preferred: readonly string[]): DesktopLanguage {
  for (const tag of preferred) {
    const known = languageSchema.safeParse(tag.slice(0, 2).toLowerCase())
    if (known.success) return known.data
  }
  return 'en'
}

/** The language chosen in the page before, or null (none yet, or an unreadable file). */
export function readLanguage(dir: string): DesktopLanguage | null {
  try {
    const json: unknown = JSON.parse(fs.readFileSync(path.join(dir, LANGUAGE_FILE), 'utf8'))
    const parsed = z.object({ language: languageSchema }).safeParse(json)
    return parsed.success ? parsed.data.language : null
  } catch {
    return null
  }
}

export function writeLanguage(dir: string, language: DesktopLanguage): void {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, LANGUAGE_FILE), JSON.stringify({ language }) + '\n')
}
