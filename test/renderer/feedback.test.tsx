// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react'
import { I18nextProvider } from 'react-i18next'
import { afterEach, expect, it } from 'vitest'
import { CallFailed } from '../../renderer/src/api.ts'
import { ErrorMessage } from '../../renderer/src/components/Feedback.tsx'
import { createI18n, type Language } from '../../renderer/src/i18n.ts'

afterEach(cleanup)

async function shown(error: Error, language: Language): Promise<string> {
  const i18n = await createI18n(language)
  render(
    <I18nextProvider i18n={i18n}>
      <ErrorMessage error={error} />
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

it("shows the node's own message for the errors it explains itself", async () => {
  const refused = new CallFailed('rejected', 'you already have an intention towards Anna')
  expect(await shown(refused, 'ru')).toBe('you already have an intention towards Anna')
  cleanup()
  expect(await shown(new Error('plain'), 'uk')).toBe('plain')
})
