import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import { connectApi } from './api.ts'
import { App } from './App.tsx'
import { ApiContext } from './hooks.ts'
import { createI18n } from './i18n.ts'
import './styles.css'

const i18n = await createI18n()
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <ApiContext.Provider value={connectApi()}>
        <App />
      </ApiContext.Provider>
    </I18nextProvider>
  </StrictMode>,
)
