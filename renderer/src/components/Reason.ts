/**
 * Why the ledger refused an op, in the user's language. The node gives the rules' English
 * text; the rules' catalogue (core/ledger/reasons.ts) reads it back into a code and values,
 * and the `rejections` namespace has a sentence for each code. A text outside the catalogue
 * is shown as it is.
 */
import { useContext } from 'react'
import { useTranslation } from 'react-i18next'
import { explainReason } from '../../../core/ledger/reasons.ts'
import { formatMoney } from '../format.ts'
import { NetworkContext } from '../network.tsx'

/** Values of a reason that are words of the app, said in the user's language. */
const WORDS = new Set(['kind', 'actual', 'expected', 'verb', 'role'])

export function useReason(): (text: string) => string {
  const { t, i18n } = useTranslation()
  const network = useContext(NetworkContext)?.network
  return (text) => {
    const reason = explainReason(text)
    if (!reason) return text
    const values: Record<string, string> = {}
    for (const [name, value] of Object.entries(reason.params)) {
      const table =
        name === 'state'
          ? reason.code === 'intention-state'
            ? 'intentionState'
            : 'obligationState'
          : WORDS.has(name)
            ? name
            : null
      values[name] = table
        ? t(`rejections:words.${table}.${value}`, { defaultValue: value })
        : name === 'amount' && network
          ? formatMoney(Number(value), network.currency, network.decimals, i18n.language)
          : value
    }
    return t(`rejections:${reason.code}`, { ...values, defaultValue: text })
  }
}
