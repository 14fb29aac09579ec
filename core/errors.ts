/**
 * Every error a user can meet, in one catalogue: a stable code, the HTTP status the local
 * server answers with, and an English template whose {placeholders} are the error's
 * parameters. Errors travel as values (code, parameters, and the English message made from
 * them); the UI says them in its user's language from the code and parameters, the CLI in
 * English. A code may have variants: other wordings of the same error, chosen by the thrower.
 *
 * The ledger's refusals (REASONS) are part of it: the view stores a refusal as its reason
 * code and parameters, never as text, so every app version reads the same view and says it in
 * its own words. Their API error is `rejected`, which carries the reason.
 */

/** Values of placeholders: ids, names, amounts in minor units, counts. */
export type ErrorParams = Record<string, string | number>

interface ErrorDef {
  status: number
  text: string
  variants?: Record<string, string>
}

export const ERRORS = {
  // The transports
  'unknown-command': { status: 404, text: 'unknown command {command}' },
  'invalid-params': {
    status: 400,
    text: '{command}: {problem}',
    variants: {
      field: '{command}: {field}: {problem}',
      'not-object': '{command}: parameters must be an object',
      'profile-empty': 'give a new name or about text',
    },
  },
  'bad-request': {
    status: 400,
    text: '{problem}',
    variants: {
      json: 'The request body is not valid JSON.',
      ws: 'Send JSON text messages of the form {"id", "command", "params"}.',
    },
  },
  internal: { status: 500, text: '{problem}' },
  closing: {
    status: 503,
    text: 'The node is shutting down',
    variants: {
      app: 'Exodus Circles is closing; try again after it restarts.',
      stopped: 'The node is not running.',
    },
  },
  closed: { status: 503, text: 'Exodus Circles has closed its node.' },
  'core-stopped': {
    status: 503,
    text: 'The Exodus Circles node stopped. Restart the app; details are in {log}.',
  },
  'forbidden-sender': {
    status: 403,
    text: 'Only the Exodus Circles window may talk to the node.',
  },
  // The node and its data folder
  'bad-bootstrap': { status: 400, text: 'bootstrap node "{entry}" is not HOST:PORT' },
  'data-unreadable': {
    status: 500,
    text: "Cannot read {path}: {problem}. Check the folder's permissions.",
    variants: { store: 'Cannot open the data store in {path}: {problem}. Nothing was changed.' },
  },
  'data-corrupt': {
    status: 500,
    text:
      '{path} is damaged ({field}: {problem}). It was left untouched: restore it from a ' +
      'backup, or move it away to start afresh.',
    variants: {
      json:
        '{path} is damaged (not valid JSON). It was left untouched: restore it from a backup, ' +
        'or move it away to start this data folder afresh (network keys in it would be lost).',
    },
  },
  'data-incomplete': {
    status: 500,
    text:
      '{path} is missing but the store next to it ({store}) exists: this folder was used ' +
      'before. Restore node.json from a backup, or move the store away to start afresh (its ' +
      'networks would be lost). Nothing was changed.',
  },
  'data-copied': {
    status: 500,
    text:
      '{store} is a copy of a node’s store (copied or restored, not moved in place): ' +
      'nothing was changed. A node and its copy must never both run, not even one after the ' +
      'other, or members would refuse what both write. If this copy replaces the original ' +
      '(that folder was stopped when copied and will never be started again), delete {file} ' +
      'and start again: the node takes this copy as its own. Otherwise start the original ' +
      'folder.',
  },
  'data-not-private': {
    status: 500,
    text:
      'Cannot make {path} private ({problem}): it holds your keys. Give the folder to the ' +
      'user running Exodus Circles, or use a folder on a disk that keeps permissions.',
  },
  'data-old-version': {
    status: 500,
    text:
      'The data folder {dir} was created by an older test build of Exodus Circles (its ' +
      'node.json is version {version}; this version reads {supported}) and cannot be opened. ' +
      'Nothing was changed. Start afresh: stop the app, move the folder away or delete it, ' +
      'and start again (its networks and identity cannot be carried over).',
    variants: {
      newer:
        'The data folder {dir} was written by a newer version of Exodus Circles (its ' +
        'node.json is version {version}; this version reads {supported}). Nothing was ' +
        'changed. Update the app to open it.',
    },
  },
  'data-unavailable': {
    status: 503,
    text:
      'Part of this network’s data has not reached this device yet, and no member online has ' +
      'sent it. Nothing was changed. Try again when more members are online.',
  },
  // Names
  'unknown-network': {
    status: 404,
    text: 'No network "{ref}". Known: {known}',
    variants: { none: 'This node has no networks yet: create one or join with an invite' },
  },
  'ambiguous-network': {
    status: 400,
    text: '"{ref}" matches several networks: use more of the network id',
  },
  'unknown-member': { status: 404, text: 'No member "{ref}" in this network' },
  'ambiguous-member': { status: 400, text: '"{ref}" matches {matches}: use the short id' },
  'unknown-pledge': { status: 404, text: 'No pledge "{ref}" involving you in this network' },
  'ambiguous-pledge': { status: 400, text: '"{ref}" matches several pledges: use more of the id' },
  'unknown-invite': {
    status: 404,
    text: 'No invite "{ref}" of yours',
    variants: { several: '"{ref}" matches several invites' },
  },
  // Writing
  'not-synced': {
    status: 503,
    text: 'This network has not synced yet: stay online for a moment',
  },
  'not-writable': {
    status: 503,
    text: 'This device cannot write to the network yet: it is still being admitted or syncing',
  },
  /** The ledger's rules refused the op: `reason` says why (see REASONS). */
  rejected: { status: 422, text: '{reason}' },
  // Joining
  'invite-malformed': {
    status: 400,
    text:
      'This invite code is not valid: a character is wrong or missing. Copy the whole code or ' +
      'link again, or ask the member who sent it for a new one.',
    variants: {
      link: 'This link is not an invite: it should start with {prefix}',
      characters:
        'This invite code is not valid: it has characters an invite never has. Copy the whole ' +
        'code or link again.',
      'no-network': 'This invite code names no network. Ask a member for a new one.',
    },
  },
  'invite-expired': {
    status: 410,
    text: 'This invite has expired ({days} days ago). Ask a member for a new one.',
    variants: { one: 'This invite has expired (1 day ago). Ask a member for a new one.' },
  },
  'invite-refused': {
    status: 403,
    text: 'A member refused this invite: it was revoked, used up or expired. Ask a member for a new one.',
    variants: {
      expired: 'This invite has expired. Ask a member for a new one.',
      used: 'This invite has already been used. Ask a member for a new one.',
      'no-key': 'The member who answered sent no network key',
    },
  },
  'invite-no-answer': {
    status: 504,
    text:
      'No member of this network answered within {seconds} seconds. Someone in the network ' +
      'must be online to let you in; try again later, or wait (--wait) until one is.',
  },
  'already-joined': { status: 409, text: 'You are already in this network ({network})' },
  'join-not-synced': {
    status: 504,
    text:
      'You were admitted but the network has not synced yet. Stay online: it will finish in ' +
      'the background.',
  },
  // The recovery phrase (domain.md §12)
  'phrase-invalid': {
    status: 400,
    text: 'This is not a recovery phrase: check the words.',
    variants: {
      empty: 'Type the 24 words of your recovery phrase.',
      count:
        'A recovery phrase has 24 words; this one has {given}. Check that no word is ' +
        'missing or written twice.',
      word: 'Word {position}, "{word}", is not a word of recovery phrases: check its spelling.',
      checksum:
        'These 24 words are not a recovery phrase: a word is wrong, or two are swapped. ' +
        'Check the words.',
    },
  },
  'restore-in-network': {
    status: 409,
    text:
      'You are a member of {networks} on this device. Restoring from a recovery phrase ' +
      'replaces who you are here, so this device must be in no network: leave those networks ' +
      'or delete this device’s copy of them first, then restore.',
    variants: {
      link:
        'You are a member of {networks} on this device. Linking makes this device the person ' +
        'of your other device, so it must be in no network: leave those networks or delete ' +
        'this device’s copy of them first. To add one more network to a device already ' +
        'linked, make a link code in that network and join with it.',
    },
  },
  // Devices (domain.md §12)
  'link-malformed': {
    status: 400,
    text:
      'This link code is not valid: a character is wrong or missing. Copy the whole code ' +
      'again from your other device.',
    variants: {
      invite:
        'This is an invite to a network, not a link code from your other device. Nothing was ' +
        'changed. To join a network with it, use "Join with an invite" (exodus join).',
    },
  },
  'link-expired': {
    status: 410,
    text:
      'This link code has expired: a link code works for 10 minutes. Make a new one on your ' +
      'other device (Settings, "Link a device"; exodus device link).',
  },
  'link-no-answer': {
    status: 504,
    text:
      'Your other device did not answer within {seconds} seconds. Open Exodus Circles on it, ' +
      'keep it online, and try again (with a new code once this one has expired).',
  },
  'link-refused': {
    status: 403,
    text:
      'Your other device refused this link code: it was used already, or it has expired. ' +
      'Make a new one there.',
  },
  'link-invalid': {
    status: 502,
    text:
      'The answer to this link code could not be read: it did not come from the device that ' +
      'made the code. Nothing was changed. Make a new code there and try again.',
  },
  'link-other-identity': {
    status: 409,
    text:
      'This link code was made by a device of another person (another recovery phrase) than ' +
      'the one of this device. Nothing was changed. To make this device that person’s, it must ' +
      'first be in no network.',
  },
  'unknown-device': {
    status: 404,
    text: 'No device "{ref}" of yours in this network',
    variants: { several: '"{ref}" matches several of your devices: use more of its id' },
  },
  'device-this': {
    status: 409,
    text:
      'This is the device you are using: to stop using this network here, leave it, or unlink ' +
      'this device from another of yours.',
  },
  'rekey-nowhere': {
    status: 409,
    text:
      'You are a member of no network on this device: there is no member key to change. ' +
      'Nothing was changed.',
  },
} as const satisfies Record<string, ErrorDef>

