/** The locale dates and amounts are written in: the app's language, with the browser's region. */
import { expect, it } from 'vitest'
import { formatDate, formatDateTime, userLocale } from '../../renderer/src/format.ts'

it('takes the region from the first browser language that is the app language', () => {
  expect(userLocale('en', ['en-GB', 'en'])).toBe('en-GB')
  expect(userLocale('en', ['ru-RU', 'en-AU', 'en-GB'])).toBe('en-AU')
  expect(userLocale('ru', ['en-GB', 'ru-UA'])).toBe('ru-UA')
  expect(userLocale('uk', ['uk'])).toBe('uk')
})

it('keeps the app language when no browser language matches it or a tag is invalid', () => {
  expect(userLocale('ru', ['en-GB', 'en'])).toBe('ru')
  expect(userLocale('en', [])).toBe('en')
  expect(userLocale('en', ['en-!!', 'en-NZ'])).toBe('en-NZ')
})

/** Runs `check` in a browser whose languages are `languages`. */
function inBrowser(languages: string[], check: () => void) {
  const before = Object.getOwnPropertyDescriptor(globalThis, 'navigator')
  Object.defineProperty(globalThis, 'navigator', { value: { languages }, configurable: true })
  try {
    check()
  } finally {
    if (before) Object.defineProperty(globalThis, 'navigator', before)
    else Reflect.deleteProperty(globalThis, 'navigator')
  }
}

it('writes dates day first in a British English browser, month first in an American one', () => {
  const at = Date.UTC(2026, 11, 4, 12, 30)
  const gb = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' })
  inBrowser(['en-US', 'en'], () => expect(formatDate(at, 'en', 'UTC')).toBe('Dec 4, 2026'))
  inBrowser(['en-GB', 'en'], () => {
    expect(formatDate(at, 'en', 'UTC')).toBe('4 Dec 2026')
    expect(formatDateTime(at, 'en')).toBe(gb.format(at))
  })
})
