/**
 * Requests between the two sides of a pledge (domain.md §4): the recipient asks to commit
 * or to fulfil now; the author reminds the recipient to confirm. They only notify.
 */
import { reject, type Ledger } from '../ledger.ts'
import type { Member } from '../model.ts'
import type { OpOf } from '../ops.ts'

export async function requestCommit(l: Ledger, author: Member, op: OpOf<'request.commit'>) {
  const p = await l.requirePledge(op.pledge)
  if (p.to !== author.id)
    reject('only the recipient may ask to turn an intention into an obligation')
  if (p.kind !== 'intention') reject('this is already an obligation')
  if (p.state !== 'active' && p.state !== 'frozen') reject(`this intention is ${p.state}`)
  await l.emit('request.commit', [p.from], {
    actor: author.id,
    subject: p.to,
    pledge: p.id,
    amount: p.amount,
  })
}

export async function requestFulfil(l: Ledger, author: Member, op: OpOf<'request.fulfil'>) {
  const p = await l.requirePledge(op.pledge)
  if (p.to !== author.id) reject('only the recipient may ask for fulfilment')
  if (p.kind !== 'obligation') reject('this is an intention, not an obligation')
  if (p.state === 'fulfilled')
    reject('this obligation is already marked fulfilled: confirm it instead')
  if (p.state !== 'open') reject(`this obligation is ${p.state}`)
  await l.emit('request.fulfil', [p.from], {
    actor: author.id,
    subject: p.to,
    pledge: p.id,
    amount: p.amount,
  })
}

export async function requestConfirm(l: Ledger, author: Member, op: OpOf<'request.confirm'>) {
  const p = await l.requirePledge(op.pledge)
  if (p.from !== author.id) reject('only the author may remind the recipient to confirm')
  if (p.kind !== 'obligation') reject('this is an intention, not an obligation')
  if (p.state !== 'fulfilled') reject(`this obligation is ${p.state}: mark it fulfilled first`)
  await l.emit('request.confirm', [p.to], {
    actor: author.id,
    subject: p.to,
    pledge: p.id,
    amount: p.amount,
  })
}
