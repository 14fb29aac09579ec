/** Why the ledger refused an op, in the user's language (see sentences.ts). */
import { useContext } from 'react'
import { useTranslation } from 'react-i18next'
import { formatMoney } from '../format.ts'
import { NetworkContext } from '../network.tsx'
import { reasonSentence } from '../sentences.ts'

export function useReason(): (text: string) => string {
  const { i18n } = useTranslation()
  const network = useContext(NetworkContext)?.network
  return (text) =>
    reasonSentence(
      i18n,
      text,
      network
        ? (minor) => formatMoney(minor, network.currency, network.decimals, i18n.language)
        : undefined,
    )
}
