/**
 * Who may act on a pledge, and when (domain.md §4), stated once: the rules
 * (rules/intention.ts, rules/obligation.ts, rules/request.ts) decide an op with these
 * predicates, and the UI offers exactly the steps they allow (`allowedActions`). Pure: the
 * renderer imports it.
 */
import type { LedgerEvent, Pledge, Status } from './model.ts'
import type { OpType } from './ops.ts'

/** An intention still in force: it may be cancelled, committed, or asked to be. */
export const intentionLive = (p: Pledge): boolean => p.state === 'active' || p.state === 'frozen'

/** Only an active intention changes its amount (a frozen one waits for the emergency). */
export const intentionChangeable = (p: Pledge): boolean => p.state === 'active'

/**
 * Whether an intention may become an obligation while its recipient is `status`: an active
 * one towards the monthly collection (orange), a frozen one towards the emergency (red).
 */
export const commitmentAccepted = (p: Pledge, status: Status): boolean =>
  p.state === 'frozen' ? status === 'red' : status === 'orange'

/** An obligation not yet marked fulfilled: its author may fulfil it, its recipient ask for it. */
export const obligationOpen = (p: Pledge): boolean => p.state === 'open'

/** An obligation marked fulfilled and waiting for the recipient's 👍. */
export const awaitingConfirmation = (p: Pledge): boolean => p.state === 'fulfilled'

/** An obligation in force: its recipient may confirm or forgive it. */
export const obligationInForce = (p: Pledge): boolean =>
  p.state === 'open' || p.state === 'fulfilled'

interface ActionRule {
  /** The op that takes this step. */
  op: OpType
  /** Whose step it is. */
  side: 'author' | 'recipient'
  kind: Pledge['kind']
  /** Whether the pledge's state allows it. */
  when: (p: Pledge) => boolean
  /** Whether the recipient's status allows it (commitments only). */
  recipient?: (p: Pledge, status: Status) => boolean
}

/** Every step on a pledge, as data, in the order a member is offered them. */
export const PLEDGE_ACTIONS = {
  change: { op: 'intention.change', side: 'author', kind: 'intention', when: intentionChangeable },
  commit: {
    op: 'intention.commit',
    side: 'author',
    kind: 'intention',
    when: intentionLive,
    recipient: commitmentAccepted,
  },
  fulfilIntention: {
    op: 'intention.fulfil',
    side: 'author',
    kind: 'intention',
    when: intentionLive,
    recipient: commitmentAccepted,
  },
  cancel: { op: 'intention.cancel', side: 'author', kind: 'intention', when: intentionLive },
  fulfil: { op: 'obligation.fulfil', side: 'author', kind: 'obligation', when: obligationOpen },
  remindConfirm: {
    op: 'request.confirm',
    side: 'author',
    kind: 'obligation',
    when: awaitingConfirmation,
  },
  askCommit: { op: 'request.commit', side: 'recipient', kind: 'intention', when: intentionLive },
  askFulfil: { op: 'request.fulfil', side: 'recipient', kind: 'obligation', when: obligationOpen },
  confirm: {
    op: 'obligation.confirm',
    side: 'recipient',
    kind: 'obligation',
    when: obligationInForce,
  },
  forgive: {
    op: 'obligation.forgive',
    side: 'recipient',
    kind: 'obligation',
    when: obligationInForce,
  },
} as const satisfies Record<string, ActionRule>

export type PledgeAction = keyof typeof PLEDGE_ACTIONS

const ORDER = Object.keys(PLEDGE_ACTIONS) as PledgeAction[]

/**
 * The steps `viewer` may take on `p` now; none for someone else's pledge or a closed one.
 * `recipientStatus` is the recipient's status, if known: without it, the recipient is taken
 * to be where the rules keep them while such a pledge exists (orange for an active
 * intention, red for a frozen one).
 */
export function allowedActions(
  p: Pledge,
  viewer: string,
  recipientStatus?: Status,
): PledgeAction[] {
  const side = p.from === viewer ? 'author' : p.to === viewer ? 'recipient' : null
  if (side === null) return []
  return ORDER.filter((action) => {
    const rule: ActionRule = PLEDGE_ACTIONS[action]
    if (rule.side !== side || rule.kind !== p.kind || !rule.when(p)) return false
    return !rule.recipient || recipientStatus === undefined || rule.recipient(p, recipientStatus)
  })
}

/**
 * Events whose sentence asks a member to act on a pledge, and whether the pledge, as it is
 * now, still waits for that.
 */
const ASKS: Partial<Record<string, (p: Pledge) => boolean>> = {
  'obligation.fulfilled': (p) => p.state === 'fulfilled',
  'intention.frozen': (p) => p.kind === 'intention' && p.state === 'frozen',
  'request.commit': (p) => p.kind === 'intention' && (p.state === 'active' || p.state === 'frozen'),
  'request.fulfil': (p) => p.kind === 'obligation' && p.state === 'open',
  'request.confirm': (p) => p.state === 'fulfilled',
}

/** Whether `e` is of a kind that asks a member to act on its pledge (see answered). */
export function asks(e: { kind: string; pledge?: string | undefined }): boolean {
  return e.pledge !== undefined && ASKS[e.kind] !== undefined
}

/**
 * Whether `e` asked `me` to act on its pledge and the pledge, as it is now (`now`; null if it
 * is gone), no longer waits for it: "Anna marked €50 as given" rather than "please confirm".
 */
export function answered(
  e: { kind: string } & Pick<LedgerEvent, 'actor' | 'subject' | 'pledge'>,
  me: string,
  now: Pledge | null | undefined,
): boolean {
  const waits = ASKS[e.kind]
  if (!waits || !e.pledge) return false
  const toMe = e.kind === 'obligation.fulfilled' ? e.subject === me : e.actor !== me
  return toMe && !(now && waits(now))
}
