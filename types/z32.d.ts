declare module 'z32' {
  export const ALPHABET: string
  export function encode(buf: Uint8Array | string): string
  /** Throws on characters outside the z-base-32 alphabet. */
  export function decode(s: string, out?: Uint8Array): Buffer
}
