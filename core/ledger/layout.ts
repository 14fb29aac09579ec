/**
 * The layout of the view: how the rules write the ledger state into it (which keys, what
 * values, how an apply call's writes land). Whoever changes that, so that the same log would
 * build a different view, bumps VIEW_LAYOUT; nothing else is needed (docs/protocol.md,
 * "Versioning", tells what a node does with a view of another layout).
 *
 * 1: the first versioned layout (refusals as reason text under refusal/<ref>).
 * 2: refusals as a reason code and its values (core/errors.ts REASONS), never as text.
 * 3: ops of more than MAX_OP_BYTES or nested deeper than MAX_OP_DEPTH are refused unread
 *    (an op carrying a large unknown field counted before); stamps after year 9999 are
 *    malformed; a jump over months starts the fourth and later at once (one event); month
 *    starts come from the shipped zone data (cycle-time.ts), not the runtime's; the meta
 *    records who wrote a newer op version (`newer`), not a lasting `needsUpdate` flag.
 * 4: network time is the median of the members' clocks (network-time.ts: `clock/<member>`,
 *    the meta's `clocks`); records carry network time, not a stamp past the next boundary.
 * 5: protocol version 2: members hold a member key (`mkey/`) and devices (`writer/<key>.member`),
 *    writers are admitted with a pairing receipt, indexer places go one per member.
 * 6: the clearing of mutual obligations (rules/clearing.ts): consents (`consent/<cycle>/<member>`),
 *    the run at the month start before the rollover (`clearing/<cycle>`, `cleared/<cycle>/<pledge>`,
 *    `clearedfor/<member>/<cycle>`), obligations settled by clearing (`clearedIn`) or reduced
 *    (`cleared`, and the part cleared as a pledge of its own, `<id>.c<YYYYMM>`, `splitFrom`), and
 *    the events `clearing.cleared` and `clearing.finished`.
 * 7: the meta counts changes to what a clearing could take (`seq.clearing`).
 * 8: member keys change (`member.rekey`): a replaced key moves from `mkey/` to `rkey/<key>`
 *    (joins proving it are refused), the member keeps `previousKey`, the devices that stay get
 *    the new phrase sealed in their writer record (`sealed`), and the event `member.rekeyed`.
 */
export const VIEW_LAYOUT = 8

/** The view key holding the layout the view was built with, written by its first apply call. */
export const LAYOUT_KEY = 'layout'
