/**
 * What the shell shows outside the window (desktop notifications, the tray, the app menu) is
 * in the language chosen in the page: the page says it over the bridge, the main process
 * checks and keeps it, and the texts come from the page's own translations.
 */
import fs from 'node:fs'
import path from 'node:path'
import { APP_URL } from '../../electron/app-protocol.ts'
import { afterEach, describe, expect, it } from 'vitest'
import type { NotificationEntry } from '../../core/api/contract.ts'
import { syncState } from '../daemon/fake-node.ts'
import {
  DESKTOP_LANGUAGES,
  LANGUAGE_FILE,
  readLanguage,
  systemLanguage,
  writeLanguage,
} from '../../electron/desktop-language.ts'
import { DesktopText, type NetworkInfo } from '../../electron/desktop-text.ts'
import { guardLanguage } from '../../electron/ipc-guard.ts'
import { formatMoney } from '../../renderer/src/format.ts'
import { tempDir } from '../daemon/helpers.ts'

const ME = 'a'.repeat(64)
const BORIS = 'b'.repeat(64)
const NET = 'c'.repeat(64)

const friends: NetworkInfo = {
  name: 'Friends',
  sync: syncState(2),
  me: ME,
  currency: 'EUR',
  decimals: 2,
}
const networkOf = (id: string) => (id === NET ? friends : undefined)

const entry = (fields: Partial<NotificationEntry>): NotificationEntry => ({
  id: String(Math.random()),
  kind: 'intention.created',
  at: 0,
  network: NET,
  read: false,
  text: 'the node’s English text',
  ...fields,
})

const intention = entry({
  kind: 'intention.created',
  actor: BORIS,
  subject: ME,
  amount: 10_000,
  names: { [BORIS]: 'Борис', [ME]: 'Анна' },
})
const reminder = entry({ kind: 'reminder.month-end', amount: 2_550 })
const clearing = entry({ kind: 'clearing.open' })
const refused = entry({
  kind: 'op.refused',
  data: { type: 'status.orange' },
  refusal: { code: 'same-monthly', params: { amount: 60_000 } },
})

describe('desktop notifications', () => {
  it('are said in Russian with the page’s templates, names and money', () => {
    const ru = new DesktopText('ru')
    expect(ru.notificationBody([intention], networkOf)).toBe(
      'Борис хочет помочь вам: 100\u00a0€ ❤️',
    )
    expect(ru.notificationBody([reminder], networkOf)).toBe(
      'Месяц скоро закончится: ваши обязательства на 25,50\u00a0€ ещё не выполнены',
    )
    expect(ru.notificationBody([refused], networkOf)).toBe(
      'Одна из ваших записей не засчитана: Ваша ежемесячная сумма уже 600\u00a0€.',
    )
    expect(ru.notificationBody([intention, reminder, clearing], networkOf)).toBe(
      '3 новых уведомления. Последнее: Взаимозачёт обязательств открыт до конца месяца',
    )
    expect(ru.notificationBody(Array(5).fill(clearing), networkOf)).toMatch(
      /^5 новых уведомлений\. Последнее: /,
    )
  })

  it('are said in Ukrainian', () => {
    const uk = new DesktopText('uk')
    expect(uk.notificationBody([intention], networkOf)).toBe(
      `Борис хоче допомогти вам: ${formatMoney(10_000, 'EUR', 2, 'uk')} ❤️`,
    )
    expect(uk.notificationBody([clearing], networkOf)).toBe(
      'Взаємозалік зобов’язань відкрито до кінця місяця',
    )
    expect(uk.notificationBody([intention, clearing], networkOf)).toBe(
      '2 нові сповіщення. Останнє: Взаємозалік зобов’язань відкрито до кінця місяця',
    )
  })

  it('are said in English too, and fall back to the node’s text for a network not known yet', () => {
    const en = new DesktopText('en')
    expect(en.notificationBody([], networkOf)).toBeNull()
    expect(en.notificationBody([intention], networkOf)).toBe('Борис intends to give you €100 ❤️')
    expect(en.notificationBody([entry({ ...clearing, network: 'd'.repeat(64) })], networkOf)).toBe(
      'the node’s English text',
    )
  })
})

