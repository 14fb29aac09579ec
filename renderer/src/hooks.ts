/**
 * React glue for the API: live queries that refresh whenever the node reports a change, and
 * actions that report their errors in words a person can act on.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react'
import type { Command, NodeEvent, Params, Results } from '../../core/api/contract.ts'
import type { Api } from './api.ts'

export const ApiContext = createContext<Api | null>(null)

export function useApi(): Api {
  const api = useContext(ApiContext)
  if (!api) throw new Error('useApi outside <ApiContext.Provider>')
  return api
}

export interface Query<T> {
  data: T | undefined
  error: Error | undefined
  loading: boolean
  reload: () => void
}

/**
 * Calls `command` now and again after every node event that may change its answer (state
 * changes of the same network, notifications, sync). `params` null means "not yet".
 * At most one call per query is in flight: events that arrive meanwhile make one more call
 * when it returns, however many they were (a network catching up reports changes many
 * times a second, and the state of a big network takes the node a good part of a second).
 */
export function useQuery<C extends Command>(
  command: C,
  params: Params<C> | null,
): Query<Results[C]> {
  const api = useApi()
  const [data, setData] = useState<Results[C]>()
  const [error, setError] = useState<Error>()
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const key = JSON.stringify(params)
  const latest = useRef(0)
  /** The call in flight (its params), and whether a change came in while it ran. */
  const inFlight = useRef<string | null>(null)
  const stale = useRef(false)

  useEffect(() => {
    if (params === null) return
    if (inFlight.current === key) {
      stale.current = true
      return
    }
    const run = ++latest.current
    inFlight.current = key
    stale.current = false
    setLoading(true)
    const settle = () => {
      if (run !== latest.current) return false
      inFlight.current = null
      if (stale.current) setTick((t) => t + 1)
      return true
    }
    api.call(command, params).then(
      (result) => {
        if (!settle()) return
        setData(result)
        setError(undefined)
        setLoading(false)
      },
      (err: Error) => {
        if (!settle()) return
        setError(err)
        setLoading(false)
      },
    )
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `params`
  }, [api, command, key, tick])

  useEffect(() => {
    const network =
      params && 'network' in params ? (params as { network?: string }).network : undefined
    return api.subscribe((event: NodeEvent) => {
      if (event.type === 'state' && network && event.network !== network && event.network !== '*')
        return
      setTick((t) => t + 1)
    })
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `params`
  }, [api, key])

  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { data, error, loading, reload }
}

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>
  busy: boolean
  error: Error | undefined
  clearError: () => void
}

/** Wraps a call made by a button: busy while it runs, its error kept for display. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<Error>()
  const run = useCallback(
    async (...args: A) => {
      setBusy(true)
      setError(undefined)
      try {
        return await fn(...args)
      } catch (err) {
        setError(err as Error)
        return undefined
      } finally {
        setBusy(false)
      }
    },
    [fn],
  )
  return { run, busy, error, clearError: () => setError(undefined) }
}
