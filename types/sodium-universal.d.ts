/** What core/identity uses of sodium-universal (libsodium, through sodium-native in Node). */
declare module 'sodium-universal' {
  /**
   * BLAKE2b of `input` into `output` (16 to 64 bytes), keyed with `key` (16 to 64 bytes) when
   * one is given.
   */
  export function crypto_generichash(output: Uint8Array, input: Uint8Array, key?: Uint8Array): void
  /** Overwrites `buffer` with zeros, in a way the compiler does not optimise away. */
  export function sodium_memzero(buffer: Uint8Array): void
}
