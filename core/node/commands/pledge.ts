/** Intentions ❤️, obligations 🤝 and requests about them: each command is its op. */
import { opCommand } from './define.ts'

const onPledge = { pledge: 'pledge' } as const
const toMember = { to: 'member' } as const

export const pledgeCommands = {
  'intention.create': opCommand('intention.create', toMember),
  'intention.change': opCommand('intention.change', onPledge),
  'intention.cancel': opCommand('intention.cancel', onPledge),
  'intention.commit': opCommand('intention.commit', onPledge),
  'intention.fulfil': opCommand('intention.fulfil', onPledge),
  'obligation.create': opCommand('obligation.create', toMember),
  'obligation.fulfil': opCommand('obligation.fulfil', onPledge),
  'obligation.confirm': opCommand('obligation.confirm', onPledge),
  'obligation.forgive': opCommand('obligation.forgive', onPledge),
  'request.commit': opCommand('request.commit', onPledge),
  'request.fulfil': opCommand('request.fulfil', onPledge),
  'request.confirm': opCommand('request.confirm', onPledge),
}

/** Commands that act on one existing pledge; each is the op of the same name. */
export type PledgeCommand = Exclude<
  keyof typeof pledgeCommands,
  'intention.create' | 'intention.change' | 'obligation.create'
>
