/**
 * `exodus device link|list|unlink`, `exodus identity link` and `exodus identity rekey` as
 * docs/cli.md documents them, against two daemons running the real node on a local testnet: a
 * laptop and the phone it links.
 */
import { describe, expect, it } from 'vitest'
import type { DeviceInfo, DeviceLinkCode } from '../../core/api/contract.ts'
import { eventually, testnet } from '../support/nodes.ts'
import { realDaemon, runCli } from './helpers.ts'

const exodus = (dir: string, ...argv: string[]) => runCli(['--data', dir, ...argv])

const TIME = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d'

describe('exodus device and identity link', () => {
  it('links a phone with a code, lists both devices and unlinks the phone', async () => {
    const t = await testnet()
    const laptop = await realDaemon(t, 'laptop')
    const phone = await realDaemon(t, 'phone')
    await exodus(laptop, 'network', 'create', 'Friends', '--currency', 'EUR', '--me', 'Anna')

    const made = await exodus(laptop, 'device', 'link')
    expect(made.code).toBe(0)
    const [first, code, link, hint] = made.out.split('\n')
    expect(first).toMatch(
      new RegExp(
        `^Link code for another device of yours in Friends: once, until ${TIME} \\(10 min\\)\\.$`,
      ),
    )
    expect(code).toMatch(/^Code: [a-z0-9]{120}$/)
    expect(link).toBe(`Link: exodus://join/${code!.slice(6)}`)
    expect(hint).toBe(
      'On the new device: exodus identity link CODE, or "Link to my other device" in the app. ' +
        'Keep this device online until then. Whoever has the code becomes you: give it to nobody.',
    )
    const json = JSON.parse(
      (await exodus(laptop, 'device', 'link', '--json')).out,
    ) as DeviceLinkCode
    expect(Object.keys(json).sort()).toEqual(['code', 'expires', 'link', 'network'])

    const linked = await exodus(phone, 'identity', 'link', code!.slice(6))
    const annaKey = JSON.parse((await exodus(laptop, 'identity', '--json')).out).publicKey as string
    const network = json.network
    expect(linked).toEqual({
      code: 0,
      out: `Linked: this install is now you (identity key ${annaKey.slice(0, 8)}), in Friends (${network.slice(0, 8)}).`,
      err: '',
    })
    // The code made with --json still works once, with --json.
    const again = await exodus(phone, 'identity', 'link', json.code, '--json')
    expect(again.code).toBe(1)
    expect(JSON.parse(again.err).error.code).toBe('restore-in-network')

    const list = JSON.parse((await exodus(phone, 'device', 'list', '--json')).out) as DeviceInfo[]
    expect(list.map((d) => d.thisDevice)).toEqual([false, true])
    const [laptopDevice, phoneDevice] = list
    // The laptop lists the phone once the phone's join has reached it.
    await eventually(
      async () => JSON.parse((await exodus(laptop, 'device', 'list', '--json')).out) as unknown[],
      (devices) => devices.length === 2,
    )
    const table = (await exodus(laptop, 'device', 'list')).out.split('\n')
    expect(table[0]).toBe('DEVICE    LINKED            INDEXER')
    expect(table[1]).toMatch(new RegExp(`^${laptopDevice!.id}  ${TIME}  yes      this device$`))
    expect(table[2]).toMatch(new RegExp(`^${phoneDevice!.id}  ${TIME}  no$`))

    const self = await exodus(laptop, 'device', 'unlink', laptopDevice!.id)
    expect(self).toEqual({
      code: 1,
      out: '',
      err:
        'exodus: This is the device you are using: to stop using this network here, leave it, ' +
        'or unlink this device from another of yours.',
    })
    expect(await exodus(laptop, 'device', 'unlink', 'zz')).toEqual({
      code: 1,
      out: '',
      err: 'exodus: No device "zz" of yours in this network',
    })
    expect((await exodus(laptop, 'device', 'unlink')).code).toBe(2)
    const unlinked = await exodus(laptop, 'device', 'unlink', phoneDevice!.id.slice(0, 5))
    expect(unlinked).toEqual({
      code: 0,
      out:
        `Device ${phoneDevice!.id} unlinked in Friends: what it wrote stays; anything it ` +
        'writes from now on is refused.',
      err: '',
    })
    const after = JSON.parse((await exodus(laptop, 'device', 'list', '--json')).out) as DeviceInfo[]
    expect(after.map((d) => d.key)).toEqual([laptopDevice!.key])
  }, 60_000)

  it('says what is wrong with a code', async () => {
    const t = await testnet()
    const laptop = await realDaemon(t, 'laptop')
    const other = await realDaemon(t, 'other')
    await exodus(laptop, 'network', 'create', 'Friends', '--currency', 'EUR')
    const invite = JSON.parse((await exodus(laptop, 'invite', 'create', '--json')).out) as {
      code: string
    }
    expect(await exodus(other, 'identity', 'link', invite.code)).toEqual({
      code: 1,
      out: '',
      err:
        'exodus: This is an invite to a network, not a link code from your other device. ' +
        'Nothing was changed. To join a network with it, use "Join with an invite" (exodus join).',
    })
    const missing = await exodus(other, 'identity', 'link')
    expect(missing.code).toBe(2)
    expect(missing.err).toBe(
      'exodus: missing CODE\nUsage: exodus [--data DIR] identity link CODE [--json]',
    )
    const result = (await exodus(other, 'networks', '--json')).out
    expect(JSON.parse(result)).toEqual([])
  }, 60_000)
})

