/**
 * The one API contract between the node and its three transports (Electron IPC, the local
 * web server, the CLI): every command with its parameter schema, and the events the node
 * pushes. Transports validate with these schemas and hold no business logic.
 */
import { z } from 'zod'
import type {
  Home,
  MemberCard,
  MemberPage,
  Named,
  Organizer,
  Relations,
} from '../ledger/queries.ts'
import type { NetworkMeta, Pledge, Rejection } from '../ledger/model.ts'
import type { Notification } from '../ledger/notifications.ts'
import { CURRENCY_PATTERN, INVITE_DAYS_MAX, INVITE_DAYS_MIN } from '../ledger/limits.ts'
import {
  ABOUT_MAX,
  NAME_MAX,
  NOTE_MAX,
  RED_DAYS_MAX,
  amount,
  isTimeZone,
  paymentDetail,
} from '../ledger/ops.ts'

/** A network named by its id (hex key), a unique prefix of it, or its unique name. */
const network = z.string().trim().min(1, 'name a network')
/** A member named by id, short id (prefix) or unique name. */
const member = z.string().trim().min(1, 'name a member')
const pledge = z.string().trim().min(1, 'name a pledge')
const onPledge = z.object({ network, pledge })

/** Commands that act on one existing pledge; each is the op of the same name. */
export type PledgeCommand =
  | 'intention.cancel'
  | 'intention.commit'
  | 'intention.fulfil'
  | 'obligation.fulfil'
  | 'obligation.confirm'
  | 'obligation.forgive'
  | 'request.commit'
  | 'request.fulfil'
  | 'request.confirm'

export const commandSchemas = {
  'identity.get': z.object({}),
  'identity.set': z.object({ name: z.string().trim().min(1).max(NAME_MAX) }),
  'network.create': z.object({
    name: z.string().trim().min(1).max(NAME_MAX),
    currency: z
      .string()
      .regex(CURRENCY_PATTERN, 'use a currency code such as EUR, or a unit such as hours'),
    decimals: z.number().int().min(0).max(3).optional(),
    timeZone: z
      .string()
      .refine(isTimeZone, 'is not a known time zone (e.g. Europe/Berlin)')
      .optional(),
    memberName: z.string().trim().min(1).max(NAME_MAX).optional(),
  }),
  'network.list': z.object({}),
  'network.join': z.object({
    invite: z.string().trim().min(1, 'paste an invite code or exodus:// link'),
    name: z.string().trim().min(1).max(NAME_MAX).optional(),
    /** Keep waiting for a member to come online instead of giving up. */
    wait: z.boolean().optional(),
  }),
  'network.leave': z.object({ network }),
  /** Deletes this device's copy of a network (after leaving it, or to stop keeping it). */
  'network.forget': z.object({ network }),
  /** Deletes all of this device's data, identity included, and starts afresh. */
  'data.remove': z.object({ confirm: z.literal(true, 'confirm: true is required') }),
  export: z.object({
    network,
    /** Only the promises I made, instead of the network's whole history. */
    mine: z.boolean().optional(),
    format: z.enum(['json', 'csv']).optional(),
  }),
  'invite.create': z.object({
    network,
    /** Member in need the invite points to ("come and help Anna"). */
    for: member.optional(),
    expiresInDays: z.number().min(INVITE_DAYS_MIN).max(INVITE_DAYS_MAX).optional(),
    uses: z.number().int().min(1).max(1000).optional(),
  }),
  'invite.list': z.object({ network }),
  'invite.revoke': z.object({ network, invite: z.string().min(1) }),
  'profile.set': z.object({
    network,
    name: z.string().trim().min(1).max(NAME_MAX).optional(),
    about: z.string().max(ABOUT_MAX, `about is limited to ${ABOUT_MAX} characters`).optional(),
  }),
  'payment.set': z.object({ network, details: z.array(paymentDetail).max(10) }),
  'status.set': z.discriminatedUnion('status', [
    z.object({ network, status: z.literal('green') }),
    z.object({ network, status: z.literal('orange'), amount }),
    z.object({
      network,
      status: z.literal('red'),
      amount,
      days: z.number().int().min(1).max(RED_DAYS_MAX),
    }),
  ]),
  'intention.create': z.object({
    network,
    to: member,
    amount,
    note: z.string().max(NOTE_MAX).optional(),
  }),
  'intention.change': z.object({ network, pledge, amount }),
  'intention.cancel': onPledge,
  'intention.commit': onPledge,
  'intention.fulfil': onPledge,
  'obligation.create': z.object({
    network,
    to: member,
    amount,
    note: z.string().max(NOTE_MAX).optional(),
  }),
  'obligation.fulfil': onPledge,
  'obligation.confirm': onPledge,
  'obligation.forgive': onPledge,
  'request.commit': onPledge,
  'request.fulfil': onPledge,
  'request.confirm': onPledge,
  state: z.object({ network }),
  home: z.object({ network }),
  'member.card': z.object({ network, member }),
  'member.relations': z.object({ network, member }),
  'member.page': z.object({ network, member }),
  organizer: z.object({ network }),
  members: z.object({ network }),
  'members.inNeed': z.object({ network }),
  peers: z.object({ network }),
  'notifications.list': z.object({
    network: network.optional(),
    unreadOnly: z.boolean().optional(),
  }),
  'notifications.read': z.object({
    ids: z.array(z.string()).optional(),
    all: z.boolean().optional(),
  }),
  logs: z.object({ lines: z.number().int().min(1).max(10_000).optional() }),
  'node.info': z.object({}),
} as const

