// Autobase 7 (7.28.1): the parts the ledger uses. Field names checked against lib/apply-state.js.
declare module 'autobase' {
  import type ReadyResource from 'ready-resource'
  import type Hypercore from 'hypercore'
  import type Corestore from 'corestore'
  import type NoiseSecretStream from '@hyperswarm/secret-stream'
  import type { KeyPair } from 'hypercore-crypto'

  namespace Autobase {
    interface Head {
      key: Buffer
      length: number
    }

    /** One block handed to apply. Ack blocks (value null) never reach apply. */
    interface ApplyNode<V> {
      /** The writer core the block came from: `from.key` is the author. */
      from: Hypercore<unknown>
      /** 1-based position of the block in the author's core. */
      length: number
      value: V
      heads: Head[]
      /** Already part of the indexers' signed order (will not be reordered). */
      indexed: boolean
      optimistic: boolean
    }

    /** Host calls on the system; only legal while apply runs. */
    interface ApplyHost {
      readonly key: Buffer
      readonly discoveryKey: Buffer
      addWriter(key: Uint8Array, opts?: { indexer?: boolean }): Promise<void>
      /** Throws for the last indexer: check removeable() first. */
      removeWriter(key: Uint8Array): Promise<void>
      ackWriter(key: Uint8Array): Promise<void>
      removeable(key: Uint8Array): boolean
      /** Stops apply and closes the base, emitting 'interrupt'. */
      interrupt(reason?: unknown): never
      preferFastForward(): void
    }

    /** What open() builds its view from: cores by name, derived from the base. */
    interface ViewStore {
      get<T = Buffer>(
        opts: string | { name: string; valueEncoding?: Hypercore.ValueEncoding },
      ): Hypercore<T>
    }

    interface Handlers<V, View> {
      open?: (store: ViewStore, host: Pick<ApplyHost, 'key' | 'discoveryKey'>) => View
      apply?: (nodes: Array<ApplyNode<V>>, view: View, host: ApplyHost) => Promise<void>
      close?: (view: View) => Promise<void>
      valueEncoding?: Hypercore.ValueEncoding
      /** ms between background acks by indexers; 0 disables the ack timer. Default 10 000. */
      ackInterval?: number
      ackThreshold?: number
      /** 32 bytes. Persisted in local user data on first open and preferred over this afterwards. */
      encryptionKey?: Uint8Array | Promise<Uint8Array> | null
      encrypt?: boolean
      encrypted?: boolean
      optimistic?: boolean
      fastForward?: boolean | { key: Uint8Array }
      keyPair?: KeyPair | Promise<KeyPair>
      bigBatches?: boolean
    }

    interface AppendOptions {
      optimistic?: boolean
    }
  }

  class Autobase<V = Buffer, View = unknown> extends ReadyResource {
    constructor(
      store: Corestore,
      bootstrap: Uint8Array | string | null,
      handlers?: Autobase.Handlers<V, View>,
    )

    static isAutobase(core: Hypercore<unknown>, opts?: Hypercore.GetOptions): Promise<boolean>
    static getLocalKey(store: Corestore, opts?: { keyPair?: KeyPair }): Promise<Buffer>

    /** Set once ready: the bootstrap (network) key. */
    readonly key: Buffer
    readonly discoveryKey: Buffer
    readonly id: string
    readonly view: View
    /** This peer's writer core. */
    readonly local: Hypercore<unknown>
    /** The system core that orders everything. */
    readonly core: Hypercore<unknown>
    readonly store: Corestore
    readonly encryptionKey: Buffer | null
    readonly writable: boolean
    readonly isIndexer: boolean
    readonly ackable: boolean
    readonly length: number
    readonly signedLength: number
    readonly indexedLength: number
    readonly paused: boolean

    /** Resolves with the new length of the local writer core (= the block's 1-based position). */
    append(value: V | V[] | null, opts?: Autobase.AppendOptions): Promise<number>
    update(): Promise<void>
    /** Resolves when the apply pass under way (if any) has finished. */
    advance(): Promise<void>
    ack(bg?: boolean): Promise<void>
    flush(): Promise<void>
    heads(): Autobase.Head[]
    hash(): Promise<Buffer>
    replicate(
      isInitiator: boolean | NoiseSecretStream,
      opts?: Record<string, unknown>,
    ): NoiseSecretStream
    /** Writer-core encryption provider (null when unencrypted); for reading writer blocks directly. */
    getWriterEncryption(): object | null
    setUserData(key: string, value: Uint8Array | string | null): Promise<void>
    getUserData(key: string): Promise<Buffer | null>
    /** The views' cores as they are now. */
    views(): Array<{ name: string; key: Buffer; length: number; signedLength: number }>
    waitForWritable(): Promise<boolean>
    getLastError(): unknown
    pause(): void
    resume(): void

    on(
      event:
        'update' | 'writable' | 'unwritable' | 'is-indexer' | 'is-non-indexer' | 'ready' | 'close',
      listener: () => void,
    ): this
    on(event: 'error' | 'warning', listener: (err: Error) => void): this
    on(event: 'interrupt', listener: (reason: unknown) => void): this
    on(event: 'fast-forward', listener: (to: number, from: number) => void): this
    // Same catch-all as Node's EventEmitter, so listeners can name their argument types.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    on(event: string | symbol, listener: (...args: any[]) => void): this
  }

  export = Autobase
}
