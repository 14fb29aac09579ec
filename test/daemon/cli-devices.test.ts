/**
 * `exodus device link|list|unlink` and `exodus identity link` as docs/cli.md documents them,
 * against two daemons running the real node on a local testnet: a laptop and the phone it
 * links.
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
