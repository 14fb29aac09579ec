/**
 * Component tests render the real screens against real nodes (real ledger rules, real
 * Autobase) running in the test process on a loopback testnet; only the transport is
 * direct calls instead of a WebSocket.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cleanup, render, waitFor, type RenderResult } from '@testing-library/react'
import createTestnet from 'hyperdht/testnet'
import type { ReactNode } from 'react'
import { I18nextProvider } from 'react-i18next'
import { MemoryRouter, Route, Routes } from 'react-router-dom'
import type {
  Command,
  NetworkState,
  NodeEvent,
  Params,
  Reply,
  Results,
} from '../../core/api/contract.ts'
import { dispatch } from '../../core/api/contract.ts'
import { createNode, type ExodusNode, type NodeOptions } from '../../core/node/node.ts'
import { CallFailed, type Api } from '../../renderer/src/api.ts'
import { ApiContext } from '../../renderer/src/hooks.ts'
import { createI18n, type Language } from '../../renderer/src/i18n.ts'
import { NetworkProvider } from '../../renderer/src/network.tsx'

type Testnet = Awaited<ReturnType<typeof createTestnet>>

/**
 * The API contract over direct calls to an in-process node, validated like any transport.
 * Replies go through JSON as over the browser's WebSocket, so a screen gets copies, never
 * objects shared with the node or with each other.
 */
export class DirectApi implements Api {
  constructor(readonly node: ExodusNode) {}

  async call<C extends Command>(command: C, params: Params<C>): Promise<Results[C]> {
    const reply = JSON.parse(JSON.stringify(await dispatch(this.node, command, params))) as Reply
    if (reply.ok) return reply.result as Results[C]
    const { code, message, ...more } = reply.error
    throw new CallFailed(code, message, more)
  }

  subscribe(listener: (event: NodeEvent) => void): () => void {
    this.node.on('event', listener)
    return () => this.node.off('event', listener)
  }
}

export class World {
  private readonly cleanups: Array<() => Promise<unknown>> = []
  private constructor(readonly testnet: Testnet) {}

  static async create(): Promise<World> {
    const testnet = await createTestnet(3, { host: '127.0.0.1' })
    const world = new World(testnet)
    world.cleanups.push(() => testnet.destroy())
    return world
  }

  /** `options`: a node clock of the test's own, and how often the node looks at it. */
  async node(
    name: string,
    options: Pick<NodeOptions, 'clock' | 'cycleCheckMs'> = {},
  ): Promise<DirectApi> {
    const dir = await mkdtemp(join(tmpdir(), `exodus-ui-${name}-`))
    this.cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const node = await createNode({
      dataDir: dir,
      bootstrap: this.testnet.bootstrap.map((b) => `${b.host}:${b.port}`),
      pairingTimeoutMs: 5_000,
      ...options,
    })
    this.cleanups.push(() => node.close())
    await node.call('identity.set', { name })
    return new DirectApi(node)
  }

  /** A node with a network it created (EUR, Europe/Berlin), and that network's summary. */
  async founder(
    name: string,
    networkName = 'Friends',
    options: Pick<NodeOptions, 'clock' | 'cycleCheckMs'> = {},
  ) {
    const api = await this.node(name, options)
    const network = await api.call('network.create', {
      name: networkName,
      currency: 'EUR',
      timeZone: 'Europe/Berlin',
      memberName: name,
    })
    return { api, network }
  }

  /** Admits `api` into `network` through an invite created by `by`. */
  async join(by: DirectApi, api: DirectApi, network: string, name: string) {
    const invite = await by.call('invite.create', { network })
    return api.call('network.join', { invite: invite.code, name })
  }

  async destroy() {
    cleanup()
    while (this.cleanups.length) await this.cleanups.pop()!()
  }
}

/**
 * Renders `ui` as the app would, for `api`'s node in `network` (its first network when
 * omitted), at `path`, in `language`. `calls` lists the commands the screen called, in
 * order, so a test can tell which queries a screen costs the node.
 */
export async function renderScreen(
  api: DirectApi,
  ui: ReactNode,
  opts: { path?: string; route?: string; language?: Language; network?: string } = {},
): Promise<RenderResult & { i18n: Awaited<ReturnType<typeof createI18n>>; calls: Command[] }> {
  const calls: Command[] = []
  const seen: Api = {
    call: (command, params) => {
      calls.push(command)
      return api.call(command, params)
    },
    subscribe: (listener) => api.subscribe(listener),
  }
  const i18n = await createI18n(opts.language ?? 'en')
  const networks = await api.call('network.list', {})
  const network = networks.find((n) => n.id === opts.network) ?? networks[0]
  const routed = (
    <MemoryRouter initialEntries={[opts.path ?? '/']}>
      <Routes>
        <Route path={opts.route ?? '*'} element={ui} />
      </Routes>
    </MemoryRouter>
  )
  const result = render(
    <I18nextProvider i18n={i18n}>
      <ApiContext.Provider value={seen}>
        {network ? (
          <NetworkProvider value={{ network, networks, select: () => {} }}>
            {routed}
          </NetworkProvider>
        ) : (
          routed
        )}
      </ApiContext.Provider>
    </I18nextProvider>,
  )
  return Object.assign(result, { i18n, calls })
}

/** Polls `api`'s view of the network until `check` holds. */
export async function until(api: DirectApi, network: string, check: (s: NetworkState) => boolean) {
  await waitFor(
    async () => {
      if (!check(await api.call('state', { network }))) throw new Error('not yet')
    },
    { timeout: 15_000, interval: 100 },
  )
}

/**
 * Retries a write that may find the node still settling (right after a join, under load).
 */
export function retrying<T>(write: () => Promise<T>): Promise<T> {
  return waitFor(write, { timeout: 15_000, interval: 100 })
}
