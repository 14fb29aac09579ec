/**
 * The steps offered on a pledge (core/ledger/actions.ts) are exactly those the rules accept:
 * for every state a pledge can reach, every role and every status of its recipient, a step
 * is offered iff the dry run of its op (tryOp, the real rules) is accepted.
 */
import { describe, expect, it } from 'vitest'
import { PLEDGE_ACTIONS, allowedActions, type PledgeAction } from '../../core/ledger/actions.ts'
import type { ReadKV } from '../../core/ledger/kv.ts'
import { keys, type Member, type Pledge, type Status } from '../../core/ledger/model.ts'
import { OP_VERSION, type Op } from '../../core/ledger/ops.ts'
import { tryOp } from '../../core/ledger/try-op.ts'
import { DAY, TestLedger, keyOf } from '../support/ledger.ts'

const START = Date.UTC(2026, 10, 3, 12)
const NEXT_MONTH = Date.UTC(2026, 11, 1, 12)
const ANNA = keyOf('anna')

/** boris's pledge to anna, brought to one state by real ops; vera has no part in it. */
interface Scenario {
  name: string
  state: Pledge['state']
  overdue?: boolean
  build: (t: TestLedger) => Promise<string>
}

const intention = async (t: TestLedger) =>
  (await t.ok('boris', { type: 'intention.create', to: ANNA, amount: 1_000 })).pledge
const obligation = async (t: TestLedger) =>
  (await t.ok('boris', { type: 'obligation.create', to: ANNA, amount: 1_000 })).pledge
const red = (t: TestLedger) => t.ok('anna', { type: 'status.red', amount: 5_000, days: 10 })
const nextMonth = async (t: TestLedger) => {
  t.now = NEXT_MONTH
  await t.ok('vera', { type: 'cycle' })
}

const SCENARIOS: Scenario[] = [
  { name: 'an active intention', state: 'active', build: intention },
  {
    name: 'an intention frozen by an emergency',
    state: 'frozen',
    build: async (t) => {
      const p = await intention(t)
      await red(t)
      return p
    },
  },
  {
    name: 'an intention its author cancelled',
    state: 'cancelled',
    build: async (t) => {
      const pledge = await intention(t)
      await t.ok('boris', { type: 'intention.cancel', pledge })
      return pledge
    },
  },
  {
    name: 'an intention cancelled when its recipient went green',
    state: 'cancelled',
    build: async (t) => {
      const p = await intention(t)
      await t.ok('anna', { type: 'status.green' })
      return p
    },
  },
  {
    name: 'an intention that lapsed at the month start',
    state: 'lapsed',
    build: async (t) => {
      const p = await intention(t)
      await nextMonth(t)
      return p
    },
  },
  { name: 'an open obligation', state: 'open', build: obligation },
  {
    name: 'an obligation committed from an intention',
    state: 'open',
    build: async (t) => {
      const pledge = await intention(t)
      await t.ok('boris', { type: 'intention.commit', pledge })
      return pledge
    },
  },
  {
    name: 'an open obligation to an emergency',
    state: 'open',
    build: async (t) => {
      await red(t)
      return obligation(t)
    },
  },
  {
    name: 'an obligation marked fulfilled',
    state: 'fulfilled',
    build: async (t) => {
      const pledge = await obligation(t)
      await t.ok('boris', { type: 'obligation.fulfil', pledge })
      return pledge
    },
  },
  {
    name: 'an intention fulfilled at once',
    state: 'fulfilled',
    build: async (t) => {
      const pledge = await intention(t)
      await t.ok('boris', { type: 'intention.fulfil', pledge })
      return pledge
    },
  },
  {
    name: 'a confirmed obligation',
    state: 'confirmed',
    build: async (t) => {
      const pledge = await obligation(t)
      await t.ok('anna', { type: 'obligation.confirm', pledge })
      return pledge
    },
  },
  {
    name: 'a forgiven obligation',
    state: 'forgiven',
    build: async (t) => {
      const pledge = await obligation(t)
      await t.ok('anna', { type: 'obligation.forgive', pledge })
      return pledge
    },
  },
  {
    name: 'an obligation cancelled when its emergency was funded',
    state: 'cancelled',
    build: async (t) => {
      await red(t)
      const pledge = await obligation(t)
      const other = (await t.ok('vera', { type: 'obligation.create', to: ANNA, amount: 5_000 }))
        .pledge
      await t.ok('anna', { type: 'obligation.confirm', pledge: other })
      return pledge
    },
  },
  {
    name: 'an overdue open obligation',
    state: 'open',
    overdue: true,
    build: async (t) => {
      const p = await obligation(t)
      await nextMonth(t)
      return p
    },
  },
  {
    name: 'an overdue obligation marked fulfilled',
    state: 'fulfilled',
    overdue: true,
    build: async (t) => {
      const pledge = await obligation(t)
      await nextMonth(t)
      await t.ok('boris', { type: 'obligation.fulfil', pledge })
      return pledge
    },
  },
]

