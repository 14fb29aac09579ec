/**
 * Pledges: intentions ❤️ and obligations 🤝, and the requests about them.
 */
import type { PledgeCommand } from '../../api/contract.ts'
import { NOTE_MAX } from '../../ledger/limits.ts'
import { amountArg, arg, limited, str } from './args.ts'
import { appended, type CommandSpec } from './spec.ts'

function onPledge(
  name: string,
  command: PledgeCommand,
  summary: string,
  done: string,
  group: string,
): CommandSpec {
  return {
    name,
    args: 'PLEDGE',
    summary,
    group,
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call(command, { network: net.id, pledge: arg(ctx, 0, 'PLEDGE') })
      return appended(ctx, net, result, done)
    },
  }
}

function pledgeCreate(kind: 'intention' | 'obligation'): CommandSpec {
  const command = kind === 'intention' ? 'intention.create' : 'obligation.create'
  return {
    name: `${kind} create`,
    args: 'MEMBER AMOUNT',
    options: [
      ['--note TEXT', `what it is for (a lesson, a repair...), at most ${NOTE_MAX} characters`],
    ],
    summary:
      kind === 'intention'
        ? 'Promise revocably ❤️ to give AMOUNT to MEMBER (short id or unique name) this month.'
        : 'Promise irrevocably 🤝 to give AMOUNT to MEMBER (short id or unique name).',
    group: 'Helping',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const note = str(ctx, 'note')
      const result = await ctx.call(command, {
        network: net.id,
        to: arg(ctx, 0, 'MEMBER'),
        amount: amountArg(arg(ctx, 1, 'AMOUNT'), net),
        ...(note !== undefined ? { note: limited(note, '--note', NOTE_MAX) } : {}),
      })
      return appended(
        ctx,
        net,
        result,
        kind === 'intention' ? 'Intention ❤️ recorded.' : 'Obligation 🤝 recorded (irrevocable).',
      )
    },
  }
}

export const PLEDGE_COMMANDS: CommandSpec[] = [
  pledgeCreate('intention'),
  {
    name: 'intention change',
    args: 'PLEDGE AMOUNT',
    summary: 'Change the amount of your intention.',
    group: 'Helping',
    inNetwork: true,
    async run(ctx) {
      const net = await ctx.network()
      const result = await ctx.call('intention.change', {
        network: net.id,
        pledge: arg(ctx, 0, 'PLEDGE'),
        amount: amountArg(arg(ctx, 1, 'AMOUNT'), net),
      })
      return appended(ctx, net, result, 'Intention changed.')
    },
  },
  onPledge(
    'intention cancel',
    'intention.cancel',
    'Cancel your intention (no reason needed).',
    'Intention cancelled.',
    'Helping',
  ),
  onPledge(
    'intention commit',
    'intention.commit',
    'Turn your intention into an obligation 🤝 (irrevocable).',
    'Intention turned into an obligation 🤝 (irrevocable).',
    'Helping',
  ),
  onPledge(
    'intention fulfil',
    'intention.fulfil',
    'Fulfil your intention at once: it waits for the recipient to confirm 👍.',
    'Marked fulfilled: waiting for the recipient to confirm 👍.',
    'Helping',
  ),
  pledgeCreate('obligation'),
  onPledge(
    'obligation fulfil',
    'obligation.fulfil',
    'Mark your obligation fulfilled (you gave it): the recipient is asked to confirm 👍.',
    'Marked fulfilled: waiting for the recipient to confirm 👍.',
    'Helping',
  ),
  onPledge(
    'obligation confirm',
    'obligation.confirm',
    'Confirm 👍 that you received what an obligation to you promised.',
    'Confirmed 👍.',
    'Helping',
  ),
  onPledge(
    'obligation forgive',
    'obligation.forgive',
    'Release someone from their obligation to you.',
    'Obligation forgiven: its author is released.',
    'Helping',
  ),
  onPledge(
    'ask-commit',
    'request.commit',
    'Ask the author of an intention to you to turn it into an obligation.',
    'Asked the author to turn the intention into an obligation.',
    'Helping',
  ),
  onPledge(
    'ask-fulfil',
    'request.fulfil',
    'Ask the author of an obligation to you to fulfil it now.',
    'Asked the author to fulfil now.',
    'Helping',
  ),
  onPledge(
    'remind',
    'request.confirm',
    'Remind the recipient to confirm 👍 the obligation you fulfilled.',
    'Reminded the recipient to confirm.',
    'Helping',
  ),
]