export type ErrorCode = keyof typeof ERRORS
type VariantOf<C extends ErrorCode> = (typeof ERRORS)[C] extends { variants: infer V }
  ? keyof V & string
  : never

/** Why the rules refuse an op, by reason code: the `reason` of a `rejected` error. */
export const REASONS = {
  'no-network': 'the network has not been created yet',
  'network-exists': 'the network already exists',
  'join-first': 'you are not a member of this network: join first',
  'you-left': 'you have left this network',
  'newer-op':
    'op schema version {version} is newer than this app understands ({supported}): update the app',
  'not-json': 'malformed op: not valid JSON',
  'too-large': 'malformed op: {bytes} bytes, more than the {max} an op may have',
  'too-deep': 'malformed op: nested deeper than {max} levels',
  'not-object': 'malformed op: not an object',
  'unknown-op': 'unknown op type {type}',
  'malformed-op': 'malformed {type}: {problem}',
  'malformed-field': 'malformed {type}: {field} {problem}',
  internal: 'internal error applying {type}: {problem}',
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
  'pairing-unproven':
    'no proof that this writer paired with the invite: only its holder can sign one',
  'join-unproven': 'the member key does not prove this device may join with it',
  'device-unlinked': 'this device was unlinked from its member',
  'not-your-device': 'device {id} is not one of yours',
  'last-device': 'this is your only device: leave the network instead',
  'member-key-taken': 'this member key is, or was, a member key in this network already',
  'rekey-unproven': 'the new member key does not prove it replaces yours',
  'member-key-retired':
    'this member key was replaced: its recovery phrase no longer works here; use the new one',
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
  'clearing-closed': 'clearing opens on the 25th: consent to it from then to the end of the month',
  'clearing-not-yours': 'obligation {id} is neither owed by you nor owed to you',
  'clearing-not-open': 'obligation {id} is {state}: only open obligations take part in clearing',
} as const satisfies Record<string, string>

