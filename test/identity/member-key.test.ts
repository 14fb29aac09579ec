/**
 * Member keys and proofs: derived the same everywhere from the phrase (known answers),
 * unrelated between networks, and a proof holds for its own purpose, network, subject and
 * key only.
 */
import crypto from 'hypercore-crypto'
import { describe, expect, it } from 'vitest'
import {
  identityKeyPair,
  memberKeyPair,
  PROOF_PURPOSES,
  signProof,
  verifyProof,
} from '../../core/identity/member-key.ts'
import { identitySeed, newPhrase } from '../../core/identity/phrase.ts'

const ZEROS = `${'abandon '.repeat(23)}art`
const seed = identitySeed(ZEROS)
const NET_A = Buffer.alloc(32, 1)
const NET_B = Buffer.alloc(32, 2)
const SUBJECT = Buffer.alloc(32, 3)
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

describe('derived keys', () => {
  it('are the same for the same phrase everywhere (known answers)', () => {
    expect(hex(memberKeyPair(seed, NET_A).publicKey)).toBe(
      'c42a67ad39398893362eb294815023c8d52fcf40d2825e6b6ae11b95bda5c9c5',
    )
    expect(hex(identityKeyPair(seed).publicKey)).toBe(
      '9f09521eba5a1ff7573159eb8d9d7d99b582d4d8341938a83690528d34bb0a94',
    )
    // Keys given as hex are the same keys.
    expect(memberKeyPair(hex(seed), hex(NET_A))).toEqual(memberKeyPair(seed, NET_A))
    const pair = memberKeyPair(seed, NET_A)
    expect(crypto.validateKeyPair(pair)).toBe(true)
    // ed25519 signatures are deterministic: the proof is a known answer too.
    expect(hex(signProof(pair.secretKey, 'join', NET_A, SUBJECT))).toBe(
      'a7b766b4ae8acc9f36ee4f302eeaa0c21c5b4185c4d06ed3780b8239882ef7f9' +
        'c821e5bdd8a14bbed80e48a483241ac01678d6774c896bb4374f4fb2b9cb510d',
    )
  })

  it('differ between networks, between people, and from the identity key', () => {
    const other = identitySeed(newPhrase())
    const keys = [
      memberKeyPair(seed, NET_A),
      memberKeyPair(seed, NET_B),
      memberKeyPair(other, NET_A),
      memberKeyPair(other, NET_B),
      identityKeyPair(seed),
      identityKeyPair(other),
    ].map((k) => hex(k.publicKey))
    expect(new Set(keys).size).toBe(keys.length)
    // Nor is a member key the seed's own key pair, or the network key's.
    expect(keys).not.toContain(hex(crypto.keyPair(seed).publicKey))
    expect(keys).not.toContain(hex(crypto.keyPair(NET_A).publicKey))
  })

  it('refuse keys of the wrong size', () => {
    expect(() => memberKeyPair(seed.subarray(1), NET_A)).toThrow(TypeError)
    expect(() => memberKeyPair(seed, 'ab')).toThrow(/networkKey must be 32 bytes/)
    expect(() => memberKeyPair(hex(seed).toUpperCase(), NET_A)).toThrow(TypeError)
  })
})

describe('proofs', () => {
  const me = memberKeyPair(seed, NET_A)
  const someoneElse = memberKeyPair(identitySeed(newPhrase()), NET_A)

  it.each(PROOF_PURPOSES)('%s: verifies for its purpose, network, subject and key only', (p) => {
    const proof = signProof(me.secretKey, p, NET_A, SUBJECT)
    expect(proof).toHaveLength(64)
    expect(verifyProof(me.publicKey, p, NET_A, SUBJECT, proof)).toBe(true)
    expect(verifyProof(hex(me.publicKey), p, hex(NET_A), hex(SUBJECT), hex(proof))).toBe(true)
    // What it signs: the purpose's context, the network's key, the subject's key.
    const message = Buffer.concat([Buffer.from(`exodus/${p}/v1`), NET_A, SUBJECT])
    expect(crypto.verify(message, proof, me.publicKey)).toBe(true)

    for (const other of PROOF_PURPOSES.filter((q) => q !== p))
      expect(verifyProof(me.publicKey, other, NET_A, SUBJECT, proof)).toBe(false)
    expect(verifyProof(me.publicKey, p, NET_B, SUBJECT, proof)).toBe(false)
    expect(verifyProof(me.publicKey, p, NET_A, NET_B, proof)).toBe(false)
    expect(verifyProof(someoneElse.publicKey, p, NET_A, SUBJECT, proof)).toBe(false)
    // This person's key in another network does not vouch here either.
    expect(verifyProof(memberKeyPair(seed, NET_B).publicKey, p, NET_A, SUBJECT, proof)).toBe(false)
    const tampered = Buffer.from(proof)
    tampered[10]! ^= 1
    expect(verifyProof(me.publicKey, p, NET_A, SUBJECT, tampered)).toBe(false)
  })

  it('never throws on malformed input: it is just not a proof', () => {
    const proof = signProof(me.secretKey, 'device', NET_A, SUBJECT)
    const bad: Array<Parameters<typeof verifyProof>> = [
      [me.publicKey.subarray(1), 'device', NET_A, SUBJECT, proof],
      [me.publicKey, 'device', 'zz'.repeat(32), SUBJECT, proof],
      [me.publicKey, 'device', NET_A, SUBJECT.subarray(0, 31), proof],
      [me.publicKey, 'device', NET_A, SUBJECT, proof.subarray(0, 63)],
      [me.publicKey, 'admin' as never, NET_A, SUBJECT, proof],
      [null as never, 'device', NET_A, SUBJECT, proof],
      [me.publicKey, 'device', NET_A, SUBJECT, 42 as never],
    ]
    for (const args of bad) expect(verifyProof(...args)).toBe(false)
    expect(() => signProof(me.secretKey, 'admin' as never, NET_A, SUBJECT)).toThrow(TypeError)
    expect(() => signProof(me.publicKey, 'join', NET_A, SUBJECT)).toThrow(/secretKey/)
  })
})
