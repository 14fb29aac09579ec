// Hypercore 11 (pinned 11.37.1): the parts the app and its tests use.
declare module 'hypercore' {
  import type { EventEmitter } from 'node:events'
  import type NoiseSecretStream from '@hyperswarm/secret-stream'
  import type { KeyPair } from 'hypercore-crypto'

  namespace Hypercore {
    /** 'binary' | 'utf-8' | 'json' or a compact-encoding codec. */
    type ValueEncoding =
      string | { encode(value: unknown): Uint8Array; decode(buf: Uint8Array): unknown } | object

    interface EncryptionOptions {
      key: Uint8Array
      block?: boolean
    }

    interface SessionOptions {
      valueEncoding?: ValueEncoding
      encryption?: EncryptionOptions | Uint8Array | object | null
      writable?: boolean
      wait?: boolean
      timeout?: number
      active?: boolean
      exclusive?: boolean
      snapshot?: boolean
      weak?: boolean
      name?: string
    }

    interface GetOptions {
      wait?: boolean
      timeout?: number
      valueEncoding?: ValueEncoding
      /** false returns the stored (still encrypted) bytes. */
      decrypt?: boolean
      raw?: boolean
    }

    interface UpdateOptions {
      wait?: boolean
      force?: boolean
    }

    interface Manifest {
      version: number
      signers: Array<{ publicKey: Buffer; namespace?: Buffer }>
      userData?: Buffer | null
    }

    /** A protocol stream; corestore/hypercore replication and swarm connections are all this. */
    type ReplicationStream = NoiseSecretStream
  }

  class Hypercore<T = Buffer> extends EventEmitter {
    constructor(storage: unknown, key?: Uint8Array | null, opts?: Hypercore.SessionOptions)

    /** A core's key from its manifest, or from a signer's public key (the default manifest). */
    static key(manifest: Hypercore.Manifest | Uint8Array): Buffer
    static discoveryKey(key: Uint8Array): Buffer
    static createProtocolStream(
      isInitiator: boolean | NoiseSecretStream,
      opts?: Record<string, unknown>,
    ): NoiseSecretStream

    readonly id: string | null
    /** null until ready() when opened by name. */
    readonly key: Buffer | null
    readonly discoveryKey: Buffer | null
    readonly keyPair: KeyPair | null
    readonly manifest: Hypercore.Manifest | null
    readonly length: number
    readonly signedLength: number
    readonly contiguousLength: number
    /** Longest prefix any peer has reported holding; persisted across restarts. */
    readonly remoteContiguousLength: number
    readonly byteLength: number
    readonly fork: number
    readonly writable: boolean
    readonly readable: boolean
    readonly opened: boolean
    readonly closed: boolean
    readonly closing: Promise<void> | null
    readonly peers: unknown[]
    readonly encryption: object | null

    ready(): Promise<void>
    close(opts?: { error?: Error }): Promise<void>

    get(index: number, opts?: Hypercore.GetOptions): Promise<T | null>
    has(start: number, end?: number): Promise<boolean>
    append(blocks: T | T[]): Promise<{ length: number; byteLength: number }>
    update(opts?: Hypercore.UpdateOptions): Promise<boolean>
    truncate(newLength?: number, opts?: { fork?: number }): Promise<void>
    clear(start: number, end?: number): Promise<unknown>
    /** Fetches a range from peers in the background; end -1 follows the core as it grows. */
    download(range?: { start?: number; end?: number }): { destroy(): void }

    session(opts?: Hypercore.SessionOptions): Hypercore<T>
    snapshot(opts?: Hypercore.SessionOptions): Hypercore<T>

    setEncryption(encryption: object | null): Promise<void>

    /** Local-only metadata: never replicated, not encrypted by the core's encryption key. */
    setUserData(key: string, value: Uint8Array | string | null): Promise<void>
    getUserData(key: string): Promise<Buffer | null>

    replicate(
      isInitiator: boolean | NoiseSecretStream,
      opts?: Record<string, unknown>,
    ): NoiseSecretStream

    on(event: 'append' | 'ready' | 'close' | 'remote-contiguous-length', listener: () => void): this
    on(event: 'truncate', listener: (ancestors: number, forkId: number) => void): this
    // Same catch-all as Node's EventEmitter, so listeners can name their argument types.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    on(event: string, listener: (...args: any[]) => void): this
  }

  export = Hypercore
}
