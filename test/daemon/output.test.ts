import { describe, expect, it } from 'vitest'
import { peersText } from '../../core/cli/output.ts'

describe('exodus peers, in words', () => {
  const base = {
    network: 'n'.repeat(64),
    peers: 1,
    lastSync: null,
    ownEntriesShared: true,
    stateComplete: true,
    writable: true,
    remotes: [{ key: 'a'.repeat(64), since: 0 }],
  }

  it('says when the state is still arriving after a fast-forward, and only then', () => {
    expect(peersText(base)).not.toMatch(/still arriving/)
    expect(peersText({ ...base, stateComplete: false })).toMatch(
      /the rest of it is still arriving from peers/,
    )
  })

  it('says when own entries have not reached anyone and when nobody is online', () => {
    const alone = peersText({ ...base, peers: 0, remotes: [], ownEntriesShared: false })
    expect(alone).toMatch(/have not reached any peer yet/)
    expect(alone).toMatch(/No peers: nobody else in this network is online/)
  })
})