const ROLES = { author: 'boris', recipient: 'anna', third: 'vera' } as const
const STATUSES: Status[] = ['green', 'orange', 'red']
const ALL = Object.keys(PLEDGE_ACTIONS) as PledgeAction[]

/** anna is orange (50 000 a month); boris and vera are green. */
async function network(): Promise<TestLedger> {
  const t = await new TestLedger(START).network('anna', ['boris', 'vera'])
  await t.ok('anna', { type: 'status.orange', amount: 50_000 })
  t.now += DAY
  return t
}

/** The state as the rules read it, with anna's status replaced (when `status` is given). */
function withRecipient(t: TestLedger, anna: Member, status?: Status): ReadKV {
  if (status === undefined) return t.kv
  const replaced: Member = {
    ...anna,
    status,
    red:
      status === 'red'
        ? (anna.red ?? {
            id: 'emergency',
            amount: 5_000,
            startedAt: t.now,
            deadline: t.now + 10 * DAY,
            previous: 'orange',
          })
        : null,
  }
  return {
    get: <T>(key: string) =>
      key === keys.member(ANNA) ? Promise.resolve(replaced as T) : t.kv.get<T>(key),
    list: (prefix) => t.kv.list(prefix),
  }
}

/** The actions the rules accept from `viewer` on `pledge`, by dry runs of their ops. */
async function accepted(kv: ReadKV, pledge: Pledge, viewer: string, now: number) {
  const out: PledgeAction[] = []
  for (const action of ALL) {
    const op = {
      v: OP_VERSION,
      id: `try-${action}`,
      ts: now,
      type: PLEDGE_ACTIONS[action].op,
      pledge: pledge.id,
      ...(action === 'change' ? { amount: pledge.amount + 1 } : {}),
    } as Op
    const { result } = await tryOp(kv, op, keyOf(viewer), () => false)
    if (result.accepted) out.push(action)
  }
  return out
}

describe('allowedActions offers a step iff the rules accept its op', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const t = await network()
      const id = await scenario.build(t)
      const pledge = await t.pledge(id)
      expect(pledge).toMatchObject({
        from: keyOf('boris'),
        to: ANNA,
        state: scenario.state,
        overdue: scenario.overdue ?? false,
      })
      const anna = await t.member('anna')
      for (const [role, name] of Object.entries(ROLES)) {
        const viewer = keyOf(name)
        // As the ledger stands, and then with anna in each status (states the rules never
        // leave behind, which the function must still answer as the rules would).
        for (const status of [undefined, ...STATUSES]) {
          const rules = await accepted(withRecipient(t, anna, status), pledge, name, t.now)
          const offered = allowedActions(pledge, viewer, status ?? anna.status)
          expect({ role, status, offered }).toEqual({ role, status, offered: rules })
          if (status === undefined)
            expect({ role, unknownStatus: allowedActions(pledge, viewer) }).toEqual({
              role,
              unknownStatus: rules,
            })
        }
      }
    })
  }

  it('covers every step and every pledge state', async () => {
    const seen = new Set<PledgeAction>()
    const states = new Set<string>()
    for (const scenario of SCENARIOS) {
      const t = await network()
      const pledge = await t.pledge(await scenario.build(t))
      states.add(pledge.state)
      for (const name of Object.values(ROLES))
        for (const a of allowedActions(pledge, keyOf(name))) seen.add(a)
    }
    expect([...seen].sort()).toEqual([...ALL].sort())
    expect([...states].sort()).toEqual([
      'active',
      'cancelled',
      'confirmed',
      'forgiven',
      'frozen',
      'fulfilled',
      'lapsed',
      'open',
    ])
  })
})
