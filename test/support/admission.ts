/**
 * Admitting members in tests and benches, done for real: invites made with blind-pairing-core
 * (deterministic from a label), the receipt a newcomer who holds one sends when pairing, and a
 * person's member key with its join proof (from a seed named after the person).
 */
import { createHash } from 'node:crypto'
import { createInvite, createReceipt } from 'blind-pairing-core'
import { memberKeyPair, signProof } from '../../core/identity/member-key.ts'

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

export interface TestInvite {
  /** The id the ledger knows the invite by. */
  id: string
  publicKey: string
  /** The invite's bytes: what a newcomer holds. */
  bytes: Buffer
}

/** An invite named `label` (the same label, the same invite). */
export function testInvite(label: string): TestInvite {
  const made = createInvite(digest(`network of ${label}`), { seed: digest(`invite ${label}`) })
  return { id: hex(made.id), publicKey: hex(made.publicKey), bytes: made.invite }
}

/** The receipt (hex) of a pairing with `invite` by the writer `writer` (hex). */
export function receiptFor(invite: TestInvite, writer: string): string {
  return hex(createReceipt(invite.bytes, Buffer.from(writer, 'hex')).receipt)
}

/** The member key of `person` in the network `network` (its id: the creator's writer key). */
export function memberKeyOf(person: string, network: string) {
  return memberKeyPair(digest(`seed of ${person}`), network)
}

/** A member.join's key and proof: `person` joins `network` with the writer `writer`. */
export function joinProof(person: string, network: string, writer: string) {
  const pair = memberKeyOf(person, network)
  return {
    key: hex(pair.publicKey),
    proof: hex(signProof(pair.secretKey, 'join', network, writer)),
  }
}
