/**
 * The recovery phrase: 24 BIP39 English words, accepted however a person wrote or pasted
 * them, refused with what is wrong, and turned into the same identity seed on every device.
 */
import { pbkdf2Sync } from 'node:crypto'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import sodium from 'sodium-universal'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../core/errors.ts'
import {
  identitySeed,
  newPhrase,
  normalisePhrase,
  phraseWords,
} from '../../core/identity/phrase.ts'

/** BIP39's test vector for 32 zero bytes of entropy. */
const ZEROS = `${'abandon '.repeat(23)}art`
/** A phrase as newPhrase made it once. */
const WRITTEN =
  'clutch company autumn artist fee hazard word baby blast rapid suggest crucial artwork ' +
  'siege cotton february idea abstract payment hotel angry busy diet chicken'

function refusal(text: string): { variant: string | undefined; message: string } {
  try {
    normalisePhrase(text)
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError)
    const e = err as ApiError
    expect(e.code).toBe('phrase-invalid')
    return { variant: e.variant, message: e.message }
  }
  throw new Error(`accepted: ${text}`)
}

describe('newPhrase', () => {
  it('makes 24 known words that pass their own checksum, different every time', () => {
    const a = newPhrase()
    const words = a.split(' ')
    expect(words).toHaveLength(24)
    expect(words.every((w) => wordlist.includes(w))).toBe(true)
    expect(normalisePhrase(a)).toBe(a)
    expect(newPhrase()).not.toBe(a)
  })
})

describe('normalisePhrase', () => {
  it('accepts any spacing, line breaks, case, commas and the numbers of a written list', () => {
    const phrase = newPhrase()
    const words = phrase.split(' ')
    const messy =
      `  ${words.slice(0, 8).join('   ').toUpperCase()}\n\n` +
      `${words.slice(8, 16).join(',\t')}\r\n` +
      words
        .slice(16)
        .map((w, i) => `${i + 17}. ${w[0]!.toUpperCase()}${w.slice(1)}`)
        .join('\n')
    expect(normalisePhrase(messy)).toBe(phrase)
    expect(normalisePhrase(words.map((w, i) => `${i + 1}) ${w}`).join(' '))).toBe(phrase)
    expect(phraseWords(messy)).toEqual(words)
  })

  it('says what is wrong: nothing typed, a word not in the list, the count, the checksum', () => {
    expect(refusal(' \n ')).toEqual({
      variant: 'empty',
      message: 'Type the 24 words of your recovery phrase.',
    })
    const words = ZEROS.split(' ')
    expect(refusal(words.join(' ').replace('abandon art', 'abandon artt'))).toEqual({
      variant: 'word',
      message: 'Word 24, "artt", is not a word of recovery phrases: check its spelling.',
    })
    // An unknown word is named before the count: it is the more precise hint.
    expect(refusal(['abandonn', ...words.slice(2)].join(' ')).variant).toBe('word')
    expect(refusal(words.slice(1).join(' '))).toEqual({
      variant: 'count',
      message:
        'A recovery phrase has 24 words; this one has 23. Check that no word is missing or ' +
        'written twice.',
    })
    // 12 valid words (a wallet's phrase) are not a recovery phrase of this app.
    expect(refusal(`${'abandon '.repeat(11)}about`).variant).toBe('count')
    // Two words swapped: every word is known, the checksum catches it.
    const words2 = WRITTEN.split(' ')
    ;[words2[3], words2[10]] = [words2[10]!, words2[3]!]
    expect(normalisePhrase(WRITTEN)).toBe(WRITTEN)
    expect(refusal(words2.join(' ')).variant).toBe('checksum')
    expect(refusal(`${'abandon '.repeat(23)}abandon`)).toEqual({
      variant: 'checksum',
      message:
        'These 24 words are not a recovery phrase: a word is wrong, or two are swapped. ' +
        'Check the words.',
    })
  })
})

describe('identitySeed', () => {
  it('is BLAKE2b-256 keyed with "exodus/identity/v1" of the BIP39 seed without passphrase', () => {
    const bip39 = pbkdf2Sync(ZEROS, 'mnemonic', 2048, 64, 'sha512')
    const expected = Buffer.alloc(32)
    sodium.crypto_generichash(expected, bip39, Buffer.from('exodus/identity/v1'))
    expect(identitySeed(ZEROS).toString('hex')).toBe(expected.toString('hex'))
    // Known answer: the same on every device and every version of the app.
    expect(identitySeed(ZEROS).toString('hex')).toBe(
      '0f2150dfb09aecb35c385b3fef2b907e3012a200b72a7edf3efd5851a4fbdb45',
    )
  })

  it('depends on the words only, not on how they were typed', () => {
    expect(identitySeed(`  ${ZEROS.toUpperCase()}\n`)).toEqual(identitySeed(ZEROS))
    expect(identitySeed(newPhrase())).not.toEqual(identitySeed(ZEROS))
    expect(() => identitySeed('abandon')).toThrow(ApiError)
  })
})
