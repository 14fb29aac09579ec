/**
 * The UI at scale: a real node (an `exodus daemon` process) holding a network of 1,000
 * members and 50,000 ops, and Debian's headless Chromium on its UI, as a member would use
 * it. The network is written beforehand by the throughput bench's simulated authors, with
 * the node's own writer as the creator, so the daemon opens it as its own.
 *
 * Figures: navigation to Home until it is interactive (cold, then warm reloads); a peer's
 * new intention on screen after it reached the node; query times of the screens' calls
 * (warm); the renderer's initial JavaScript, gzipped.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import Corestore from 'corestore'
import { chromium, type Page } from 'playwright-core'
import { LedgerBase } from '../core/network/ledger-base.ts'
import { LocalStateFile } from '../core/node/local-state.ts'
// @ts-expect-error: a plain JavaScript build script without declarations
import { buildCli } from '../scripts/build-cli.js'
import { CHROMIUM, CHROMIUM_ARGS } from '../test/support/chromium.ts'
import { generateStream } from './op-stream.ts'
import { Lab, WsSession, until } from './net-lab.ts'
import { appendAll, openNetwork } from './network.ts'
import { fmtInt, fmtMs, heading, median, note, table } from './report.ts'
import {
  newStats,
  simulatedAuthorsApply,
  simulatedAuthorsLikelyReads,
} from './simulated-authors.ts'

export const UI_TARGETS = { homeMs: 1_000, peerMs: 200, queryMs: 30, jsKB: 200 }

/** The screens' queries have a target; `state` is the CLI's whole picture and has none. */
export function queryTarget(name: string): string {
  return name.startsWith('state') ? '(no screen calls it)' : `< ${UI_TARGETS.queryMs} ms`
}
const MEMBERS = Number(process.env.BENCH_UI_MEMBERS ?? 1_000)
const OPS = Number(process.env.BENCH_UI_OPS ?? 50_000)
const ROOT = path.join(import.meta.dirname, '..')
const BUILT_UI = path.join(ROOT, 'dist', 'renderer')
const DAY = 86_400_000
const PEER_WAIT_MS = Number(process.env.BENCH_UI_PEER_WAIT_MS ?? 180_000)
/** Changes timed on screen, of each kind: the figure is their median. */
const SAMPLES = 5

export interface UiFigures {
  members: number
  ops: number
  homeColdMs: number
  homeWarmMs: number
  /** My own change (through the node's API) on screen after the node applied it. */
  ownMs: number
  /** NaN when the peer had not caught up within PEER_WAIT_MS. */
  peerFromNodeMs: number
  queries: Array<{ name: string; ms: number }>
  initialJsGzipBytes: number
}

/** The gzipped size of the scripts index.html loads at once (entry and module preloads). */
async function initialJs(): Promise<number> {
  const html = await fs.readFile(path.join(BUILT_UI, 'index.html'), 'utf8')
  const files = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1]!)
  let total = 0
  for (const f of new Set(files))
    total += gzipSync(await fs.readFile(path.join(BUILT_UI, f))).length
  return total
}

/** Writes the network into `dataDir` as the node keeps it: store/ and node.json. */
async function prepareNetwork(dataDir: string): Promise<{ busiest: string; network: string }> {
  const namespace = `network-${randomBytes(16).toString('hex')}`
  const encryptionKey = randomBytes(32)
  const storeDir = path.join(dataDir, 'store')
  const probe = new Corestore(storeDir)
  const creator = (await LedgerBase.localKeyFor(probe, namespace)).toString('hex')
  await probe.close()
  // Recent enough that the node's clock crosses no month boundary the stream did not.
  const end = Date.now() - 60_000
  const stream = generateStream({
    members: MEMBERS,
    ops: OPS,
    creator,
    start: end - 20 * DAY,
    end,
  })
  const stats = newStats()
  const net = await openNetwork(
    { dir: storeDir, key: null, encryptionKey, namespace },
    simulatedAuthorsApply(stats),
    simulatedAuthorsLikelyReads,
  )
  try {
    await appendAll(net.base, stream.ops, 'ui network', () => stats.applied)
  } finally {
    await net.close()
  }
  const key = net.spec.key!.toString('hex')
  // The node's own bookkeeping file, as a join would have left it.
  const local = await LocalStateFile.open(dataDir)
  local.state.identity.name = 'Member 0'
  local.state.networks.push({
    key,
    encryptionKey: encryptionKey.toString('hex'),
    namespace,
    addedAt: Date.now(),
    landing: null,
    left: false,
    joiningAs: null,
    seenEvent: 0,
    seenRejected: -1,
    seenCalendar: [],
  })
  await local.save()
  return { busiest: stream.busiest, network: key }
}

