/**
 * The ledger's limits, in a module of their own so that the UI and the CLI can show and enforce
 * them without bundling the schema library. ops.ts and the API contract build their schemas
 * from these.
 */
export const MAX_AMOUNT = 1_000_000_000_000 // minor units; keeps every sum a safe integer
export const ABOUT_MAX = 180
export const NAME_MAX = 60
export const NOTE_MAX = 140
export const RED_DAYS_MAX = 31
export const PAYMENT_DETAILS_MAX = 10
export const PAYMENT_LABEL_MAX = 40
export const PAYMENT_VALUE_MAX = 200
/** A network's unit: a currency code (EUR) or a unit of 1 to 10 letters (hours). */
export const CURRENCY_PATTERN = /^[A-Za-z]{1,10}$/
/** The same, as an HTML input's `pattern` (matched whole). */
export const CURRENCY_INPUT_PATTERN = CURRENCY_PATTERN.source.slice(1, -1)
/** Digits after the point of a network's amounts: 2 for cents, 0 for whole units or hours. */
export const DECIMALS_MAX = 3
/**
 * How many obligations one consent to clearing may choose (domain.md §6): their ids fit in
 * an op (MAX_OP_BYTES) with room to spare; a member who means more consents to all of them.
 */
export const CLEARING_CHOSEN_MAX = 300
/**
 * How many devices one `member.rekey` may unlink, and seal the new phrase for: more than a
 * person uses, and the op stays small (each sealed entry is under 300 bytes of JSON).
 */
export const REKEY_DEVICES_MAX = 10
/**
 * Bytes of a device's sealed box in a `member.rekey`: the new phrase's 32 bytes of entropy
 * sealed with libsodium's crypto_box_seal (an ephemeral X25519 key and a MAC, 48 bytes more).
 */
export const SEALED_PHRASE_BYTES = 80
/** How many newcomers one invite may admit. */
export const INVITE_USES_MAX = 1000
/**
 * The most bytes one op may have: the largest an app writes (ten payment details of the
 * longest, each character four bytes) is under 10 KiB. Checked before an op is parsed, so
 * that no member can make every peer store, copy and parse megabytes.
 */
export const MAX_OP_BYTES = 16_384
/** The deepest an op's JSON may nest: an app's ops nest three deep (op, list, detail). */
export const MAX_OP_DEPTH = 8
/**
 * The latest time an op may carry: the end of year 9999. Later stamps (the schema allowed up
 * to year 275760) are refused as malformed; every cycle has a four-digit year.
 */
export const MAX_TIMESTAMP = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
/** How many lines of its log a node gives at most (`logs`). */
export const LOG_LINES_MAX = 10_000
/** How long an invite may stay valid, in days: about a minute and a half, up to a year. */
export const INVITE_DAYS_MIN = 0.001
export const INVITE_DAYS_MAX = 365

/**
 * Whether this runtime knows the time zone: a quick check for forms and the command line.
 * What a network may be created with is the app's own zone data (cycle-time.ts knownZone).
 */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
