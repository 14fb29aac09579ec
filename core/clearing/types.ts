/**
 * What the clearing of mutual obligations (domain.md §6) takes and gives. The caller decides
 * which obligations take part (both sides consented) and how much of each may go; the
 * algorithm only sees those, and everything it returns is a function of them alone, so every
 * peer that runs it inside apply writes the same bytes.
 */

/** One obligation allowed into clearing: `from` owes `to` `amount` minor units. */
export interface ClearingObligation {
  /** Unique among the input; the last tie-break of the processing order. */
  id: string
  from: string
  to: string
  /** Integer minor units still owed, >= 0. */
  amount: number
  /** The most that may be cleared of it (the smaller of both sides' caps); none: all of it. */
  cap?: number
  /** Orders the input before anything else, oldest first: a creation time or a position. */
  order: number
}

export interface ClearedObligation {
  id: string
  cleared: number
  /** amount - cleared: what is still owed after the clearing. */
  remaining: number
}

/** A cycle of obligations, each reduced by `amount`: every member on it gives and gets that much. */
export interface ClearingChain {
  amount: number
  /** Obligation ids in cycle order (each one's `to` is the next one's `from`), oldest first. */
  obligations: string[]
}

export interface ClearingMember {
  member: string
  /** Indexes into `chains` of the chains through this member, ascending. */
  chains: number[]
  /** The optimality certificate's node potential (see certificate.ts), an integer >= 0. */
  potential: number
}

export interface ClearingResult {
  /** One per input obligation, in processing order (by `order`, then `id`). */
  obligations: ClearedObligation[]
  totals: {
    /** Sum of all amounts in the input. */
    debt: number
    /** Sum of min(amount, cap): the most the consents allow, if every unit lay on a cycle. */
    consented: number
    /** Sum cleared: the largest total any clearing of this input can reach. */
    cleared: number
  }
  /** A decomposition of the cleared amounts into cycles. */
  chains: ClearingChain[]
  /** Every member named in the input, ordered by id (UTF-16 code units). */
  members: ClearingMember[]
}
