// blind-pairing 2.3 (with blind-pairing-core 2): invites that hand out a network's key and
// encryption key to a new device.
declare module 'blind-pairing' {
  import type { EventEmitter } from 'node:events'
  import type ReadyResource from 'ready-resource'
  import type Hyperswarm from 'hyperswarm'

  namespace BlindPairing {
    interface CreateInviteOptions {
      discoveryKey?: Uint8Array
      /** Unix ms; encoded in the invite but NOT enforced by the library: check it yourself. */
      expires?: number
      seed?: Uint8Array
      sensitive?: boolean
      data?: Uint8Array
      testInvitation?: boolean
      additionalNodes?: Array<{ host: string; port: number }>
    }

    interface CreatedInvite {
      /** What a member matches against MemberRequest.inviteId. */
      id: Buffer
      /** The bytes to share (z32-encode for humans). */
      invite: Buffer
      seed: Buffer
      publicKey: Buffer
      additional: { data: Buffer; signature: Buffer } | null
      discoveryKey: Buffer
      expires: number
      sensitive: boolean
      testInvitation: boolean
    }

    interface DecodedInvite {
      id: Buffer
      seed: Buffer
      discoveryKey: Buffer | null
      expires: number
      sensitive: boolean
      testInvitation: boolean
      additionalNodes: Array<{ host: string; port: number }> | null
    }

    /** What a candidate receives when a member confirms. */
    interface Paired {
      key: Buffer
      encryptionKey: Buffer | null
      data: Buffer | null
    }

    /** An incoming request on the member side. */
    interface MemberRequest {
      readonly inviteId: Buffer
      discoveryKey: Buffer | null
      /** Set by open(). */
      readonly publicKey: Buffer | null
      readonly userData: Buffer | null
      readonly id: Buffer | null
      readonly receipt: Buffer | null
      /** Authenticates the request with the invite's public key; returns the candidate's userData. Throws if it does not match. */
      open(publicKey: Uint8Array): Buffer
      confirm(opts: {
        key: Uint8Array
        encryptionKey?: Uint8Array | null
        additional?: { data: Uint8Array; signature: Uint8Array } | null
      }): void
      /** status 1 rejected (default), 2 invite used, 3 invite expired. */
      deny(opts?: { status?: number }): void
    }

    /** The candidate's request; emits 'rejected' (err) when a member denies, 'accepted' (Paired). */
    interface CandidateRequest extends EventEmitter {
      readonly discoveryKey: Buffer
      readonly inviteId: Buffer
      readonly userData: Buffer
      readonly id: Buffer
      on(event: 'rejected', listener: (err: Error) => void): this
      on(event: 'accepted', listener: (paired: Paired) => void): this
      on(event: 'destroyed', listener: () => void): this
      // Same catch-all as Node's EventEmitter, so listeners can name their argument types.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      on(event: string, listener: (...args: any[]) => void): this
    }

    interface MemberOptions {
      discoveryKey: Uint8Array
      announce?: boolean
      onadd?: (request: MemberRequest) => Promise<void> | void
    }

    interface Member extends ReadyResource {
      readonly discoveryKey: Buffer
      announce(): Promise<void>
      flushed(): Promise<void>
      refresh(): Promise<void>
    }

    interface CandidateOptions {
      invite: Uint8Array
      /** Sent to the member, e.g. the candidate's writer key. */
      userData: Uint8Array
      discoveryKey?: Uint8Array
      onadd?: (paired: Paired) => Promise<void> | void
    }

    interface Candidate extends ReadyResource {
      readonly discoveryKey: Buffer
      readonly request: CandidateRequest
      readonly paired: Paired | null
      /** Resolves with the result, or null when closed first. Never settles for an unknown or reused invite. */
      readonly pairing: Promise<Paired | null>
      refresh(): Promise<void>
    }

    interface Options {
      /** ms between DHT polls when no swarm connection carries the request. Default 7 min. */
      poll?: number
      onincoming?: (...args: unknown[]) => void
    }
  }

  class BlindPairing extends ReadyResource {
    constructor(swarm: Hyperswarm, opts?: BlindPairing.Options)

    static createInvite(
      key: Uint8Array,
      opts?: BlindPairing.CreateInviteOptions,
    ): BlindPairing.CreatedInvite
    /** Throws on malformed bytes (but cannot tell whether the network exists). */
    static decodeInvite(invite: Uint8Array): BlindPairing.DecodedInvite
    static verifyReceipt(receipt: Uint8Array, publicKey: Uint8Array): Buffer | null

    readonly swarm: Hyperswarm
    readonly poll: number

    addMember(opts: BlindPairing.MemberOptions): BlindPairing.Member
    addCandidate(opts: BlindPairing.CandidateOptions): BlindPairing.Candidate
    suspend(): Promise<void>
    resume(): void
    refresh(): Promise<void>
  }

  export = BlindPairing
}