describe('exodus identity rekey', () => {
  it('changes the phrase in every network, unlinking the lost phone in the same change', async () => {
    const t = await testnet()
    const laptop = await realDaemon(t, 'laptop')
    const phone = await realDaemon(t, 'phone')
    await exodus(laptop, 'network', 'create', 'Friends', '--currency', 'EUR', '--me', 'Anna')
    const link = JSON.parse(
      (await exodus(laptop, 'device', 'link', '--json')).out,
    ) as DeviceLinkCode
    expect((await exodus(phone, 'identity', 'link', link.code)).code).toBe(0)
    const network = link.network
    const devices = JSON.parse(
      (await exodus(phone, 'device', 'list', '--json')).out,
    ) as DeviceInfo[]
    const [laptopDevice, phoneDevice] = devices
    await eventually(
      async () => JSON.parse((await exodus(laptop, 'device', 'list', '--json')).out) as unknown[],
      (list) => list.length === 2,
    )
    const wordsOf = async (dir: string) =>
      (
        JSON.parse((await exodus(dir, 'identity', 'phrase', '--yes', '--json')).out) as {
          words: string[]
        }
      ).words
    const old = await wordsOf(laptop)

    // Without --yes it only says what it would do; devices come after --unlink.
    const usage = 'Usage: exodus [--data DIR] identity rekey [--unlink DEVICE...] --yes [--json]'
    expect(await exodus(laptop, 'identity', 'rekey', '--unlink', phoneDevice!.id)).toEqual({
      code: 2,
      out: '',
      err:
        'exodus: This makes a new recovery phrase and changes your member key in every ' +
        'network you are a member of: the old words stop working, and your other devices ' +
        'take the new ones. It shows the 24 new words to write down. Make sure nobody else ' +
        `can see your screen, then run again with --yes.\n${usage}`,
    })
    expect(await exodus(laptop, 'identity', 'rekey', '--unlink', '--yes')).toEqual({
      code: 2,
      out: '',
      err: `exodus: name the devices to unlink after --unlink (ids or starts of them)\n${usage}`,
    })
    expect((await exodus(laptop, 'identity', 'rekey', phoneDevice!.id, '--yes')).code).toBe(2)
    expect(await exodus(laptop, 'identity', 'rekey', '--unlink', 'zz', '--yes')).toEqual({
      code: 1,
      out: '',
      err: 'exodus: No device "zz" of yours in this network',
    })
    expect(
      (await exodus(laptop, 'identity', 'rekey', '--unlink', laptopDevice!.id, '--yes')).err,
    ).toMatch(/^exodus: This is the device you are using/)
    expect(await wordsOf(laptop)).toEqual(old)

    const changed = await exodus(
      laptop,
      'identity',
      'rekey',
      '--unlink',
      phoneDevice!.id.slice(0, 5),
      '--yes',
    )
    expect(changed.code).toBe(0)
    const [said, warning, blank, ...rest] = changed.out.split('\n')
    expect(said).toBe(
      'Your recovery phrase has changed: write these 24 words down now. The old words no ' +
        'longer work in your networks.',
    )
    expect(warning).toMatch(/^Anyone with these words can act as you in every network/)
    expect(blank).toBe('')
    const words = await wordsOf(laptop)
    expect(words).not.toEqual(old)
    expect(
      rest
        .slice(0, 6)
        .join(' ')
        .match(/[a-z]+/g),
    ).toEqual(words)
    expect(rest.slice(6)).toEqual([
      '',
      `Friends (${network.slice(0, 8)}): member key changed; device ${phoneDevice!.id} unlinked.`,
      'Your other devices take the new words by themselves.',
    ])
    const after = JSON.parse((await exodus(laptop, 'device', 'list', '--json')).out) as DeviceInfo[]
    expect(after.map((d) => d.key)).toEqual([laptopDevice!.key])
    // The phone, unlinked in the same change, keeps the old words, which now join nowhere.
    expect(await wordsOf(phone)).toEqual(old)

    // Again, with --json: the contract's answer.
    const json = JSON.parse((await exodus(laptop, 'identity', 'rekey', '--yes', '--json')).out)
    expect(json).toEqual({
      words: expect.any(Array),
      networks: [{ network, name: 'Friends', rekeyed: true, unlinked: [] }],
    })
    expect(json.words).toEqual(await wordsOf(laptop))

    // In no network, there is no member key to change.
    const nowhere = await realDaemon(t, 'nowhere')
    expect(await exodus(nowhere, 'identity', 'rekey', '--yes')).toEqual({
      code: 1,
      out: '',
      err:
        'exodus: You are a member of no network on this device: there is no member key to ' +
        'change. Nothing was changed.',
    })
  }, 60_000)
})
