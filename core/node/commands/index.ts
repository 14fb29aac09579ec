/**
 * Every command of the API, by domain (mirroring core/ledger/rules/). The contract takes the
 * parameter schemas from here; the node runs the commands.
 */
import { clearingCommands } from './clearing.ts'
import { deviceCommands } from './device.ts'
import { inviteCommands } from './invite.ts'
import { memberCommands } from './member.ts'
import { networkCommands } from './network.ts'
import { nodeCommands } from './node.ts'
import { notificationCommands } from './notification.ts'
import { pledgeCommands } from './pledge.ts'
import { statusCommands } from './status.ts'
import { viewCommands } from './view.ts'

export const COMMAND_DEFS = {
  ...nodeCommands,
  ...networkCommands,
  ...inviteCommands,
  ...deviceCommands,
  ...memberCommands,
  ...statusCommands,
  ...pledgeCommands,
  ...clearingCommands,
  ...viewCommands,
  ...notificationCommands,
}

export type PledgeCommand = import('./pledge.ts').PledgeCommand