/** From navigation start until Home shows its heading and who needs help. */
async function openHome(page: Page, url: string): Promise<number> {
  const started = performance.now()
  await page.goto(url)
  await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor()
  await page.locator('.home .card').first().waitFor()
  return performance.now() - started
}

/**
 * Runs `act`, then waits for `text` on the page. Returns how long after the node told of a
 * change (the first `state` event of `updates`, arrival times in ms since 1970, after `act`
 * began) the text was on screen; NaN if no update came.
 */
async function onScreen(
  page: Page,
  updates: number[],
  text: string,
  act: () => Promise<unknown>,
): Promise<number> {
  // Runs in the page (whose CSP allows no string eval); this file has no DOM types.
  const shown = page.waitForFunction(
    (t) =>
      (
        globalThis as unknown as { document: { body: { innerText: string } } }
      ).document.body.innerText.includes(t) && performance.timeOrigin + performance.now(),
    text,
    { polling: 'raf', timeout: 60_000 },
  )
  // Awaited below; a failure before then must not surface as an unhandled rejection.
  shown.catch(() => {})
  const began = performance.timeOrigin + performance.now()
  await act()
  const shownAt = (await (await shown).jsonValue()) as number
  const reached = updates.find((at) => at >= began)
  return reached === undefined ? NaN : shownAt - reached
}

async function timeQuery(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await run()
  const times: number[] = []
  for (let i = 0; i < 15; i++) {
    const started = performance.now()
    await run()
    times.push(performance.now() - started)
  }
  return median(times)
}

