/**
 * The ledger's limits, in a module of their own so that the UI can show and enforce them
 * without bundling the schema library. ops.ts builds the schemas from these.
 */
export const MAX_AMOUNT = 1_000_000_000_000 // minor units; keeps every sum a safe integer
export const ABOUT_MAX = 180
export const NAME_MAX = 60
export const NOTE_MAX = 140
export const RED_DAYS_MAX = 31
export const PAYMENT_DETAILS_MAX = 10
export const PAYMENT_LABEL_MAX = 40
export const PAYMENT_VALUE_MAX = 200
