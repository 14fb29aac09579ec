/** The language of the app, chosen on Profile or Settings; remembered on this device. */
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { LANGUAGES, rememberLanguage, type Language } from '../i18n.ts'

export function LanguageSelect(props: { label: string }) {
  const { i18n } = useTranslation()
  const id = useId()
  const current = LANGUAGES.find((l) => l.code === i18n.language.slice(0, 2))?.code ?? 'en'
  return (
    <>
      <label htmlFor={id}>{props.label}</label>{' '}
      <select
        id={id}
        value={current}
        onChange={(e) => {
          const code = e.target.value as Language
          rememberLanguage(code)
          void i18n.changeLanguage(code)
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </>
  )
}
