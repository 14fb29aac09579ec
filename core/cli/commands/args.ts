/**
 * Reading what a person typed: options, positional arguments, amounts, counts and payment
 * details, each checked against the ledger's own limits (core/ledger/limits.ts).
 *
 * The node checks every value against the contract too, but its refusals name the contract's
 * fields in minor units (`intention.create: amount: must be at most 1000000000000`): what a
 * person typed is checked here first, against the same limits, in the words they typed.
 */
import type { NetworkSummary } from '../../api/contract.ts'
import { parseAmount } from '../../ledger/format.ts'
import { MAX_AMOUNT, NAME_MAX, PAYMENT_LABEL_MAX, PAYMENT_VALUE_MAX } from '../../ledger/limits.ts'
import type { PaymentDetail } from '../../ledger/ops.ts'
import { UsageError, type Context } from './spec.ts'

export function str(ctx: Context, name: string): string | undefined {
  const v = ctx.opts[name]
  return typeof v === 'string' ? v : undefined
}

/** Positional argument `i`, which the usage line calls `what` (MEMBER, PLEDGE...). */
export function arg(ctx: Context, i: number, what: string): string {
  const v = ctx.args[i]
  if (v === undefined) throw new UsageError(`missing ${what}`)
  if (v.trim() === '') throw new UsageError(`${what} must not be empty`)
  return v
}

export function limited(text: string, what: string, max: number): string {
  if (text.length > max)
    throw new UsageError(`${what} must be at most ${max} characters (this one has ${text.length})`)
  return text
}

/** A member's or network's name: the ledger keeps it trimmed, 1 to NAME_MAX characters. */
export function nameText(text: string, what: string): string {
  if (text.trim() === '') throw new UsageError(`${what} must not be empty`)
  return limited(text.trim(), what, NAME_MAX)
}

export function nameOption(ctx: Context, option: string): string | undefined {
  const v = str(ctx, option)
  return v === undefined ? undefined : nameText(v, `--${option}`)
}

/** "10,000,000,000 EUR": the most one amount may be, in the network's units. */
function maxAmountText(net: Pick<NetworkSummary, 'decimals' | 'currency'>): string {
  const units = new Intl.NumberFormat('en-US', { maximumFractionDigits: net.decimals })
  return `${units.format(MAX_AMOUNT / 10 ** net.decimals)} ${net.currency}`
}

/** A typed amount in whole units of the network (`75`, `75.50`, `75,5`) → minor units. */
export function amountArg(text: string, net: NetworkSummary): number {
  const notAmount = (why: string) =>
    new UsageError(`${JSON.stringify(text)} is not an amount in ${net.currency}: ${why}`)
  // A minus typed as such (also the typographic one) is a sign, not a typo.
  const number = /^\s*([-\u2212]?)\s*(\d+)(?:[.,](\d+))?\s*$/.exec(text)
  if (!number || (number[3] ?? '').length > net.decimals) {
    const example = net.decimals > 0 ? `75 or 75.${'5'.padEnd(net.decimals, '0')}` : '75'
    throw notAmount(
      `write a number greater than 0 with at most ${net.decimals} decimals, e.g. ${example}`,
    )
  }
  const [, sign, whole, fraction] = number
  if (sign || /^0*$/.test(`${whole}${fraction ?? ''}`))
    throw notAmount(`the amount must be more than 0 ${net.currency}`)
  // Too many digits to parse is too much as well.
  const minor = parseAmount(fraction ? `${whole}.${fraction}` : whole!, net.decimals)
  if (minor === null || minor > MAX_AMOUNT)
    throw notAmount(`the amount must be at most ${maxAmountText(net)}`)
  return minor
}

export function intArg(text: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max)
    throw new UsageError(
      `${what} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`,
    )
  return Number(text)
}

/** `IBAN=DE89…*` → a payment detail; the trailing `*` marks the default. */
export function parsePaymentDetails(words: string[]): PaymentDetail[] {
  const details = words.map((word) => {
    const eq = word.indexOf('=')
    if (eq <= 0 || eq === word.length - 1)
      throw new UsageError(
        `${JSON.stringify(word)} is not LABEL=VALUE (e.g. IBAN=DE89370400440532013000*)`,
      )
    const isDefault = word.endsWith('*')
    const label = limited(word.slice(0, eq).trim(), 'LABEL', PAYMENT_LABEL_MAX)
    const value = word.slice(eq + 1, isDefault ? -1 : undefined).trim()
    if (!label) throw new UsageError(`${JSON.stringify(word)} has no label`)
    if (!value) throw new UsageError(`${JSON.stringify(word)} has no value`)
    return { label, value: limited(value, 'VALUE', PAYMENT_VALUE_MAX), isDefault }
  })
  const defaults = details.filter((d) => d.isDefault).length
  if (defaults > 1) throw new UsageError('mark only one payment detail as the default with *')
  if (defaults === 0 && details[0]) details[0].isDefault = true
  return details
}
