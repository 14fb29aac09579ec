/**
 * You as a member: your profile and payment details.
 */
import { ABOUT_MAX, PAYMENT_DETAILS_MAX } from '../../ledger/limits.ts'
import { cardText } from '../output.ts'
import { limited, nameOption, parsePaymentDetails, str } from './args.ts'
import { appended, type CommandSpec } from './spec.ts'

export const MEMBER_COMMANDS: CommandSpec[] = [
  {
    name: 'profile',
    options: [
      ['--name NAME', 'your name in this network'],
      ['--about TEXT', `a few words about you (at most ${ABOUT_MAX} characters; a link is fine)`],
    ],
    summary: 'Change your name or "about me" in the network; without options, show your card.',
    group: 'You',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const name = nameOption(ctx, 'name')
      const about = str(ctx, 'about')
      if (name === undefined && about === undefined) {
        const card = await ctx.call('member.card', { network: net.id, member: net.me })
        return {
          result: card,
          human: async () =>
            cardText(card, net, await ctx.names(net, card.supporters.concat(card.supporting))),
        }
      }
      const result = await ctx.call('profile.set', {
        network: net.id,
        ...(name !== undefined ? { name } : {}),
        ...(about !== undefined ? { about: limited(about, '--about', ABOUT_MAX) } : {}),
      })
      return appended(ctx, net, result, 'Profile updated.')
    },
  },
  {
    name: 'payment set',
    args: 'LABEL=VALUE[*] ...',
    min: 1,
    max: PAYMENT_DETAILS_MAX,
    summary:
      'Set how people can pay you (replaces the list). Mark the default with a trailing * ' +
      '(else the first is): exodus payment set "IBAN=DE89 3704 0044*" PayPal=anna@example.org',
    group: 'You',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const details = parsePaymentDetails(ctx.args)
      const result = await ctx.call('payment.set', { network: net.id, details })
      return appended(ctx, net, result, `Payment details saved (${details.length}).`)
    },
  },
  {
    name: 'payment clear',
    summary: 'Remove your payment details: members will see "ask in person".',
    group: 'You',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('payment.set', { network: net.id, details: [] })
      return appended(
        ctx,
        net,
        result,
        'Payment details removed: members will see "ask in person".',
      )
    },
  },
]
