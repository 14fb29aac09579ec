declare module 'corestore' {
  import type ReadyResource from 'ready-resource'
  import type Hypercore from 'hypercore'
  import type NoiseSecretStream from '@hyperswarm/secret-stream'
  import type { KeyPair } from 'hypercore-crypto'

  namespace Corestore {
    interface Options {
      primaryKey?: Uint8Array
      /** Required with primaryKey: the library refuses a primary key otherwise. */
      unsafe?: boolean
      readOnly?: boolean
      writable?: boolean
      namespace?: Uint8Array
      active?: boolean
      suspend?: boolean
    }

    interface GetOptions extends Hypercore.SessionOptions {
      key?: Uint8Array | string
      discoveryKey?: Uint8Array
      /** A writable core derived from the store's primary key and namespace. */
      name?: string
      keyPair?: KeyPair
      manifest?: Hypercore.Manifest
      createIfMissing?: boolean
    }
  }

  class Corestore extends ReadyResource {
    constructor(storage: string, opts?: Corestore.Options)

    readonly primaryKey: Buffer | null
    readonly ns: Buffer
    readonly readOnly: boolean

    get<T = Buffer>(opts: Corestore.GetOptions | Uint8Array | string): Hypercore<T>
    /** A view on the same storage that can be closed without closing its root. */
    session(opts?: Corestore.Options): Corestore
    /** Like session(), but `name`d cores get distinct keys per namespace. */
    namespace(name: string | Uint8Array, opts?: Corestore.Options): Corestore
    replicate(
      isInitiator: boolean | NoiseSecretStream,
      opts?: Record<string, unknown>,
    ): NoiseSecretStream
    createKeyPair(name: string, ns?: Uint8Array): Promise<KeyPair>
    suspend(): Promise<void>
    resume(): void
  }

  export = Corestore
}
