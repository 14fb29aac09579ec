/**
 * Amounts and dates for people: the network's currency in the user's locale. Amounts are
 * minor units in the ledger; a unit that is not an ISO currency (hours) is written after
 * the number. The display conventions themselves (❤️ 🤝 👍 🙏) live in core/ledger/format.ts.
 *
 * Every formatter takes the app's language and formats in userLocale(language).
 */

/**
 * The locale to format in: the first of the browser's languages that is the app's language,
 * with its region (a British English browser gives en-GB: 4 Dec 2026, 04/12/2026), else the
 * app's language itself. The app's language alone would be bare "en", which Intl formats
 * the American way.
 */
export function userLocale(
  language: string,
  // Typed by hand: the desktop shell's main process imports this file without the DOM types.
  system: readonly string[] = (globalThis as { navigator?: { languages?: readonly string[] } })
    .navigator?.languages ?? [],
): string {
  const wanted = language.split('-')[0]!.toLowerCase()
  for (const tag of system) {
    if (tag.split('-')[0]!.toLowerCase() !== wanted) continue
    try {
      return Intl.getCanonicalLocales(tag)[0] ?? language
    } catch {
      // not a valid language tag: try the next one
    }
  }
  return language
}

export function formatMoney(
  minor: number,
  currency: string,
  decimals: number,
  language: string,
): string {
  const locale = userLocale(language)
  const value = minor / 10 ** decimals
  const digits = fractionDigits(value, decimals)
  if (/^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency, ...digits }).format(value)
    } catch {
      // an unknown three-letter unit: fall through to the plain form
    }
  }
  return `${new Intl.NumberFormat(locale, digits).format(value)} ${currency}`
}

/** Minor units as a plain number (no currency), as the display conventions show them. */
export function formatPlain(minor: number, decimals: number, language: string): string {
  const value = minor / 10 ** decimals
  return new Intl.NumberFormat(userLocale(language), {
    ...fractionDigits(value, decimals),
    useGrouping: false,
  }).format(value)
}

/** Whole amounts without decimals, others with all of the currency's (as formatAmount). */
function fractionDigits(value: number, decimals: number) {
  return {
    minimumFractionDigits: Number.isInteger(value) ? 0 : decimals,
    maximumFractionDigits: decimals,
  }
}

export function formatDate(ms: number, language: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(userLocale(language), {
    dateStyle: 'medium',
    ...(timeZone ? { timeZone } : {}),
  }).format(ms)
}

export function formatDateTime(ms: number, language: string): string {
  return new Intl.DateTimeFormat(userLocale(language), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(ms)
}

/** A monthly cycle, "2025-06" → "June 2025". */
export function formatCycle(cycle: string, language: string): string {
  const [y, m] = cycle.split('-').map(Number)
  if (!y || !m) return cycle
  return new Intl.DateTimeFormat(userLocale(language), {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(Date.UTC(y, m - 1, 1))
}

/** Hundredths of a percent (the clearing's share cleared) in the user's locale: 8906 → "89.06%". */
export function formatPercentBp(bp: number, language: string): string {
  return new Intl.NumberFormat(userLocale(language), {
    style: 'percent',
    maximumFractionDigits: 2,
  }).format(bp / 10_000)
}