export type ReasonCode = keyof typeof REASONS

/** A refusal as the view stores it and errors carry it: a reason code and its values. */
export interface Refusal {
  code: ReasonCode
  params: ErrorParams
}

/** Fills a template's {placeholders}; one without a value stays as it is, to be seen. */
export function fill(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  )
}

/**
 * A refusal as a view may hold it: views built before layout 2 (docs/protocol.md,
 * "Versioning") and not rebuilt since hold the English text instead.
 */
export type StoredRefusal = Refusal | string

/** The English text of a refusal; one of an older or newer app may have an unknown code. */
export function reasonText(refusal: StoredRefusal): string {
  if (typeof refusal === 'string') return refusal
  return fill(REASONS[refusal.code] ?? refusal.code, refusal.params)
}

/** A refusal with every value its template needs: a rule that forgets one is a bug. */
export function refusal(code: ReasonCode, params: ErrorParams = {}): Refusal {
  for (const [, name] of REASONS[code].matchAll(/\{(\w+)\}/g)) {
    if (params[name!] === undefined) throw new TypeError(`reason ${code} needs {${name}}`)
  }
  return { code, params }
}

/** The English text of an error. */
export function errorText(code: string, params: ErrorParams = {}, variant?: string): string {
  const def = (ERRORS as Record<string, ErrorDef>)[code]
  if (!def) return fill(String(params.problem ?? code), params)
  return fill((variant && def.variants?.[variant]) || def.text, params)
}

