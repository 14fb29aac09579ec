// HyperDHT 6: enough to run a swarm on a private loopback testnet.
declare module 'hyperdht' {
  import type { EventEmitter } from 'node:events'
  import type { KeyPair } from 'hypercore-crypto'

  namespace HyperDHT {
    interface Node {
      host: string
      port: number
    }

    interface Options {
      /** Testnet nodes; without it the public bootstrap nodes are used. */
      bootstrap?: Array<Node | string>
      /** Bind and advertise this host; '127.0.0.1' keeps tests off the LAN. */
      host?: string
      port?: number
      /** false skips NAT probing: needed for fast connections between local processes. */
      firewalled?: boolean
      ephemeral?: boolean
      keyPair?: KeyPair
      seed?: Uint8Array
      connectionKeepAlive?: number | false
    }
  }

  class HyperDHT extends EventEmitter {
    constructor(opts?: HyperDHT.Options)
    static keyPair(seed?: Uint8Array): KeyPair

    readonly defaultKeyPair: KeyPair
    readonly host: string | null
    readonly port: number
    readonly firewalled: boolean
    readonly destroyed: boolean

    ready(): Promise<void>
    fullyBootstrapped(): Promise<void>
    address(): { host: string; port: number }
    destroy(opts?: { force?: boolean }): Promise<void>
  }

  export = HyperDHT
}

declare module 'hyperdht/testnet' {
  import type HyperDHT from 'hyperdht'

  namespace createTestnet {
    interface Testnet extends Iterable<HyperDHT> {
      readonly nodes: HyperDHT[]
      /** Pass as `bootstrap` to every DHT that should join the testnet. */
      readonly bootstrap: HyperDHT.Node[]
      createNode(opts?: HyperDHT.Options): HyperDHT
      destroy(): Promise<void>
    }

    interface Options {
      host?: string
      port?: number
      bootstrap?: HyperDHT.Node[]
      teardown?: (fn: () => Promise<void>, opts?: { order?: number }) => void
    }
  }

  function createTestnet(
    size?: number,
    opts?: createTestnet.Options,
  ): Promise<createTestnet.Testnet>

  export = createTestnet
}
