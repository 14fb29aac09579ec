// Hyperbee 2: the parts used for the ledger view (a B-tree over one hypercore).
declare module 'hyperbee' {
  import type ReadyResource from 'ready-resource'
  import type Hypercore from 'hypercore'

  namespace Hyperbee {
    type Encoding = Hypercore.ValueEncoding

    interface Options {
      keyEncoding?: Encoding
      valueEncoding?: Encoding
      /** Must be false inside Autobase views: the extension would talk to peers about view blocks. */
      extension?: boolean
      readonly?: boolean
      metadata?: unknown
    }

    interface Entry<K, V> {
      seq: number
      key: K
      value: V
    }

    interface Range<K> {
      gt?: K
      gte?: K
      lt?: K
      lte?: K
      reverse?: boolean
      limit?: number
    }

    interface ReadOptions {
      keyEncoding?: Encoding
      valueEncoding?: Encoding
      wait?: boolean
      update?: boolean
      /** ms to wait for a block that is not here; then the read fails with REQUEST_TIMEOUT. */
      timeout?: number
    }

    interface BatchOptions {
      /** false: never wait on the network for a newer root (what an apply handler wants). */
      update?: boolean
      wait?: boolean
      checkout?: number
    }

    /** Reads and writes against a pending set of changes; writes land on flush(). */
    interface Batch<K, V> {
      readonly version: number
      get(key: K, opts?: ReadOptions): Promise<Entry<K, V> | null>
      put(key: K, value: V, opts?: ReadOptions): Promise<void>
      del(key: K, opts?: ReadOptions): Promise<void>
      peek(range?: Range<K>, opts?: ReadOptions): Promise<Entry<K, V> | null>
      createReadStream(range?: Range<K>, opts?: ReadOptions): AsyncIterable<Entry<K, V>>
      /** With opts.keyEncoding 'binary' the bounds are raw bytes and keys come back as Buffers. */
      createReadStream(
        range: Range<Uint8Array>,
        opts: ReadOptions & { keyEncoding: 'binary' },
      ): AsyncIterable<Entry<Buffer, V>>
      flush(): Promise<void>
      close(): Promise<void>
    }
  }

  class Hyperbee<K = Buffer, V = Buffer> extends ReadyResource {
    constructor(core: Hypercore<unknown>, opts?: Hyperbee.Options)

    readonly core: Hypercore<unknown>
    readonly version: number
    readonly key: Buffer | null
    readonly discoveryKey: Buffer | null
    readonly writable: boolean
    readonly readable: boolean

    get(key: K, opts?: Hyperbee.ReadOptions): Promise<Hyperbee.Entry<K, V> | null>
    put(key: K, value: V, opts?: Hyperbee.ReadOptions): Promise<void>
    del(key: K, opts?: Hyperbee.ReadOptions): Promise<void>
    peek(
      range?: Hyperbee.Range<K>,
      opts?: Hyperbee.ReadOptions,
    ): Promise<Hyperbee.Entry<K, V> | null>
    batch(opts?: Hyperbee.BatchOptions): Hyperbee.Batch<K, V>
    createReadStream(
      range?: Hyperbee.Range<K>,
      opts?: Hyperbee.ReadOptions,
    ): AsyncIterable<Hyperbee.Entry<K, V>>
    createReadStream(
      range: Hyperbee.Range<Uint8Array>,
      opts: Hyperbee.ReadOptions & { keyEncoding: 'binary' },
    ): AsyncIterable<Hyperbee.Entry<Buffer, V>>
    /** A read-only bee pinned at `version`; close it when done. */
    checkout(version: number, opts?: Hyperbee.Options): Hyperbee<K, V>
    /** checkout() at the current version. */
    snapshot(opts?: Hyperbee.Options): Hyperbee<K, V>
    sub(prefix: string | Uint8Array, opts?: Hyperbee.Options): Hyperbee<K, V>
    update(opts?: Hypercore.UpdateOptions): Promise<boolean>
  }

  export = Hyperbee
}

// Hyperbee's block codec: a view block is one encoded Node.
declare module 'hyperbee/lib/messages.js' {
  export const Node: {
    decode(buf: Uint8Array): { key: Buffer; value: Buffer | null; index: Buffer }
  }
}
