/**
 * A collection's progress: the goal 💰 against what is confirmed 👍, committed 🤝 and
 * intended ❤️, and what is still missing 🙏 (domain.md §4). The bar is a `meter` for
 * assistive technology, with the same figures written out beside it.
 *
 * Also the display conventions of domain.md §4 in the UI language (`useConventions`):
 * `2 👥→👤 (75 ❤️ / 475 🙏)`, `👤→4 👥 (20 ❤️ / 10 🤝 / 100 👍)`, `Anna 🆘 (500 🙏 / 10 days)`.
 */
import { useTranslation } from 'react-i18next'
import type { CollectionProgress } from '../../../core/ledger/collection.ts'
import {
  incomingLine,
  outgoingLine,
  type IncomingSummary,
  type OutgoingSummary,
} from '../../../core/ledger/format.ts'
import { formatPlain } from '../format.ts'
import { useMoney, useNetwork } from '../network.tsx'

/**
 * The three display lines of domain.md §4, with numbers and words in the UI language. Their
 * shape is core's (core/ledger/format.ts); the emergency line has words, so it is translated.
 */
export function useConventions() {
  const { t, i18n } = useTranslation('progress')
  const { network } = useNetwork()
  const n = (minor: number) => formatPlain(minor, network.decimals, i18n.language)
  return {
    incoming: (s: IncomingSummary) => incomingLine(s, n),
    outgoing: (s: OutgoingSummary) => outgoingLine(s, n),
    emergency: (name: string, missing: number, daysLeft: number) =>
      t('emergencyLine', { name, missing: n(missing), count: daysLeft }),
  }
}

const pct = (part: number, whole: number) => `${Math.max(0, Math.min(100, (part / whole) * 100))}%`

export function Progress(props: {
  progress: CollectionProgress
  /** What the bar measures, for screen readers, e.g. "Anna's collection". */
  label?: string
  /** The display line to show above the bar (e.g. card.lines.incoming). */
  line?: string
}) {
  const { t } = useTranslation('progress')
  const money = useMoney()
  const { goal, intended, committed, confirmed, missing, supporters } = props.progress
  if (goal <= 0) {
    return <p className="muted">{t('notCollecting')}</p>
  }
  const promised = Math.min(goal, committed + confirmed)
  const figures: Array<{ key: string; emoji: string; amount: number }> = [
    { key: 'goal', emoji: '💰', amount: goal },
    { key: 'confirmed', emoji: '👍', amount: confirmed },
    { key: 'committed', emoji: '🤝', amount: committed },
    { key: 'intended', emoji: '❤️', amount: intended },
    { key: 'missing', emoji: '🙏', amount: missing },
  ]
  return (
    <div className="progress">
      {props.line && (
        <p className="progress-line">
          <span aria-hidden="true">{props.line}</span>
          <span className="visually-hidden">
            {t('lineSpoken', {
              count: supporters,
              intended: money(intended),
              missing: money(missing),
            })}
          </span>
        </p>
      )}
      <div
        role="meter"
        aria-label={props.label ?? t('label')}
        aria-valuemin={0}
        aria-valuemax={goal}
        aria-valuenow={promised}
        aria-valuetext={t('valueText', {
          promised: money(committed + confirmed),
          goal: money(goal),
          missing: money(missing),
        })}
        className="progress-bar"
      >
        <span className="progress-confirmed" style={{ width: pct(confirmed, goal) }} />
        <span className="progress-committed" style={{ width: pct(committed, goal) }} />
        <span
          className="progress-intended"
          style={{ width: pct(Math.min(intended, missing), goal) }}
        />
      </div>
      <dl className="progress-legend">
        {figures.map((f) => (
          <div key={f.key} className={`progress-${f.key}-legend`}>
            <dt>
              <span aria-hidden="true">{f.emoji} </span>
              {t(f.key)}
            </dt>
            <dd>{money(f.amount)}</dd>
          </div>
        ))}
      </dl>
    </div>
  )
}
