/**
 * The clearing's notifications and refusals in the user's language (sentences.ts, which the
 * screens and the desktop shell share): what it took off my obligations, the run's totals, and
 * why a consent did not count.
 */
import { describe, expect, it } from 'vitest'
import { createI18n, type Language } from '../../renderer/src/i18n.ts'
import { formatMoney } from '../../renderer/src/format.ts'
import { eventSentence, reasonSentence, type Describable } from '../../renderer/src/sentences.ts'

const ME = 'a'.repeat(64)

const cleared: Describable = {
  kind: 'clearing.cleared',
  subject: ME,
  amount: 2_000,
  data: { cycle: '2026-11', obligations: 2 },
}
const finished: Describable = {
  kind: 'clearing.finished',
  amount: 6_000,
  data: { cycle: '2026-11', debt: 10_000, consented: 10_000, percentBp: 6_000, members: 3 },
}

async function say(language: Language, e: Describable): Promise<string> {
  const i18n = await createI18n(language)
  const money = (minor: number) => formatMoney(minor, 'EUR', 2, language)
  return eventSentence(i18n, e, {
    me: ME,
    networkName: 'Friends',
    nameOf: () => 'Boris',
    money,
  }).replace(/\u00a0|\u202f/g, ' ')
}

describe('clearing, said in each language', () => {
  it('tells each member their part and everyone the totals', async () => {
    expect(await say('en', cleared)).toBe(
      'Clearing settled €20 of your obligations, and as much of what others owe you',
    )
    expect(await say('en', finished)).toBe(
      'Clearing for November 2026: €60 of €100 in consented obligations settled (60%)',
    )
    expect(await say('ru', cleared)).toBe(
      'Взаимозачёт погасил 20 € ваших обязательств и столько же из того, что должны вам',
    )
    expect(await say('ru', finished)).toBe(
      'Взаимозачёт за ноябрь 2026 г.: погашено 60 € из 100 € обязательств, допущенных к зачёту (60 %)',
    )
    // Ukrainian writes the euro as € or EUR, by the runtime's locale data.
    expect(await say('uk', finished)).toMatch(
      /^Взаємозалік за листопад 2026 р\.: погашено 60 (€|EUR) з 100 (€|EUR) зобов’язань, допущених до заліку \(60\s?%\)$/,
    )
  })

  it('says why a consent did not count', async () => {
    const ru = await createI18n('ru')
    expect(reasonSentence(ru, { code: 'clearing-closed', params: {} })).toBe(
      'Взаимозачёт открывается 25-го числа: дать согласие можно с этого дня до конца месяца.',
    )
    const uk = await createI18n('uk')
    expect(
      reasonSentence(uk, { code: 'clearing-not-open', params: { id: 'x', state: 'fulfilled' } }),
    ).toBe(
      'Зобов’язання x позначене як передане: у взаємозаліку беруть участь лише відкриті зобов’язання.',
    )
  })
})
