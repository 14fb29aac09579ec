/**
 * What people type to name things, resolved: a network by id, id prefix or name; a member by
 * id, short id or unique name; a pledge by id, its op-id part, or a unique prefix of either.
 */
import { fail } from '../errors.ts'
import { incomingOf, outgoingOf } from '../ledger/ledger.ts'
import { keys } from '../ledger/model.ts'
import type { NetworkSession } from './session.ts'

export function resolveNetwork(all: readonly NetworkSession[], ref: string): NetworkSession {
  const exact = all.find((n) => n.key === ref)
  if (exact) return exact
  const lower = ref.toLowerCase()
  const byPrefix = lower.length >= 4 ? all.filter((n) => n.key.startsWith(lower)) : []
  if (byPrefix.length === 1) return byPrefix[0]!
  const byName = all.filter((n) => n.name?.toLowerCase() === lower)
  if (byName.length === 1) return byName[0]!
  if (byPrefix.length + byName.length > 1) {
    throw fail('ambiguous-network', { ref })
  }
  if (all.length === 0) throw fail('unknown-network', { ref }, 'none')
  const known = all.map((n) => `${n.name ?? '?'} (${n.short})`).join(', ')
  throw fail('unknown-network', { ref, known })
}

/** A member by id, id prefix or unique name. */
export async function resolveMember(n: NetworkSession, ref: string): Promise<string> {
  const lower = ref.toLowerCase()
  // A full id (what the UI sends) is one read; names and short ids need the member list.
  if (await n.read((kv) => kv.get(keys.member(lower)))) return lower
  const members = await n.read(async (kv) => (await n.members.at(kv)).members())
  const matches = members.filter(
    (m) => !m.left && (m.id.startsWith(lower) || m.name.toLowerCase() === lower),
  )
  if (matches.length === 1) return matches[0]!.id
  if (matches.length > 1) {
    const names = matches.map((m) => `${m.name} (${m.id.slice(0, 8)})`).join(', ')
    throw fail('ambiguous-member', { ref, matches: names })
  }
  throw fail('unknown-member', { ref })
}

/** A pledge of mine (made or received) by full id, its op-id part, or a unique prefix. */
export async function resolvePledge(n: NetworkSession, ref: string): Promise<string> {
  return n.read(async (kv) => {
    if (await kv.get(keys.pledge(ref))) return ref
    const mine = [...(await incomingOf(kv, n.me)), ...(await outgoingOf(kv, n.me))]
    const matches = [...new Set(mine.map((p) => p.id))].filter(
      (id) => id.startsWith(ref) || id.split('-').slice(1).join('-').startsWith(ref),
    )
    if (matches.length === 1) return matches[0]!
    if (matches.length > 1) throw fail('ambiguous-pledge', { ref })
    throw fail('unknown-pledge', { ref })
  })
}

/** How an op command's field names something: resolved before the op is made. */
export type RefKind = 'member' | 'pledge'

export function resolveRef(n: NetworkSession, kind: RefKind, ref: string): Promise<string> {
  return kind === 'member' ? resolveMember(n, ref) : resolvePledge(n, ref)
}
