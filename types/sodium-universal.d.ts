/** What core/identity uses of sodium-universal (libsodium, through sodium-native in Node). */
declare module 'sodium-universal' {
  /**
   * BLAKE2b of `input` into `output` (16 to 64 bytes), keyed with `key` (16 to 64 bytes) when
   * one is given.
   */
  export function crypto_generichash(output: Uint8Array, input: Uint8Array, key?: Uint8Array): void
  /** Overwrites `buffer` with zeros, in a way the compiler does not optimise away. */
  export function sodium_memzero(buffer: Uint8Array): void
  /** Bytes a sealed box adds to its message: an ephemeral public key and a MAC. */
  export const crypto_box_SEALBYTES: number
  /** An X25519 public key (32 bytes) from an ed25519 one; throws for a key not on the curve. */
  export function crypto_sign_ed25519_pk_to_curve25519(
    x25519Pk: Uint8Array,
    ed25519Pk: Uint8Array,
  ): void
  /** An X25519 secret key (32 bytes) from an ed25519 secret key (64 bytes). */
  export function crypto_sign_ed25519_sk_to_curve25519(
    x25519Sk: Uint8Array,
    ed25519Sk: Uint8Array,
  ): void
  /** Seals `message` for the holder of X25519 key `publicKey`: anonymous, only they open it. */
  export function crypto_box_seal(
    ciphertext: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
  ): void
  /** Opens a sealed box into `message`; false when it was not sealed for this key pair. */
  export function crypto_box_seal_open(
    message: Uint8Array,
    ciphertext: Uint8Array,
    publicKey: Uint8Array,
    secretKey: Uint8Array,
  ): boolean
}