describe('the tray and the app menu', () => {
  const networks = [friends, { ...friends, name: 'Семья', sync: syncState(0) }]
  const labelsOf = (items: ReturnType<DesktopText['trayMenu']>) =>
    items.map((i) => (i.type === 'separator' ? '—' : i.label))

  it('are in Russian', () => {
    const ru = new DesktopText('ru')
    const open = () => {}
    const menu = ru.trayMenu('Exodus Circles', networks, { open, quit: () => {} })
    expect(labelsOf(menu)).toEqual([
      // Sorted as Russian sorts: Cyrillic first.
      'Семья: нет связи',
      'Friends: 2 участника на связи',
      '—',
      'Открыть Exodus Circles',
      'Выйти',
    ])
    expect(menu[3]!.click).toBe(open)
    expect(ru.trayTooltip('Exodus Circles', [])).toBe('Exodus Circles\nСетей пока нет')
    expect(ru.labels('Exodus Circles')).toMatchObject({ file: 'Файл', networks: 'Сети' })
  })

  it('are in Ukrainian', () => {
    const uk = new DesktopText('uk')
    const menu = uk.trayMenu('Exodus Circles', [{ ...friends, sync: syncState(5) }], {
      open: () => {},
      quit: () => {},
    })
    expect(labelsOf(menu)).toEqual([
      'Friends: 5 учасників на зв\u0027язку',
      '—',
      'Відкрити Exodus Circles',
      'Вийти',
    ])
    expect(uk.labels('Exodus Circles')).toEqual({
      open: 'Відкрити Exodus Circles',
      quit: 'Вийти',
      file: 'Файл',
      view: 'Вигляд',
      networks: 'Мережі',
    })
  })
})

describe('the chosen language', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })
  const appUrl = APP_URL
  const page = { url: `${appUrl}#/profile`, appMainFrame: true }

  it('is one of the page’s languages, a folder of translations each', () => {
    const locales = path.join(import.meta.dirname, '..', '..', 'renderer', 'src', 'locales')
    expect([...DESKTOP_LANGUAGES].sort()).toEqual(fs.readdirSync(locales).sort())
  })

  it('is taken from the app’s page only, and only when the app speaks it', () => {
    expect(guardLanguage(page, appUrl, 'uk')).toBe('uk')
    expect(guardLanguage(page, appUrl, 'de')).toBeNull()
    expect(guardLanguage(page, appUrl, { toString: () => 'ru' })).toBeNull()
    expect(guardLanguage({ ...page, appMainFrame: false }, appUrl, 'ru')).toBeNull()
    expect(guardLanguage({ ...page, url: 'https://example.org/' }, appUrl, 'ru')).toBeNull()
  })

  it('is kept for the next start; before the page has said, the system’s', async () => {
    const dir = await tempDir('exodus-shell-')
    dirs.push(dir)
    expect(readLanguage(dir)).toBeNull()
    writeLanguage(dir, 'ru')
    expect(readLanguage(dir)).toBe('ru')
    fs.writeFileSync(path.join(dir, LANGUAGE_FILE), '{"language":"xx"}')
    expect(readLanguage(dir)).toBeNull()
    expect(systemLanguage(['de-DE', 'uk-UA', 'ru'])).toBe('uk')
    expect(systemLanguage(['de-DE'])).toBe('en')
  })
})

describe('links written by members', () => {
  it('are opened only after a question that names their host, in the chosen language', () => {
    const url = 'https://bank.example/pay?to=anna'
    expect(new DesktopText('en').externalLinkQuestion(url)).toEqual({
      message: 'Open bank.example in your browser?',
      detail: `${url}\n\nA member wrote this link. Open it only if you trust where it goes.`,
      buttons: ['Open in browser', 'Cancel'],
    })
    expect(new DesktopText('uk').externalLinkQuestion(url).message).toBe(
      'Відкрити bank.example у браузері?',
    )
    // A host of letters that only look Latin is named as the browser reads it.
    const lookalike = 'https://b\u0430nk.example/' // a Cyrillic "а"
    expect(new DesktopText('ru').externalLinkQuestion(lookalike).message).toBe(
      'Открыть xn--bnk-6cd.example в браузере?',
    )
  })
})
