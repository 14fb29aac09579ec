/**
 * Why the rules refuse an op: one catalogue of reasons, each with a code and an English
 * template. The view stores the English text (it is part of what every peer writes, so it
 * never depends on anyone's language); apps read the code and its values back from that text
 * with explainReason and say it in their user's language.
 */

/** What a placeholder may hold: read back by these patterns, so they must not overlap text. */
const PARAMS = {
  name: '.+',
  id: '\\S+',
  amount: '-?\\d+',
  state: '[a-z]+',
  kind: 'intention|obligation',
  actual: 'intention|obligation',
  expected: 'intention|obligation',
  verb: 'confirm|forgive',
  role: 'recipient|member in need',
  used: '\\d+',
  uses: '\\d+',
  version: '\\d+',
  supported: '\\d+',
} as const

type Param = keyof typeof PARAMS

export const REASONS = {
  'no-network': 'the network has not been created yet',
  'network-exists': 'the network already exists',
  'join-first': 'you are not a member of this network: join first',
  'you-left': 'you have left this network',
  'newer-op':
    'op schema version {version} is newer than this app understands ({supported}): update the app',
  'never-admitted': 'this writer was never admitted to the network',
  'left-join-again': 'you left this network: join again with a new invite',
  'already-member': 'you are already a member of this network',
  'nothing-to-change': 'nothing to change: give a name or an about text',
  'not-a-member': '{role} {id} is not a member of this network',
  'member-left': '{role} {name} has left this network',
  'invite-exists': 'invite {id} already exists',
  'invite-expired-already': 'the invite would already be expired',
  'no-invite': 'no invite {id}',
  'invite-not-yours': 'only the member who created an invite may revoke it',
  'invite-revoked-already': 'this invite is already revoked',
  'invite-unknown': 'this invite is not known to the network',
  'invite-revoked': 'this invite was revoked by its creator',
  'invite-expired': 'this invite has expired',
  'invite-used-up': 'this invite has been used up ({used} of {uses})',
  'writer-exists': 'writer {id} is already in this network',
  'already-green': 'you are already green',
  'same-monthly': 'your monthly amount is already {amount}',
  'help-yourself': 'you cannot promise help to yourself',
  'not-asking': '{name} is not asking for help',
  'not-monthly': '{name} is not asking for monthly support',
  'emergency-obligations-only': '{name} needs emergency help: only obligations are accepted',
  'no-emergency': '{name} has no running emergency',
  'duplicate-id': 'duplicate op id {id}',
  'no-pledge': 'no pledge {id}',
  'intention-exists': 'you already have an intention towards {name} ({id}): change it instead',
  'only-author-of': 'only the author of {kind} {id} may do this',
  'wrong-kind': '{id} is an {actual}, not an {expected}',
  'intention-frozen': 'this intention is frozen while the recipient runs an emergency',
  'intention-state': 'this intention is {state}',
  'same-intention': 'the intention is already {amount}',
  'obligation-state': 'this obligation is {state}',
  'already-fulfilled': 'this obligation is already marked fulfilled',
  'own-obligation': 'you cannot {verb} your own obligation',
  'only-recipient-may': 'only the recipient may {verb} this obligation',
  'ask-commit-recipient': 'only the recipient may ask to turn an intention into an obligation',
  'already-obligation': 'this is already an obligation',
  'ask-fulfil-recipient': 'only the recipient may ask for fulfilment',
  'not-obligation': 'this is an intention, not an obligation',
  'fulfilled-confirm-instead': 'this obligation is already marked fulfilled: confirm it instead',
  'remind-author': 'only the author may remind the recipient to confirm',
  'fulfil-first': 'this obligation is {state}: mark it fulfilled first',
} as const satisfies Record<string, string>

export type ReasonCode = keyof typeof REASONS
export type ReasonParams = Partial<Record<Param, string | number>>

/** The English text of a reason, as the view stores it. */
export function reasonText(code: ReasonCode, params: ReasonParams = {}): string {
  return REASONS[code].replace(/\{(\w+)\}/g, (_, name: Param) => {
    const value = params[name]
    if (value === undefined) throw new TypeError(`reason ${code} needs {${name}}`)
    return String(value)
  })
}

const matchers = Object.entries(REASONS).map(([code, template]) => {
  const names: Param[] = []
  const source = template
    .split(/(\{\w+\})/)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part)?.[1] as Param | undefined
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      names.push(param)
      return `(${PARAMS[param]})`
    })
    .join('')
  return { code: code as ReasonCode, names, pattern: new RegExp(`^${source}$`) }
})
// Fixed texts first, then the least open templates: "this is an intention, not an
// obligation" is a text of its own, not "{id} is an {actual}, not an {expected}".
matchers.sort((a, b) => a.names.length - b.names.length)

/** The code and values of a stored reason, or null for a text that is not in the catalogue. */
export function explainReason(
  text: string,
): { code: ReasonCode; params: Record<string, string> } | null {
  for (const { code, names, pattern } of matchers) {
    const match = pattern.exec(text)
    if (!match) continue
    return { code, params: Object.fromEntries(names.map((name, i) => [name, match[i + 1]!])) }
  }
  return null
}
