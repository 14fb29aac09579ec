declare module 'hypercore-crypto' {
  export interface KeyPair {
    publicKey: Buffer
    secretKey: Buffer
  }

  export function keyPair(seed?: Uint8Array): KeyPair
  export function validateKeyPair(keyPair: KeyPair): boolean
  export function sign(message: Uint8Array, secretKey: Uint8Array): Buffer
  export function verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean
  /** BLAKE2b-256 of one buffer or the concatenation of several. */
  export function hash(data: Uint8Array | Uint8Array[], out?: Uint8Array): Buffer
  export function randomBytes(n: number): Buffer
  export function discoveryKey(key: Uint8Array): Buffer
  /** `count` 32-byte namespace tags derived from `name`, for domain-separating hashes. */
  export function namespace(name: string | Uint8Array, count: number | number[]): Buffer[]
}
