/**
 * Looking at the network: its state, a card, relations, peers.
 */
import { cardText, peersText, stateText } from '../output.ts'
import { arg } from './args.ts'
import type { CommandSpec } from './spec.ts'

export const VIEW_COMMANDS: CommandSpec[] = [
  {
    name: 'state',
    summary:
      'The network as you see it: members with their cards, who needs help, your promises, archives, notifications.',
    group: 'Looking',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('state', { network: net.id })
      return { result, human: () => stateText(result) }
    },
  },
  {
    name: 'card',
    args: 'MEMBER',
    summary: "A member's card (by short id or unique name).",
    group: 'Looking',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('member.card', {
        network: net.id,
        member: arg(ctx, 0, 'MEMBER'),
      })
      return {
        result,
        human: async () =>
          cardText(result, net, await ctx.names(net, result.supporters.concat(result.supporting))),
      }
    },
  },
  {
    name: 'relations',
    args: 'MEMBER',
    summary: "A member's circles: who supports them, whom they support, and around them.",
    group: 'Looking',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('member.relations', {
        network: net.id,
        member: arg(ctx, 0, 'MEMBER'),
      })
      return {
        result,
        human: async () => {
          const names = await ctx.names(net, result.network)
          const list = (ids: string[]) => (ids.length ? ids.map((id) => names(id)).join(', ') : '-')
          return [
            `Supporters: ${list(result.supporters)}`,
            `Supporting: ${list(result.supporting)}`,
            `Also supporting the people they support: ${list(result.coSupporters)}`,
            `Supporting their supporters: ${list(result.supportersOfSupporters)}`,
            `Also supported by their supporters: ${list(result.alsoSupportedBySupporters)}`,
            `Supported by the people they support: ${list(result.supportedBySupported)}`,
            `Network: ${list(result.network)}`,
          ].join('\n')
        },
      }
    },
  },
  {
    name: 'peers',
    summary: 'Who this node is connected to in the network, and whether your entries reached them.',
    group: 'Looking',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('peers', { network: net.id })
      return { result, human: () => peersText(result) }
    },
  },
]
