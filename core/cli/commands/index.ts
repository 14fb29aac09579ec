/**
 * Every `exodus` command, assembled from one file per domain (as the ledger's rules are, in
 * core/ledger/rules/). The order is the order of `exodus --help` within each group.
 */
import { CLEARING_COMMANDS } from './clearing.ts'
import { DATA_COMMANDS } from './data.ts'
import { DEVICE_COMMANDS } from './device.ts'
import { IDENTITY_COMMANDS } from './identity.ts'
import { INVITE_COMMANDS } from './invite.ts'
import { MEMBER_COMMANDS } from './member.ts'
import { NETWORK_COMMANDS } from './network.ts'
import { DIAGNOSTIC_COMMANDS, NODE_COMMANDS } from './node.ts'
import { NOTIFICATION_COMMANDS } from './notification.ts'
import { PLEDGE_COMMANDS } from './pledge.ts'
import type { CommandSpec } from './spec.ts'
import { STATUS_COMMANDS } from './status.ts'
import { VIEW_COMMANDS } from './view.ts'

export { parsePaymentDetails } from './args.ts'
export {
  UsageError,
  helpOf,
  optionNames,
  optionsUsage,
  usageOf,
  type CommandSpec,
  type Context,
  type OptionValues,
  type Output,
} from './spec.ts'

export const COMMAND_SPECS: CommandSpec[] = [
  ...NODE_COMMANDS,
  ...IDENTITY_COMMANDS,
  ...DEVICE_COMMANDS,
  ...NETWORK_COMMANDS,
  ...DATA_COMMANDS,
  ...INVITE_COMMANDS,
  ...MEMBER_COMMANDS,
  ...STATUS_COMMANDS,
  ...PLEDGE_COMMANDS,
  ...CLEARING_COMMANDS,
  ...VIEW_COMMANDS,
  ...NOTIFICATION_COMMANDS,
  ...DIAGNOSTIC_COMMANDS,
]
