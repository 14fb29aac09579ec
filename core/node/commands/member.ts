/** A member's own record: profile and payment details. */
import { opCommand } from './define.ts'

export const memberCommands = {
  'profile.set': opCommand(
    'member.profile',
    {},
    {
      test: (p) => p.name !== undefined || p.about !== undefined,
      variant: 'profile-empty',
    },
  ),
  'payment.set': opCommand('member.payment'),
}
