/**
 * A tiny in-memory NodeApi, ONLY to exercise the transports (server, WebSocket, daemon,
 * CLI). It holds no ledger rules: the real node (core/node/) gets its own integration tests.
 * Calls are recorded so tests can check what the transports sent.
 */
import { EventEmitter } from 'node:events'
import {
  ApiError,
  type Command,
  type NetworkSummary,
  type NodeApi,
  type NodeEvent,
  type Params,
  type Results,
  type SyncState,
} from '../../core/api/contract.ts'
import type { Pledge } from '../../core/ledger/model.ts'
import type { MemberCard } from '../../core/ledger/queries.ts'

export const ME = 'a'.repeat(64)
export const ANNA = 'b'.repeat(64)

/** A network's sync state with `peers` connected, everything else settled. */
export function syncState(peers: number): SyncState {
  return { peers, lastSync: null, ownEntriesShared: true, stateComplete: true, writable: true }
}

export function summary(id: string, name: string, decimals = 2): NetworkSummary {
  return {
    id,
    name,
    currency: 'EUR',
    decimals,
    timeZone: 'Europe/Berlin',
    cycle: '2025-01',
    me: ME,
    joined: true,
    left: false,
    syncing: true,
    sync: syncState(2),
    needsUpdate: false,
    newerApp: [],
  }
}

export function card(id: string, name: string): MemberCard {
  return {
    id,
    shortId: id.slice(0, 8),
    name,
    about: '',
    status: 'orange',
    left: false,
    joinedAt: 0,
    monthly: 50000,
    red: null,
    payment: [],
    defaultPayment: null,
    progress: {
      goal: 50000,
      intended: 7500,
      committed: 0,
      confirmed: 0,
      missing: 50000,
      supporters: 1,
    },
    outgoing: { people: 0, intended: 0, committed: 0, confirmed: 0 },
    overdue: 0,
    supporters: [ME],
    supporting: [],
    lines: {
      incoming: '1 👥→👤 (75 ❤️ / 500 🙏)',
      outgoing: '👤→0 👥 (0 ❤️ / 0 🤝 / 0 👍)',
      emergency: null,
    },
  }
}

export class FakeNode extends EventEmitter implements NodeApi {
  networks: NetworkSummary[] = [summary('c'.repeat(64), 'Friends')]
  calls: Array<{ command: Command; params: unknown }> = []
  closed = false

  emitEvent(event: NodeEvent) {
    this.emit('event', event)
  }

  async call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]> {
    this.calls.push({ command, params })
    return (await this.answer(command, params as never)) as Results[C]
  }

  private async answer(command: Command, params: Record<string, unknown>): Promise<unknown> {
    const net = () => {
      const n = this.networks.find((x) => x.id === params.network)
      if (!n) throw new ApiError('unknown-network', `no network ${String(params.network)}`)
      return n
    }
    switch (command) {
      case 'identity.get':
        return { name: 'Me', publicKey: ME }
      case 'network.list':
        return this.networks
      case 'network.create': {
        const created = {
          ...summary('d'.repeat(64), String(params.name), Number(params.decimals ?? 2)),
          currency: String(params.currency),
        }
        this.networks.push(created)
        return created
      }
      case 'member.card': {
        net()
        const m = String(params.member)
        if (m === ME || m === 'Me') return card(ME, 'Me')
        if (m === ANNA || m === 'Anna' || ANNA.startsWith(m)) return card(ANNA, 'Anna')
        throw new ApiError('unknown-member', `No member named ${m} in this network`)
      }
      case 'intention.create': {
        const n = net()
        if (params.to !== 'Anna')
          throw new ApiError('unknown-member', `No member named ${String(params.to)}`)
        const pledge: Pledge = {
          id: 'aaaaaaaaaaaa-op0001',
          kind: 'intention',
          state: 'active',
          from: ME,
          to: ANNA,
          amount: Number(params.amount),
          note: String(params.note ?? ''),
          collection: 'monthly',
          cycle: n.cycle ?? '',
          createdAt: 0,
          overdue: false,
        }
        return { network: n.id, op: 'op0001', pledge }
      }
      case 'obligation.confirm':
        net()
        throw new ApiError('not-allowed', 'Only the recipient may confirm an obligation.')
      case 'status.set':
        return { network: net().id, op: 'op0002', pledge: null }
      case 'logs':
        return ['fake log line']
      default:
        throw new ApiError('not-implemented', `the fake node does not do ${command}`)
    }
  }

  async close() {
    this.closed = true
  }
}
