/**
 * My devices (domain.md §12): a link code that makes another device mine, linking this
 * install with one, the list of my devices in a network, unlinking one of them, and changing
 * my recovery phrase and member keys (after a device was lost or stolen: core/node/rekey.ts).
 */
import { z } from 'zod'
import { fail, refused } from '../../errors.ts'
import type { DeviceInfo, DeviceLinkCode, LinkedDevice, Rekeyed } from '../../api/results.ts'
import { REKEY_DEVICES_MAX } from '../../ledger/limits.ts'
import { keys, type Member, type NetworkMeta, type WriterRecord } from '../../ledger/model.ts'
import { inviteLink } from '../invite-link.ts'
import type { NetworkSession } from '../session.ts'
import { command, network } from './define.ts'

/** My member record in `n`, refused as the ledger would if I am not (or no longer) one. */
async function myRecord(n: NetworkSession): Promise<Member> {
  await n.findMe()
  const me = await n.read((kv) => kv.get<Member>(keys.member(n.me)))
  if (!me) throw refused({ code: 'join-first', params: {} })
  if (me.left) throw refused({ code: 'you-left', params: {} })
  return me
}

async function listDevices(n: NetworkSession): Promise<DeviceInfo[]> {
  const me = await myRecord(n)
  return n.read(async (kv) => {
    const meta = await kv.get<NetworkMeta>(keys.meta)
    const writers = await Promise.all(me.devices.map((d) => kv.get<WriterRecord>(keys.writer(d))))
    return me.devices.map((key, i) => ({
      key,
      id: key.slice(0, 8),
      thisDevice: key === n.base.localKey,
      linkedAt: writers[i]?.at ?? null,
      indexer: meta?.indexers.includes(key) ?? false,
    }))
  })
}

/** A device named by its key or a unique prefix of it. */
const deviceRef = z.string().trim().min(1, 'name a device').max(64, 'a device id is 64 characters')

/** My other device that `ref` names (its key, or a unique prefix of it) among `devices`. */
function myOtherDevice(devices: DeviceInfo[], ref: string): DeviceInfo {
  const start = ref.trim().toLowerCase()
  const matches = devices.filter((d) => d.key.startsWith(start))
  if (matches.length !== 1) {
    throw fail('unknown-device', { ref }, matches.length ? 'several' : undefined)
  }
  if (matches[0]!.thisDevice) throw fail('device-this')
  return matches[0]!
}

/** My devices in every network I am a member of. */
async function allMyDevices(networks: NetworkSession[]): Promise<DeviceInfo[]> {
  const lists = await Promise.all(
    networks.filter((n) => !n.entry.left).map((n) => listDevices(n).catch(() => [])),
  )
  return lists.flat()
}

export const deviceCommands = {
  /**
   * A link code for another device of mine, in `network`: single use, for 10 minutes. The
   * device that uses it becomes me, in this network and (with codes of their own, carried in
   * the answer) in my other networks.
   */
  'device.link': command(z.object({ network }), async (ctx, p): Promise<DeviceLinkCode> => {
    const n = ctx.networks.get(p.network)
    await myRecord(n)
    if (!n.base.writable) throw fail('not-writable')
    const { code, expires } = await ctx.admission.newLink(n, 'device')
    return { network: n.key, code, link: inviteLink(code), expires }
  }),
  /** My devices in `network`, in the order they were linked. */
  'device.list': command(z.object({ network }), (ctx, p) =>
    listDevices(ctx.networks.get(p.network)),
  ),
  /**
   * Unlinks one of my other devices (a lost or sold laptop), named by its key or a unique
   * prefix of it: what it wrote stays, anything it writes afterwards is refused.
   */
  'device.unlink': command(z.object({ network, device: deviceRef }), async (ctx, p) => {
    const n = ctx.networks.get(p.network)
    const device = myOtherDevice(await listDevices(n), p.device)
    return n.append({ type: 'device.unlink', device: device.key })
  }),
  /**
   * A new recovery phrase for me, and a new member key in every network I am a member of
   * (member.rekey): the old phrase no longer joins any of them as me. `unlink` names devices
   * of mine (each by its key or a unique prefix, in whichever of my networks it is) to unlink
   * in the same op, a lost or stolen one. The new phrase is in the answer, to write down; my
   * other devices take it by themselves.
   */
  'identity.rekey': command(
    z.object({
      confirm: z.literal(true, 'confirm: true is required'),
      unlink: z
        .array(deviceRef)
        .max(REKEY_DEVICES_MAX, `at most ${REKEY_DEVICES_MAX} devices`)
        .optional(),
    }),
    async (ctx, p): Promise<Rekeyed> => {
      const devices = p.unlink?.length ? await allMyDevices(ctx.networks.list()) : []
      const unlink: string[] = []
      for (const ref of p.unlink ?? []) {
        const { key } = myOtherDevice(devices, ref)
        if (!unlink.includes(key)) unlink.push(key)
      }
      return ctx.rekeying.rekey(unlink)
    },
  ),
  /**
   * Makes this install a device of the person whose other device made `code`, while it is
   * in no network (as identity.restore): see Admission.link.
   */
  'identity.link': command(
    z.object({
      code: z.string().trim().min(1, 'paste the link code from your other device').max(2_000),
    }),
    (ctx, p): Promise<LinkedDevice> => ctx.admission.link(p),
  ),
}
