// Hyperswarm 4: join topics, get encrypted connections.
declare module 'hyperswarm' {
  import type { EventEmitter } from 'node:events'
  import type HyperDHT from 'hyperdht'
  import type NoiseSecretStream from '@hyperswarm/secret-stream'
  import type { KeyPair } from 'hypercore-crypto'

  namespace Hyperswarm {
    interface Options {
      /** Share one DHT (e.g. a testnet node); otherwise one is created with `bootstrap`. */
      dht?: HyperDHT
      bootstrap?: HyperDHT.Options['bootstrap']
      keyPair?: KeyPair
      seed?: Uint8Array
      maxPeers?: number
      /** Return true to reject a peer. */
      firewall?: (remotePublicKey: Buffer, payload: unknown) => boolean
    }

    interface JoinOptions {
      server?: boolean
      client?: boolean
      limit?: number
    }

    interface PeerDiscoverySession {
      readonly topic: Buffer
      readonly isClient: boolean
      readonly isServer: boolean
      /** Announced / looked up once; does not mean any peer is connected. */
      flushed(): Promise<void>
      refresh(opts?: JoinOptions): Promise<void>
      destroy(): Promise<void>
    }

    interface PeerInfo extends EventEmitter {
      readonly publicKey: Buffer
      readonly topics: Buffer[]
      readonly client: boolean
      readonly explicit: boolean
      ban(val?: boolean): void
      reconnect(val: boolean): void
    }

    /** Swarm connections have completed their handshake, so both keys are set. */
    type Connection = NoiseSecretStream & {
      readonly remotePublicKey: Buffer
      readonly publicKey: Buffer
    }
  }

  class Hyperswarm extends EventEmitter {
    constructor(opts?: Hyperswarm.Options)

    readonly dht: HyperDHT
    readonly keyPair: KeyPair
    readonly connections: Set<Hyperswarm.Connection>
    readonly peers: Map<string, Hyperswarm.PeerInfo>
    readonly destroyed: boolean
    readonly suspended: boolean

    join(topic: Uint8Array, opts?: Hyperswarm.JoinOptions): Hyperswarm.PeerDiscoverySession
    leave(topic: Uint8Array): Promise<void>
    joinPeer(publicKey: Uint8Array): void
    leavePeer(publicKey: Uint8Array): void
    status(topic: Uint8Array): Hyperswarm.PeerDiscoverySession | null
    listen(): Promise<void>
    /** Waits for pending discovery and connection attempts, not for a connection. */
    flush(): Promise<boolean>
    destroy(opts?: { force?: boolean }): Promise<void>
    suspend(): Promise<void>
    resume(): Promise<void>

    on(
      event: 'connection',
      listener: (conn: Hyperswarm.Connection, info: Hyperswarm.PeerInfo) => void,
    ): this
    on(event: 'update', listener: () => void): this
    on(event: 'ban', listener: (info: Hyperswarm.PeerInfo, err: unknown) => void): this
    // Same catch-all as Node's EventEmitter, so listeners can name their argument types.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    on(event: string | symbol, listener: (...args: any[]) => void): this
  }

  export = Hyperswarm
}
