/** Why the ledger refused an op, in the user's language (see sentences.ts). */
import { useContext } from 'react'
import { useTranslation } from 'react-i18next'
import { formatMoney } from '../format.ts'
import { NetworkContext } from '../network.tsx'
import type { Refusal } from '../../../core/errors.ts'
import { reasonSentence } from '../sentences.ts'

export function useReason(): (refusal: Refusal) => string {
  const { i18n } = useTranslation()
  const network = useContext(NetworkContext)?.network
  return (refusal) =>
    reasonSentence(
      i18n,
      refusal,
      network
        ? (minor) => formatMoney(minor, network.currency, network.decimals, i18n.language)
        : undefined,
    )
}
