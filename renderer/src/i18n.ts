/**
 * Translations: English, Russian and Ukrainian, one JSON file per screen (namespace) and
 * language under locales/. The system language is the default; a choice made in the
 * profile is remembered on this device.
 */
import i18next, { type i18n } from 'i18next'
import { initReactI18next } from 'react-i18next'

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'ru', name: 'Русский' },
  { code: 'uk', name: 'Українська' },
] as const
export type Language = (typeof LANGUAGES)[number]['code']

const STORAGE_KEY = 'exodus.language'

const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', {
  eager: true,
})

export function resources() {
  const out: Record<string, Record<string, Record<string, unknown>>> = {}
  for (const [path, mod] of Object.entries(files)) {
    const [, lng, ns] = /\.\/locales\/(\w+)\/(\w+)\.json$/.exec(path) ?? []
    if (!lng || !ns) continue
    ;(out[lng] ??= {})[ns] = mod.default
  }
  return out
}

/** The language to start in: the one chosen before, else the system's, else English. */
export function initialLanguage(
  stored: string | null = globalThis.localStorage?.getItem(STORAGE_KEY) ?? null,
  system: readonly string[] = globalThis.navigator?.languages ?? [],
): Language {
  const known = (code: string | null | undefined): Language | undefined =>
    LANGUAGES.find((l) => l.code === code?.slice(0, 2).toLowerCase())?.code
  return known(stored) ?? system.map(known).find(Boolean) ?? 'en'
}

export function rememberLanguage(code: Language) {
  globalThis.localStorage?.setItem(STORAGE_KEY, code)
}

export async function createI18n(lng: Language = initialLanguage()): Promise<i18n> {
  const instance = i18next.createInstance()
  await instance.use(initReactI18next).init({
    lng,
    fallbackLng: 'en',
    supportedLngs: LANGUAGES.map((l) => l.code),
    resources: resources(),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  })
  instance.on('languageChanged', (code) => {
    if (typeof document !== 'undefined') document.documentElement.lang = code
  })
  return instance
}
