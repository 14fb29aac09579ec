/**
 * Amounts and dates for people: the network's currency in the user's locale. Amounts are
 * minor units in the ledger; a unit that is not an ISO currency (hours) is written after
 * the number. The display conventions themselves (❤️ 🤝 👍 🙏) live in core/ledger/format.ts.
 */
export function formatMoney(
  minor: number,
  currency: string,
  decimals: number,
  locale: string,
): string {
  const value = minor / 10 ** decimals
  const digits = {
    minimumFractionDigits: Number.isInteger(value) ? 0 : decimals,
    maximumFractionDigits: decimals,
  }
  if (/^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency, ...digits }).format(value)
    } catch {
      // an unknown three-letter unit: fall through to the plain form
    }
  }
  return `${new Intl.NumberFormat(locale, digits).format(value)} ${currency}`
}

export function formatDate(ms: number, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    ...(timeZone ? { timeZone } : {}),
  }).format(ms)
}

export function formatDateTime(ms: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms)
}
