// Only what the app touches: the encrypted duplex every replication and swarm connection is.
declare module '@hyperswarm/secret-stream' {
  import type { EventEmitter } from 'node:events'

  class NoiseSecretStream extends EventEmitter {
    constructor(isInitiator: boolean, rawStream?: unknown, opts?: Record<string, unknown>)
    readonly isInitiator: boolean
    readonly publicKey: Buffer | null
    readonly remotePublicKey: Buffer | null
    readonly handshakeHash: Buffer | null
    readonly connected: boolean
    readonly destroyed: boolean
    readonly opened: Promise<boolean>
    /** Free slot for whoever owns the stream (corestore puts its protomux here). */
    userData: unknown
    pipe<T extends NoiseSecretStream>(dest: T): T
    write(data: Uint8Array): boolean
    end(): this
    destroy(err?: Error | null): void
    setKeepAlive(ms: number): void
    setTimeout(ms: number): void
  }

  export = NoiseSecretStream
}
