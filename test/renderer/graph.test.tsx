// @vitest-environment jsdom
/**
 * When the graph draws. Cytoscape needs a canvas and a laid-out page, neither of which
 * jsdom has, so here it is replaced by a recorder: these tests are about the component's
 * timing, not the drawing (the end-to-end stories draw the real graph in Chromium).
 */
import { cleanup, render } from '@testing-library/react'
import { I18nextProvider } from 'react-i18next'
import { MemoryRouter } from 'react-router-dom'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { NetworkGraph, type GraphData } from '../../renderer/src/components/NetworkGraph.tsx'
import { createI18n } from '../../renderer/src/i18n.ts'

const drawn = vi.hoisted(() => [] as HTMLElement[])
vi.mock('cytoscape', () => ({
  default: ({ container }: { container: HTMLElement }) => {
    drawn.push(container)
    return { on: () => {}, layout: () => ({ run: () => {} }), destroy: () => {} }
  },
}))

const data: GraphData = {
  nodes: [
    { id: 'a', label: 'Anna', status: 'orange', me: false, context: false },
    { id: 'b', label: 'Boris', status: 'green', me: true, context: false },
  ],
  edges: [{ id: 'b>a', source: 'b', target: 'a' }],
}

// jsdom lays nothing out; give every element the size a visible panel would have.
beforeEach(() => {
  drawn.length = 0
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(600)
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(400)
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

async function renderGraph() {
  const i18n = await createI18n('en')
  return render(
    <I18nextProvider i18n={i18n}>
      <MemoryRouter>
        <NetworkGraph data={data} />
      </MemoryRouter>
    </I18nextProvider>,
  )
}

/** Lets the graph's on-demand import of Cytoscape settle. */
async function importSettled() {
  await import('cytoscape')
  await new Promise((resolve) => setTimeout(resolve, 0))
}

it('draws into its picture once Cytoscape has loaded', async () => {
  const { getByRole } = await renderGraph()
  await importSettled()
  expect(drawn).toEqual([getByRole('img')])
})

it('does not draw into a picture that left the page while Cytoscape was loading', async () => {
  // React takes a screen off the page before it runs the screen's effect clean-ups, so
  // the load can finish in between: laying out a detached container threw in Chromium.
  const { container } = await renderGraph()
  container.remove()
  await importSettled()
  expect(drawn).toEqual([])
})
