// @vitest-environment jsdom
/**
 * When useQuery calls the node. The API here is a recorder whose calls the test answers by
 * hand: the subject is the hook's timing, not what the node answers (the screen tests run
 * real nodes).
 */
import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, expect, it } from 'vitest'
import type { NodeEvent } from '../../core/api/contract.ts'
import type { Api } from '../../renderer/src/api.ts'
import { ApiContext, useQuery } from '../../renderer/src/hooks.ts'

afterEach(cleanup)

class ManualApi implements Api {
  calls: Array<{ params: unknown; answer: (value: unknown) => void }> = []
  private listeners = new Set<(event: NodeEvent) => void>()

  call<C extends string>(_command: C, params: unknown): Promise<never> {
    return new Promise((resolve) => {
      this.calls.push({ params, answer: resolve as (value: unknown) => void })
    }) as Promise<never>
  }

  subscribe(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  changed(network: string): void {
    for (const l of this.listeners) l({ type: 'state', network })
  }
}

function Shows({ network }: { network: string }) {
  const { data } = useQuery('network.list', { network } as never)
  return <p>{data === undefined ? 'nothing yet' : String(data)}</p>
}

function renderWith(api: ManualApi, network: string) {
  const ui = (n: string) => (
    <ApiContext.Provider value={api}>
      <Shows network={n} />
    </ApiContext.Provider>
  )
  const result = render(ui(network))
  return { rerender: (n: string) => result.rerender(ui(n)) }
}

it('keeps one call in flight, and makes one more for all the changes that came meanwhile', async () => {
  const api = new ManualApi()
  renderWith(api, 'n1')
  expect(api.calls).toHaveLength(1)
  act(() => {
    for (let i = 0; i < 5; i++) api.changed('n1')
  })
  expect(api.calls).toHaveLength(1)
  await act(async () => api.calls[0]!.answer('first'))
  expect(screen.getByText('first')).toBeTruthy()
  expect(api.calls).toHaveLength(2)
  await act(async () => api.calls[1]!.answer('second'))
  expect(screen.getByText('second')).toBeTruthy()
  expect(api.calls).toHaveLength(2)
  act(() => api.changed('n1'))
  expect(api.calls).toHaveLength(3)
  // Other networks' changes are not this query's business.
  await act(async () => api.calls[2]!.answer('third'))
  act(() => api.changed('n2'))
  expect(api.calls).toHaveLength(3)
})

it('asks at once when its parameters change, and shows only the newest answer', async () => {
  const api = new ManualApi()
  const { rerender } = renderWith(api, 'n1')
  rerender('n2')
  expect(api.calls.map((c) => c.params)).toEqual([{ network: 'n1' }, { network: 'n2' }])
  await act(async () => api.calls[1]!.answer('for n2'))
  await act(async () => api.calls[0]!.answer('for n1, too late'))
  expect(screen.getByText('for n2')).toBeTruthy()
  expect(api.calls).toHaveLength(2)
})