export async function uiAtScale(): Promise<UiFigures> {
  heading(`The UI at scale: ${fmtInt(MEMBERS)} members, ${fmtInt(OPS)} ops, headless Chromium`)
  const run = promisify(execFile)
  await run(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'],
    { cwd: ROOT },
  )
  // The daemons run the built command: build it from these sources.
  await buildCli()
  const lab = await Lab.open()
  const profile = await lab.tempDir('ui-chromium')
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    locale: 'en-GB',
    viewport: { width: 1280, height: 900 },
  })
  try {
    const anna = await lab.daemon('')
    const built = performance.now()
    const { busiest, network } = await prepareNetwork(anna.dataDir)
    note(`network written in ${fmtMs(performance.now() - built)}; starting its node`)
    await anna.start(['--static', BUILT_UI], { named: false })
    const page = browser.pages()[0] ?? (await browser.newPage())
    page.setDefaultTimeout(120_000)
    const homeColdMs = await openHome(page, anna.info!.url)
    const warm: number[] = []
    for (let i = 0; i < 5; i++) warm.push(await openHome(page, anna.info!.url))
    const homeWarmMs = median(warm)
    note(`Home interactive: ${fmtMs(homeColdMs)} first, ${fmtMs(homeWarmMs)} on reload`)

    const session = await WsSession.open(anna)
    const queries: UiFigures['queries'] = []
    for (const [name, call] of [
      ['state (the whole network: the CLI)', () => session.call('state', { network })],
      ['home (Home)', () => session.call('home', { network })],
      [
        'notifications.list unread (every screen)',
        () => session.call('notifications.list', { network, unreadOnly: true }),
      ],
      ['organizer (Organizer)', () => session.call('organizer', { network })],
      ['members (People)', () => session.call('members', { network })],
      ['members.inNeed (Invites)', () => session.call('members.inNeed', { network })],
      [
        "member.page (a member's page)",
        () => session.call('member.page', { network, member: busiest }),
      ],
      [
        'member.card (Profile: the busiest member)',
        () => session.call('member.card', { network, member: busiest }),
      ],
    ] as const) {
      // A build without the command (a baseline run of older code) prints n/a.
      const ms = await timeQuery(call).catch(() => NaN)
      queries.push({ name, ms })
      note(`query ${name}: ${Number.isNaN(ms) ? 'n/a' : fmtMs(ms)} (warm median)`)
    }

    // My own change, through the node's API: from the node having applied it to the screen.
    const me = (await session.call('network.list', {}))[0]!.me
    const updates: number[] = []
    session.onState(network, (at) => updates.push(performance.timeOrigin + at))
    const own: number[] = []
    for (let i = 1; i <= SAMPLES; i++) {
      own.push(
        await onScreen(page, updates, `1,234.5${i}`, () =>
          session.call('status.set', { network, status: 'orange', amount: 123_450 + i }),
        ),
      )
    }
    const ownMs = median(own)
    note(`my own change on screen after the node applied it: ${own.map(fmtMs).join(', ')}`)

    // A peer joins and records intentions; the amount is what the screen must show. The peer
    // fast-forwards to the node's view (it cannot apply the bench's simulated authors itself):
    // past PEER_WAIT_MS the figure is n/a.
    const invite = await session.call('invite.create', { network })
    const peer = await lab.start(await lab.daemon('Peer'))
    await peer
      .call('network.join', { invite: invite.code })
      .catch((err: Error & { code?: string }) => {
        if (err.code !== 'join-not-synced') throw err
      })
    // The peer's rules see the simulated members' ops as the creator's (simulated authors are
    // the bench's own apply), so it helps the node's own member, orange by a real op above.
    const caughtUp = await until(
      "the peer sees the node's member asking for help",
      () => peer.call('member.card', { network, member: me }),
      (card) => card.status === 'orange',
      { ms: PEER_WAIT_MS, every: 500 },
    ).then(
      () => true,
      () => false,
    )
    // One intention towards a member: the first creates it, the others change its amount.
    const fromPeer: number[] = []
    let intention: string | undefined
    for (let i = 1; caughtUp && i <= SAMPLES; i++) {
      const amount = 12_340 + i
      fromPeer.push(
        await onScreen(page, updates, `123.4${i}`, async () => {
          if (intention)
            return peer.call('intention.change', { network, pledge: intention, amount })
          intention = (await peer.call('intention.create', { network, to: me, amount })).pledge!.id
        }),
      )
    }
    const peerFromNodeMs = caughtUp ? median(fromPeer) : NaN
    note(
      `a peer's intention on screen after it reached the node: ${caughtUp ? fromPeer.map(fmtMs).join(', ') : 'n/a (the peer was still catching up)'}`,
    )

    session.close()
    const figures: UiFigures = {
      members: MEMBERS,
      ops: OPS,
      homeColdMs,
      homeWarmMs,
      ownMs,
      peerFromNodeMs,
      queries,
      initialJsGzipBytes: await initialJs(),
    }
    table([
      ['figure', 'value', 'target'],
      ['Home interactive, first visit', fmtMs(homeColdMs), `< ${fmtMs(UI_TARGETS.homeMs)}`],
      [
        'Home interactive, reload (median of 5)',
        fmtMs(homeWarmMs),
        `< ${fmtMs(UI_TARGETS.homeMs)}`,
      ],
      [
        `my own change on screen after the node applied it (median of ${SAMPLES})`,
        fmtMs(ownMs),
        `< ${UI_TARGETS.peerMs} ms`,
      ],
      [
        `a peer's intention on screen after it reached the node (median of ${SAMPLES})`,
        Number.isNaN(peerFromNodeMs) ? 'n/a' : fmtMs(peerFromNodeMs),
        `< ${UI_TARGETS.peerMs} ms`,
      ],
      ...queries.map((q) => [
        `query ${q.name}, warm median`,
        Number.isNaN(q.ms) ? 'n/a' : fmtMs(q.ms),
        queryTarget(q.name),
      ]),
      [
        'initial JS, gzipped',
        `${(figures.initialJsGzipBytes / 1024).toFixed(0)} KB`,
        `<= ${UI_TARGETS.jsKB} KB`,
      ],
    ])
    return figures
  } finally {
    await browser.close().catch(() => {})
    await lab.dispose()
  }
}
