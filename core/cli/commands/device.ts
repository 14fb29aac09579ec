/**
 * Your devices (domain.md §12): a link code for another device of yours, the list of your
 * devices in a network, and unlinking one. `identity link` (identity.ts) uses the code.
 */
import type { DeviceInfo, DeviceLinkCode, NetworkSummary } from '../../api/contract.ts'
import { formatTime, short, table } from '../output.ts'
import { arg } from './args.ts'
import type { CommandSpec } from './spec.ts'

export function deviceLinkText(l: DeviceLinkCode, net: NetworkSummary, now: number): string {
  const minutes = Math.max(1, Math.round((l.expires - now) / 60_000))
  return [
    `Link code for another device of yours in ${net.name}: once, until ` +
      `${formatTime(l.expires)} (${minutes} min).`,
    `Code: ${l.code}`,
    `Link: ${l.link}`,
    'On the new device: exodus identity link CODE, or "Link to my other device" in the app. ' +
      'Keep this device online until then. Whoever has the code becomes you: give it to nobody.',
  ].join('\n')
}

export function devicesText(list: DeviceInfo[]): string {
  const rows = [['DEVICE', 'LINKED', 'INDEXER', '']]
  for (const d of list) {
    rows.push([
      d.id,
      formatTime(d.linkedAt),
      d.indexer ? 'yes' : 'no',
      d.thisDevice ? 'this device' : '',
    ])
  }
  return table(rows).join('\n')
}

export const DEVICE_COMMANDS: CommandSpec[] = [
  {
    name: 'device link',
    summary:
      'Make a link code for another device of yours: used once within 10 minutes, it makes ' +
      'that device you, in this network and your others.',
    group: 'Devices',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('device.link', { network: net.id })
      return { result, human: () => deviceLinkText(result, net, Date.now()) }
    },
  },
  {
    name: 'device list',
    summary: 'List your devices in the network: the one you use, and the others linked to you.',
    group: 'Devices',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('device.list', { network: net.id })
      return { result, human: () => devicesText(result) }
    },
  },
  {
    name: 'device unlink',
    args: 'DEVICE',
    summary:
      'Unlink one of your other devices (a lost or sold laptop): what it wrote stays; ' +
      'anything it writes afterwards is refused. DEVICE is its id or the start of it.',
    group: 'Devices',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const device = arg(ctx, 0, 'DEVICE')
      const before = await ctx.call('device.list', { network: net.id })
      const result = await ctx.call('device.unlink', { network: net.id, device })
      const gone = before.find((d) => d.key.startsWith(device.trim().toLowerCase()))
      return {
        result,
        human: () =>
          `Device ${gone?.id ?? short(device)} unlinked in ${net.name}: what it wrote stays; ` +
          'anything it writes from now on is refused.',
      }
    },
  },
]
