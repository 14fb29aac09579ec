// blind-pairing-core 2: what the ledger and tests use of it directly (blind-pairing wraps it).
declare module 'blind-pairing-core' {
  /**
   * The candidate's userData (its writer key) if `receipt` (an encoded InviteReceipt, as a
   * member's request holds after open) was signed with the invite whose public key is
   * `publicKey`; null otherwise. Throws on bytes that do not decode.
   */
  export function verifyReceipt(receipt: Uint8Array, publicKey: Uint8Array): Buffer | null
  /** The receipt a candidate holding `invite` (its bytes) would send with `userData`. */
  export function createReceipt(
    invite: Uint8Array,
    userData: Uint8Array,
  ): { id: Buffer; receipt: Buffer }
  export function createInvite(
    key: Uint8Array,
    opts?: { expires?: number; seed?: Uint8Array },
  ): { id: Buffer; invite: Buffer; publicKey: Buffer; seed: Buffer }
}