/**
 * The HTTP status of an error code. A code the catalogue does not know came from the node
 * all the same (a newer one, say): understood and refused, 422.
 */
export function statusOf(code: string): number {
  return (ERRORS as Record<string, ErrorDef>)[code]?.status ?? 422
}

/** An error as the transports pass it on. */
export interface ErrorValue {
  code: string
  message: string
  params?: ErrorParams
  variant?: string
  /** Why the rules refused, for `rejected`. */
  reason?: Refusal
}

/** An error a user can act on: `code` is stable, `message` says what to do in English. */
export class ApiError extends Error {
  readonly params: ErrorParams
  readonly variant: string | undefined
  readonly reason: Refusal | undefined

  constructor(
    readonly code: string,
    message: string,
    more: { params?: ErrorParams; variant?: string | undefined; reason?: Refusal } = {},
  ) {
    super(message)
    this.params = more.params ?? {}
    this.variant = more.variant
    this.reason = more.reason
  }

  toValue(): ErrorValue {
    return {
      code: this.code,
      message: this.message,
      ...(Object.keys(this.params).length > 0 ? { params: this.params } : {}),
      ...(this.variant ? { variant: this.variant } : {}),
      ...(this.reason ? { reason: this.reason } : {}),
    }
  }
}

/** The catalogue's error `code` with these parameters (and wording `variant`). */
export function fail<C extends ErrorCode>(
  code: C,
  params: ErrorParams = {},
  variant?: VariantOf<C>,
): ApiError {
  return new ApiError(code, errorText(code, params, variant), { params, variant })
}

/** The ledger refused an op: `rejected`, carrying the refusal (when it is not old text). */
export function refused(reason: StoredRefusal): ApiError {
  const text = reasonText(reason)
  return new ApiError('rejected', text, {
    params: { reason: text },
    ...(typeof reason === 'string' ? {} : { reason }),
  })
}