export type Command = keyof typeof commandSchemas
export const COMMANDS = Object.keys(commandSchemas) as Command[]
export type Params<C extends Command> = z.infer<(typeof commandSchemas)[C]>

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
  needsUpdate: boolean
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
  members: MemberCard[]
  relations: Relations
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

export interface Results {
  'identity.get': Identity
  'identity.set': Identity
  'network.create': NetworkSummary
  'network.list': NetworkSummary[]
  'network.join': { network: NetworkSummary; landing: string | null }
  'network.leave': { network: string; note: string }
  'network.forget': { network: string; name: string }
  export: { filename: string; mimeType: string; rows: number; text: string }
  'data.remove': { removed: string[] }
  'invite.create': InviteInfo
  'invite.list': InviteInfo[]
  'invite.revoke': InviteInfo
  'profile.set': Appended
  'payment.set': Appended
  'status.set': Appended
  'intention.create': Appended
  'intention.change': Appended
  'intention.cancel': Appended
  'intention.commit': Appended
  'intention.fulfil': Appended
  'obligation.create': Appended
  'obligation.fulfil': Appended
  'obligation.confirm': Appended
  'obligation.forgive': Appended
  'request.commit': Appended
  'request.fulfil': Appended
  'request.confirm': Appended
  state: NetworkState
  home: HomeState
  'member.card': MemberCard
  'member.relations': Relations
  'member.page': MemberPage
  organizer: OrganizerState
  members: MembersState
  'members.inNeed': MemberCard[]
  peers: SyncState & { network: string; remotes: Array<{ key: string; since: number }> }
  'notifications.list': NotificationEntry[]
  'notifications.read': { read: number }
  logs: string[]
  'node.info': NodeInfo
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

/** An error a user can act on: `code` is stable, `message` says what to do. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export type ParseResult<C extends Command> =
  { ok: true; params: Params<C> } | { ok: false; error: ApiError }

export function parseCommand<C extends Command>(command: C, params: unknown): ParseResult<C> {
  const schema = commandSchemas[command]
  if (!schema)
    return {
      ok: false,
      error: new ApiError('unknown-command', `unknown command ${String(command)}`),
    }
  const parsed = schema.safeParse(params ?? {})
  if (parsed.success) return { ok: true, params: parsed.data as Params<C> }
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
  return {
    ok: false,
    error: new ApiError('invalid-params', `${command}: ${where}${issue?.message ?? 'invalid'}`),
  }
}

export function isCommand(name: unknown): name is Command {
  return typeof name === 'string' && Object.hasOwn(commandSchemas, name)
}

/** What every transport talks to: the node, through this contract only. */
export interface NodeApi {
  call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]>
  on(event: 'event', listener: (e: NodeEvent) => void): unknown
  off(event: 'event', listener: (e: NodeEvent) => void): unknown
}

export type Reply =
  { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }

/**
 * The transports' single entry point: checks the command name and its parameters against
 * the contract, calls the node, and turns any failure into an error a user can act on.
 */
export async function dispatch(node: NodeApi, command: unknown, params: unknown): Promise<Reply> {
  if (!isCommand(command)) {
    return {
      ok: false,
      error: { code: 'unknown-command', message: `unknown command ${JSON.stringify(command)}` },
    }
  }
  const parsed = parseCommand(command, params)
  if (!parsed.ok)
    return { ok: false, error: { code: parsed.error.code, message: parsed.error.message } }
  try {
    return { ok: true, result: await node.call(command, parsed.params) }
  } catch (err) {
    if (err instanceof ApiError)
      return { ok: false, error: { code: err.code, message: err.message } }
    return {
      ok: false,
      error: { code: 'internal', message: err instanceof Error ? err.message : String(err) },
    }
  }
}
