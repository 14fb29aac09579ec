// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react'
import { I18nextProvider } from 'react-i18next'
import { afterEach, expect, it } from 'vitest'
import type { NetworkSummary } from '../../core/api/contract.ts'
import { reasonText, type ErrorParams, type ReasonCode } from '../../core/errors.ts'
import { CallFailed } from '../../renderer/src/api.ts'
import { ErrorMessage } from '../../renderer/src/components/Feedback.tsx'
import { createI18n, type Language } from '../../renderer/src/i18n.ts'
import { NetworkProvider } from '../../renderer/src/network.tsx'

afterEach(cleanup)

async function shown(error: Error, language: Language, network?: NetworkSummary): Promise<string> {
  const i18n = await createI18n(language)
  const message = <ErrorMessage error={error} />
  render(
    <I18nextProvider i18n={i18n}>
      {network ? (
        <NetworkProvider value={{ network, networks: [network], select: () => {} }}>
          {message}
        </NetworkProvider>
      ) : (
        message
      )}
    </I18nextProvider>,
  )
  return screen.getByRole('alert').textContent ?? ''
}

it("shows the node's errors any screen can meet in the user's language", async () => {
  const missing = new CallFailed('data-unavailable', 'Part of this network’s data… (English)')
  expect(await shown(missing, 'ru')).toMatch(/^Часть данных этой сети ещё не дошла/)
  cleanup()
  expect(await shown(missing, 'uk')).toMatch(/^Частина даних цієї мережі/)
  cleanup()
  expect(await shown(new CallFailed('offline', 'lost'), 'en')).toMatch(/reconnects by itself/)
})

it("says why the ledger refused an op in the user's language, with its values", async () => {
  const refusal = (code: ReasonCode, params: ErrorParams = {}) =>
    new CallFailed('rejected', reasonText({ code, params }), { reason: { code, params } })
  expect(await shown(refusal('own-obligation', { verb: 'forgive' }), 'ru')).toBe(
    'Нельзя простить собственное обязательство.',
  )
  cleanup()
  expect(await shown(refusal('obligation-state', { state: 'confirmed' }), 'uk')).toBe(
    "Це зобов'язання підтверджене.",
  )
  cleanup()
  expect(await shown(refusal('not-asking', { name: 'Anna' }), 'en')).toBe(
    'Anna is not asking for help.',
  )
  cleanup()
  // Amounts in the network's currency, when a network is open.
  const euro = { currency: 'EUR', decimals: 2 } as NetworkSummary
  expect(
    await shown(refusal('same-monthly', { amount: 12_550 }), 'ru', euro).then((t) =>
      t.replace(/\s/g, ' '),
    ),
  ).toBe('Ваша ежемесячная сумма уже 125,50 €.')
})

it("keeps the node's own words for what it does not know", async () => {
  const refused = new CallFailed('rejected', 'malformed op: amount must be an integer')
  expect(await shown(refused, 'ru')).toBe('malformed op: amount must be an integer')
  cleanup()
  expect(await shown(new Error('plain'), 'uk')).toBe('plain')
})
