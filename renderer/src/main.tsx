import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import { connectApi } from './api.ts'
import { App } from './App.tsx'
import { ApiContext } from './hooks.ts'
import { createI18n } from './i18n.ts'
import './styles.css'

const i18n = await createI18n()
// The desktop shell shows notifications and the tray outside the page: in the page's language.
const bridge = window.exodus
if (bridge) {
  bridge.setLanguage(i18n.language)
  i18n.on('languageChanged', (language) => bridge.setLanguage(language))
}
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <ApiContext.Provider value={connectApi()}>
        <App />
      </ApiContext.Provider>
    </I18nextProvider>
  </StrictMode>,
)
