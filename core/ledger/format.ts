/**
 * The display conventions of domain.md §4, defined once. Members know these strings:
 *   `2 👥→👤 (75 ❤️ / 475 🙏)`   `👤→4 👥 (20 ❤️ / 10 🤝 / 100 👍)`   `Anna 🆘 (500 🙏 / 10 days)`
 * Amounts are shown in whole units of the network's currency, with decimals only when the
 * amount has a fractional part.
 */

/** Minor units → a plain number string: 7500 with 2 decimals → "75", 7550 → "75.50". */
export function formatAmount(minor: number, decimals: number): string {
  const scale = 10 ** decimals
  const whole = Math.trunc(minor / scale)
  const rest = Math.abs(minor % scale)
  if (rest === 0) return whole.toString()
  return `${minor < 0 && whole === 0 ? '-' : ''}${whole}.${rest.toString().padStart(decimals, '0')}`
}

/** Parses "75", "75.5" or "75,50" into minor units; null when it is not a valid amount. */
export function parseAmount(text: string, decimals: number): number | null {
  const match = /^\s*(\d{1,13})(?:[.,](\d+))?\s*$/.exec(text)
  if (!match) return null
  const fraction = match[2] ?? ''
  if (fraction.length > decimals) return null
  const minor = Number(match[1]) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0')
  return Number.isSafeInteger(minor) ? minor : null
}

export interface IncomingSummary {
  supporters: number
  intended: number
  missing: number
}

export interface OutgoingSummary {
  people: number
  intended: number
  committed: number
  confirmed: number
}

/**
 * How a line writes its amounts: the network's decimals (formatAmount), or a formatter of
 * minor units (the UI's, in the reader's locale).
 */
export type LineAmounts = number | ((minor: number) => string)

const amountsOf = (a: LineAmounts) =>
  typeof a === 'number' ? (n: number) => formatAmount(n, a) : a

export function incomingLine(s: IncomingSummary, amounts: LineAmounts): string {
  const f = amountsOf(amounts)
  return `${s.supporters} 👥→👤 (${f(s.intended)} ❤️ / ${f(s.missing)} 🙏)`
}

export function outgoingLine(s: OutgoingSummary, amounts: LineAmounts): string {
  const f = amountsOf(amounts)
  return `👤→${s.people} 👥 (${f(s.intended)} ❤️ / ${f(s.committed)} 🤝 / ${f(s.confirmed)} 👍)`
}

export function emergencyLine(
  name: string,
  missing: number,
  daysLeft: number,
  decimals: number,
): string {
  return `${name} 🆘 (${formatAmount(missing, decimals)} 🙏 / ${daysLeft} ${daysLeft === 1 ? 'day' : 'days'})`
}
