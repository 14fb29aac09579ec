/**
 * The network as a picture: members as nodes coloured by status, support as arrows from
 * supporter to supported, my node outlined. Drawn with Cytoscape, loaded on demand so it
 * does not weigh on the app's first paint. The member list beside it is the text
 * equivalent; the drawing itself is one image with a summary for screen readers.
 */
import type { Core, ElementDefinition } from 'cytoscape'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router-dom'
import type { PersonCard } from '../../../core/ledger/queries.ts'
import type { Status } from '../../../core/ledger/model.ts'

export const GRAPH_FILTERS = ['all', 'inNeed', 'monthly', 'emergencies', 'circles'] as const
export type GraphFilter = (typeof GRAPH_FILTERS)[number]

export interface GraphNode {
  id: string
  label: string
  status: Status
  me: boolean
  /** Shown only because it supports a member the filter picked. */
  context: boolean
}

export interface GraphEdge {
  id: string
  source: string
  target: string
}

export interface GraphData {
  nodes: GraphNode[]
  edges: GraphEdge[]
}

/**
 * What the graph shows for a filter. "all": every member still in the network and every
 * support link between them. "inNeed", "monthly", "emergencies": the members asking for
 * that kind of help, with the people who support them (marked `context`) and those
 * links. "circles": me and my network (the union of my relations), and the links
 * between them.
 */
export function graphElements(
  cards: PersonCard[],
  filter: GraphFilter,
  me: string,
  myNetwork: string[] = [],
): GraphData {
  const present = cards.filter((c) => !c.left)
  const byId = new Map(present.map((c) => [c.id, c]))
  const links: GraphEdge[] = []
  for (const c of present) {
    for (const target of c.supporting) {
      if (byId.has(target)) links.push({ id: `${c.id}>${target}`, source: c.id, target })
    }
  }
  const node = (c: PersonCard, context = false): GraphNode => ({
    id: c.id,
    label: c.name,
    status: c.status,
    me: c.id === me,
    context,
  })

  if (filter === 'all') return { nodes: present.map((c) => node(c)), edges: links }

  if (filter === 'circles') {
    const chosen = new Set([me, ...myNetwork].filter((id) => byId.has(id)))
    return {
      nodes: present.filter((c) => chosen.has(c.id)).map((c) => node(c)),
      edges: links.filter((e) => chosen.has(e.source) && chosen.has(e.target)),
    }
  }

  const wanted = (s: Status) =>
    filter === 'inNeed' ? s !== 'green' : filter === 'monthly' ? s === 'orange' : s === 'red'
  const focus = new Set(present.filter((c) => wanted(c.status)).map((c) => c.id))
  const edges = links.filter((e) => focus.has(e.target))
  const supporters = new Set(edges.map((e) => e.source).filter((id) => !focus.has(id)))
  return {
    nodes: present
      .filter((c) => focus.has(c.id) || supporters.has(c.id))
      .map((c) => node(c, !focus.has(c.id))),
    edges,
  }
}

const COLOURS: Record<Status, string> = { green: '#2e8b57', orange: '#e08a00', red: '#c62828' }

function toCytoscape(data: GraphData): ElementDefinition[] {
  return [
    ...data.nodes.map((n) => ({
      data: { id: n.id, label: n.label, colour: COLOURS[n.status] },
      classes: [n.me ? 'me' : '', n.context ? 'context' : ''].filter(Boolean).join(' '),
    })),
    ...data.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target } })),
  ]
}

/** Draws `data`; clicking a member opens their card. Draws nothing where there is no layout. */
export function NetworkGraph({ data }: { data: GraphData }) {
  const { t } = useTranslation('people')
  const navigate = useNavigate()
  const container = useRef<HTMLDivElement>(null)
  const cy = useRef<Core | null>(null)
  const navigateRef = useRef(navigate)
  navigateRef.current = navigate

  const inNeed = data.nodes.filter((n) => !n.context && n.status !== 'green')
  const summary = t('graph.summary', {
    members: t('graph.members', { count: data.nodes.length }),
    links: t('graph.links', { count: data.edges.length }),
    emergencies: t('graph.emergencies', {
      count: inNeed.filter((n) => n.status === 'red').length,
    }),
    monthly: t('graph.monthly', { count: inNeed.filter((n) => n.status === 'orange').length }),
  })

  const key = JSON.stringify(data)
  useEffect(() => {
    const el = container.current
    // No layout (jsdom, a hidden panel): a drawing would have nowhere to go.
    if (!el || el.clientWidth === 0 || el.clientHeight === 0) return
    let cancelled = false
    void import('cytoscape').then(({ default: cytoscape }) => {
      // React takes an unmounted screen off the page before it runs this effect's clean-up:
      // a container that has left the page has no size, and a layout there reads none.
      if (cancelled || !el.isConnected) return
      const elements = toCytoscape(data)
      if (!cy.current) {
        cy.current = cytoscape({
          container: el,
          elements,
          minZoom: 0.2,
          maxZoom: 3,
          style: [
            {
              selector: 'node',
              style: {
                'background-color': 'data(colour)',
                label: 'data(label)',
                color: '#1d2330',
                'font-size': 12,
                'text-valign': 'bottom',
                'text-margin-y': 4,
                width: 24,
                height: 24,
              },
            },
            {
              selector: 'node.me',
              style: { 'border-width': 4, 'border-color': '#3559c7', width: 32, height: 32 },
            },
            { selector: 'node.context', style: { opacity: 0.5 } },
            {
              selector: 'edge',
              style: {
                width: 2,
                'line-color': '#8a94a6',
                'target-arrow-color': '#8a94a6',
                'target-arrow-shape': 'triangle',
                'curve-style': 'bezier',
              },
            },
          ],
        })
        cy.current.on('tap', 'node', (e) => {
          navigateRef.current(`/people/${String(e.target.id())}`)
        })
      } else {
        cy.current.elements().remove()
        cy.current.add(elements)
      }
      const layout =
        elements.length > 400
          ? { name: 'concentric', animate: false }
          : { name: 'cose', animate: false, nodeDimensionsIncludeLabels: true }
      cy.current.layout(layout).run()
    })
    return () => {
      cancelled = true
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `data`
  }, [key])

  useEffect(
    () => () => {
      cy.current?.destroy()
      cy.current = null
    },
    [],
  )

  return (
    <div>
      <div ref={container} className="network-graph" role="img" aria-label={summary} />
      <p className="muted" aria-hidden="true">
        {summary}
      </p>
    </div>
  )
}
