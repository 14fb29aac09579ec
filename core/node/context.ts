/**
 * What a command may use of the node: its clock, bookkeeping, networks and admission. The
 * command modules import this as a type only, so the contract (and the transports that check
 * parameters with it) loads no network code.
 */
import type { NodeEvent } from '../api/results.ts'
import type { Admission } from './admission.ts'
import type { LocalStateFile } from './local-state.ts'
import type { Networks } from './networks.ts'
import type { Rekeying } from './rekey.ts'

export interface NodeContext {
  readonly dataDir: string
  readonly clock: () => number
  /** HOST:PORT of the DHT bootstrap nodes; null means the public HyperDHT. */
  readonly bootstrap: string[] | null
  readonly version: string
  readonly state: LocalStateFile
  readonly networks: Networks
  readonly admission: Admission
  /** Changing the member key, and following such changes made on my other devices. */
  readonly rekeying: Rekeying
  push(event: NodeEvent): void
  /** Deletes all local data and opens afresh: see ExodusNode. */
  removeAllData(): Promise<{ removed: string[] }>
}
