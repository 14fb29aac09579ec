/**
 * What the node's commands and queries return, and the events it pushes: the data types of
 * the API contract, shared by the node, its transports and the screens.
 */
import type { ClearingPreview, ClearingResults } from '../ledger/clearing-view.ts'
import type {
  Home,
  MemberCard,
  Named,
  Organizer,
  PersonCard,
  Relations,
} from '../ledger/queries.ts'
import type { NetworkMeta, Pledge, Rejection } from '../ledger/model.ts'
import type { Notification } from '../ledger/notifications.ts'

export interface Identity {
  name: string
  publicKey: string
}

export interface SyncState {
  /** Peers connected for this network now. */
  peers: number
  /** Last time data arrived from or went to a peer (ms), null if never. */
  lastSync: number | null
  /** Whether this member's latest entries have reached at least one peer. */
  ownEntriesShared: boolean
  /**
   * Whether the whole network state is on this device: false for a while after catching up
   * by fast-forward, which brings the latest state first and the rest of it afterwards.
   */
  stateComplete: boolean
  writable: boolean
}

export interface NetworkSummary {
  id: string
  name: string
  currency: string
  decimals: number
  timeZone: string
  cycle: string | null
  /** This node's member id in the network (its writer key). */
  me: string
  joined: boolean
  /** This member left the network on this device. */
  left: boolean
  /** Whether this device still replicates the network (it stops after leaving). */
  syncing: boolean
  sync: SyncState
  /** Some members write ops this app cannot read yet: it should be updated. */
  needsUpdate: boolean
  /** Those members (ids), for the app to say who. */
  newerApp: string[]
}

export interface InviteInfo {
  id: string
  code: string
  link: string
  network: string
  for: string | null
  /** The name of the member it is for, so a list of invites needs no list of members. */
  forName: string | null
  createdAt: number
  expiresAt: number
  uses: number
  used: number
  revoked: boolean
}

/** A link code to make another device mine (domain.md §12): single use, short-lived. */
export interface DeviceLinkCode {
  network: string
  code: string
  /** The code as an exodus:// link (the app opens it as it opens an invite). */
  link: string
  /** When the code stops working (ms). */
  expires: number
}

/** One of my devices in a network: a writer of the network that acts as me. */
export interface DeviceInfo {
  /** Its writer key. */
  key: string
  /** The first 8 hex characters of the key, as people name it. */
  id: string
  /** Whether it is the device answering. */
  thisDevice: boolean
  /** When it was admitted to the network (its writer record), null if not known. */
  linkedAt: number | null
  /** Whether it holds one of the network's indexer places (docs/protocol.md). */
  indexer: boolean
}

/** What linking this device with a link code did. */
export interface LinkedDevice {
  /** The networks this device joined as the person, the code's own first. */
  networks: NetworkSummary[]
  /**
   * Networks of the person this device could not join now (more than one link carries, or
   * one whose code failed): each is linked with a code of its own, made in that network.
   */
  notLinked: number
}

/** What changing the member key (identity.rekey) did: the new phrase, and each network. */
export interface Rekeyed {
  /** The new recovery phrase, to write down: the old one no longer works once it changed. */
  words: string[]
  /** Each network this install is a member of, the one named first. */
  networks: Array<{
    network: string
    name: string
    /**
     * Whether its member key changed now; false: this device could not write there now, and
     * changes it once it can (the new phrase is this install's already).
     */
    rekeyed: boolean
    /** The devices unlinked there with it (writer keys). */
    unlinked: string[]
  }>
}

export interface NetworkState {
  network: NetworkSummary
  meta: NetworkMeta
  me: string
  home: Home
  members: MemberCard[]
  relations: Relations
  organizer: Organizer
  notifications: NotificationEntry[]
  rejected: Rejection[]
}

/** Home's part of the state: no list of every member, only the names it mentions. */
export interface HomeState extends Pick<
  NetworkState,
  'network' | 'meta' | 'me' | 'home' | 'organizer' | 'notifications'
> {
  names: Record<string, string>
  /** How many others ask for help: `home.needsHelp` lists the first of them (HOME_NEEDY). */
  needsHelpTotal: number
}

/** The organizer's lists, with the names of the members they mention (and who left). */
export interface OrganizerState extends Named {
  me: string
  organizer: Organizer
}

/** Every member's card and my relations: what People lists, no more. */
export interface MembersState {
  me: string
  members: PersonCard[]
  relations: Relations
}

/** What the clearing would do now for me and in all, with the names of the members it shows. */
export interface ClearingPreviewState extends ClearingPreview, Named {
  me: string
}

/** The clearings that ran, what one did for me, and the names of the members it shows. */
export interface ClearingResultsState extends ClearingResults, Named {
  me: string
}

export interface NotificationEntry extends Notification {
  network: string
  read: boolean
}

/** What an op-appending command returns: the pledge it created or touched, if any. */
export interface Appended {
  network: string
  op: string
  pledge: Pledge | null
}

export interface NodeInfo {
  dataDir: string
  /** HOST:PORT of the DHT bootstrap nodes; null means the public HyperDHT. */
  bootstrap: string[] | null
  version: string
}

/** Events the node pushes to connected transports. */
export type NodeEvent =
  | { type: 'state'; network: string }
  | { type: 'notification'; notification: NotificationEntry }
  | { type: 'sync'; network: string; sync: SyncState }
