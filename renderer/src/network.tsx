/**
 * The network the user is looking at, and what every screen needs to know of it (currency,
 * decimals, who "me" is). The choice is remembered on this device.
 */
import { createContext, useContext, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { NetworkSummary } from '../../core/api/contract.ts'
import { formatMoney } from './format.ts'

export interface NetworkContextValue {
  network: NetworkSummary
  networks: NetworkSummary[]
  select: (id: string) => void
}

export const NetworkContext = createContext<NetworkContextValue | null>(null)

export function NetworkProvider(props: { value: NetworkContextValue; children: ReactNode }) {
  return <NetworkContext.Provider value={props.value}>{props.children}</NetworkContext.Provider>
}

export function useNetwork(): NetworkContextValue {
  const value = useContext(NetworkContext)
  if (!value) throw new Error('useNetwork outside <NetworkProvider>')
  return value
}

/** Formats minor units in the current network's currency and the UI's language. */
export function useMoney(): (minor: number) => string {
  const { network } = useNetwork()
  const { i18n } = useTranslation()
  return (minor) => formatMoney(minor, network.currency, network.decimals, i18n.language)
}

const SELECTED = 'exodus.network'

export function rememberedNetwork(): string | null {
  return globalThis.localStorage?.getItem(SELECTED) ?? null
}

export function rememberNetwork(id: string) {
  globalThis.localStorage?.setItem(SELECTED, id)
}
