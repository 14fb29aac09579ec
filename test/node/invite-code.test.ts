/**
 * A mistyped invite code is refused at once as not valid, before the node goes looking for a
 * member to pair with; only a code that passes its check is taken to the network.
 */
import fs from 'node:fs'
import { randomBytes } from 'node:crypto'
import BlindPairing from 'blind-pairing'
import z32 from 'z32'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../core/api/contract.ts'
import { main } from '../../core/cli/main.ts'
import { startDaemon } from '../../core/daemon/daemon.ts'
import { createNode } from '../../core/node/node.ts'
import { decodeInviteCode, encodeInviteCode } from '../../core/node/invite-code.ts'
import { afterTest, bootstrapOf, create, errorOf, startNode, tempFolder } from '../support/nodes.ts'

const DAY = 86_400_000
const NOT_VALID = /^This invite code is not valid: a character is wrong or missing\./

/** The code with its character at `at` replaced by the next one of the alphabet. */
function typo(code: string, at: number): string {
  const next = z32.ALPHABET[(z32.ALPHABET.indexOf(code[at]!) + 1) % z32.ALPHABET.length]!
  return code.slice(0, at) + next + code.slice(at + 1)
}

function refusal(run: () => unknown): string {
  try {
    run()
  } catch (err) {
    if (err instanceof ApiError) return `${err.code}: ${err.message}`
    throw err
  }
  return 'accepted'
}

describe('invite codes', () => {
  const now = Date.now()
  const created = BlindPairing.createInvite(randomBytes(32), { expires: now + 7 * DAY })
  const code = encodeInviteCode(created.invite)

  it('read back as the invite they were made from, also in capitals and from older apps', () => {
    expect(code).toHaveLength(120)
    expect(decodeInviteCode(code, now)).toMatchObject({
      id: created.id.toString('hex'),
      discoveryKey: created.discoveryKey.toString('hex'),
      bytes: created.invite,
    })
    expect(decodeInviteCode(`exodus://join/${code.toUpperCase()}`, now).id).toBe(
      created.id.toString('hex'),
    )
    // An app from before the check decodes the whole code as the invite, check and all.
    expect(BlindPairing.decodeInvite(z32.decode(code)).id).toEqual(created.id)
  })

  it('are refused as not valid with any one character changed, left out or added', () => {
    const outcomes = new Map<string, number>()
    const count = (text: string) => {
      const outcome = refusal(() => decodeInviteCode(text, now))
      const kind = /^invite-malformed: This invite code is not valid/.test(outcome)
        ? 'not valid'
        : outcome
      outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1)
    }
    for (let at = 0; at < code.length; at++) {
      for (const c of z32.ALPHABET)
        if (c !== code[at]) count(code.slice(0, at) + c + code.slice(at + 1))
      count(code.slice(0, at) + code.slice(at + 1))
    }
    count(code + 'y')
    expect(Object.fromEntries(outcomes)).toEqual({ 'not valid': 120 * 31 + 120 + 1 })
    expect(refusal(() => decodeInviteCode(typo(code, 30), now))).toMatch(
      new RegExp(`^invite-malformed: ${NOT_VALID.source.slice(1)}`),
    )
  })
})

describe('joining with a mistyped code', () => {
  it('fails at once although a member is online, from the node and from the CLI', async () => {
    const { node: anna, net, t } = await create()
    const invite = await anna.call('invite.create', { network: net.id })
    const wrong = typo(invite.code, 30) // inside the pairing seed: another invite, unknown to all

    // The joiner waits for an answer as long as a real one does (20 s).
    const boris = await startNode(t, 'Boris')
    let started = Date.now()
    const e = await errorOf(boris.call('network.join', { invite: wrong }))
    expect([e.code, e.message]).toEqual(['invite-malformed', expect.stringMatching(NOT_VALID)])
    expect(Date.now() - started).toBeLessThan(1_000)

    const dir = await tempFolder('vera')
    const daemon = await startDaemon({
      dataDir: dir,
      bootstrap: bootstrapOf(t),
      handleSignals: false,
      print: () => {},
      createNode: (options) => createNode(options),
    })
    afterTest(() => daemon.stop())
    const err: string[] = []
    started = Date.now()
    const exit = await main(['--data', dir, 'join', `exodus://join/${wrong}`], {
      stdout: () => {},
      stderr: (line) => err.push(line),
      env: {},
    })
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(exit).toBe(1)
    expect(err.join('\n')).toMatch(new RegExp(`^exodus: ${NOT_VALID.source.slice(1)}`))
    expect(fs.readFileSync(`${dir}/exodus.log`, 'utf8')).not.toMatch(/joining with an invite/)

    // Anna was online all along: the code as she sent it lets Boris in.
    const joined = await boris.call('network.join', { invite: invite.code })
    expect(joined.network.id).toBe(net.id)
  })
})
