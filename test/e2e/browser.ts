/**
 * Browser side of the end-to-end tests: Debian's Chromium driven by playwright-core (no
 * downloaded browsers), one fresh profile per person, and the UI built once when needed.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { onTestFailed } from 'vitest'
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.ts'
import { Daemon, loopbackTestnet, type Testnet } from '../support/daemons.ts'

import { BUILT_UI, ensureBuiltUi, ROOT } from '../support/ui-build.ts'

// The end-to-end tests know the build through this file.
export { BUILT_UI, ensureBuiltUi, ROOT }

export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots')

/** The end-to-end tests need Debian's Chromium; without it they fail and say how to get it. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with "apt-get install chromium" (.ci/run does)`,
    )
  }
}

/** One person's browser: its own profile folder, so cookies and saved language stay apart. */
export class Person {
  /** Uncaught exceptions in the page: a test expects none. */
  readonly errors: string[] = []

  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly profile: string,
    private readonly shots: string,
  ) {}

  /**
   * `language` is the system language the browser reports (the UI starts in it); `shots`
   * prefixes this person's screenshot files (default: the lower-cased name).
   */
  static async launch(
    name: string,
    { language = 'en-GB', shots = name.toLowerCase() }: { language?: string; shots?: string } = {},
  ): Promise<Person> {
    await rm(join(SCREENSHOTS, `${shots}-failure.png`), { force: true })
    const profile = await mkdtemp(join(tmpdir(), `exodus-e2e-${name}-`))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      locale: language,
      timezoneId: 'Europe/Berlin',
      viewport: { width: 1280, height: 900 },
    })
    const page = context.pages()[0] ?? (await context.newPage())
    page.setDefaultTimeout(20_000)
    const person = new Person(name, context, page, profile, shots)
    page.on('pageerror', (err) => person.errors.push(err.message))
    return person
  }

  /** Full-page screenshot into test-results/screenshots/SHOTS-WHAT.png. */
  async screenshot(what: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true })
    await this.page.screenshot({
      path: join(SCREENSHOTS, `${this.shots}-${what}.png`),
      fullPage: true,
    })
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {})
    await rm(this.profile, { recursive: true, force: true })
  }
}

/** A real node for one person, serving the built UI, its identity left for the UI to name. */
export async function startNode(name: string, testnet: Testnet): Promise<Daemon> {
  const daemon = await Daemon.create(name, testnet)
  return daemon.start(['--static', BUILT_UI], { named: false })
}

/** The address `exodus daemon` printed (it carries the token the page trades for a cookie). */
export function urlOf(daemon: Daemon): string {
  if (!daemon.info) throw new Error(`${daemon.name}'s daemon is not running`)
  return daemon.info.url
}

// ---- what people do on the page ----

export const STEP = 20_000

/** A link of the main navigation. */
export function nav(page: Page, name: string | RegExp): Locator {
  return page.getByRole('navigation').getByRole('link', { name })
}

/** An irreversible step: the button, then "Yes" in the question it asks. */
export async function confirmStep(
  scope: Locator | Page,
  button: string,
  yes = 'Yes',
): Promise<void> {
  await scope.getByRole('button', { name: button, exact: true }).click()
  await scope.getByRole('group').getByRole('button', { name: yes, exact: true }).click()
}

/**
 * First run's recovery phrase: the 24 words show, and the person ticks that they wrote them
 * down before going on.
 */
export async function writePhraseDown(page: Page): Promise<void> {
  const step = page.getByRole('region', { name: 'Your recovery phrase' })
  await step.getByRole('list', { name: 'The 24 words of your recovery phrase' }).waitFor()
  await step.getByRole('checkbox', { name: 'I have written these words down' }).check()
  await step.getByRole('button', { name: 'Continue' }).click()
}

/** Waits until `text` is on the page (the UI follows the node without reloading). */
export async function sees(
  page: Page | Locator,
  text: string | RegExp,
  exact = true,
): Promise<void> {
  await page.getByText(text, { exact }).first().waitFor({ timeout: STEP })
}

/** Marks the page so a test can later prove it was never reloaded. */
export async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    ;(window as unknown as { e2eMark?: boolean }).e2eMark = true
  })
}

export async function notReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { e2eMark?: boolean }).e2eMark === true)
}

/** Every main screen, screenshotted once it shows its content. */
export async function tour(person: Person, memberName: string): Promise<void> {
  const { page } = person
  const screens: Array<[string, string | RegExp, string]> = [
    ['home', 'Home', 'Who needs help now'],
    ['people', 'People', 'Network graph'],
    ['organizer', 'Organizer', 'My promises'],
    ['profile', 'Profile', 'Payment details'],
    ['invites', 'Invites', 'My invites'],
    ['notifications', /^Notifications/, 'Notifications'],
    ['settings', 'Settings', 'Identity of this device'],
  ]
  for (const [file, link, heading] of screens) {
    await nav(page, link).click()
    await page.getByRole('heading', { name: heading, exact: true }).first().waitFor()
    if (file === 'people') {
      // cytoscape draws the graph on canvases inside the labelled picture
      await page
        .getByRole('img', { name: /^Network graph:/ })
        .locator('canvas')
        .first()
        .waitFor()
      await person.screenshot('people')
      await page
        .getByRole('main')
        .getByRole('link', { name: memberName, exact: true })
        .first()
        .click()
      await page.getByRole('heading', { name: 'Relations' }).waitFor()
      await person.screenshot('member')
      continue
    }
    await person.screenshot(file)
  }
}

/**
 * When a test fails: a screenshot of where each person was (SHOTS-failure.png) and the end
 * of each node's log, to see what the UI and the node were doing.
 */
export async function reportFailure(people: Person[], nodes: Daemon[]): Promise<void> {
  for (const person of people) await person.screenshot('failure').catch(() => {})
  for (const node of nodes)
    console.error(`--- ${node.name}'s node, last lines:\n${node.output.slice(-3000)}`)
}

/**
 * The nodes and browsers of one end-to-end file, on a testnet of its own: start() checks
 * for Chromium and the built UI and starts the nodes; people are added as the file launches
 * them; a failing test reports where everyone was; stop() releases it all.
 */
export class Stage {
  private testnet: Testnet | null = null
  readonly nodes: Daemon[] = []
  readonly people: Person[] = []

  async start(...names: string[]): Promise<Daemon[]> {
    requireChromium()
    await ensureBuiltUi()
    const testnet = (this.testnet = await loopbackTestnet())
    for (const name of names) this.nodes.push(await startNode(name, testnet))
    return this.nodes
  }

  /** Call at the start of each test: on failure, screenshots and the nodes' last lines. */
  reportFailures(): void {
    onTestFailed(() => reportFailure(this.people, this.nodes))
  }

  async stop(): Promise<void> {
    await Promise.all(this.people.map((p) => p.close()))
    await Promise.all(this.nodes.map((n) => n.destroy()))
    await this.testnet?.destroy()
  }
}
