/**
 * The desktop app's main process. It owns the window (and remembers its place), the core
 * process that runs the node (core.ts, a utilityProcess), the app:// scheme the UI is served
 * from (app-protocol.ts), exodus:// links, desktop notifications and the tray. It holds no
 * business logic: each renderer call is checked (ipc-guard.ts) and relayed to the core, and
 * node events flow back to the window.
 *
 *   renderer ─window.exodus─▶ preload ─ipc invoke─▶ main ─MessagePort─▶ core (node)
 *   renderer ◀─ipc send (events)──────── main ◀─────────────────────── core (events)
 *
 * Bundled to CommonJS (scripts/build-electron.js): `__dirname` is the bundle's folder.
 */
import fs from 'node:fs'
import path from 'node:path'
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  nativeImage,
  Notification,
  protocol,
  screen,
  session,
  shell,
  Tray,
  utilityProcess,
  type MenuItemConstructorOptions,
} from 'electron'
import type {
  Command,
  NetworkSummary,
  NodeEvent,
  NotificationEntry,
  Reply,
} from '../core/api/contract.ts'
import { openLog, silentLog, type Log, type LogFile } from '../core/daemon/log.ts'
import { fail } from '../core/errors.ts'
import { defaultDataDir } from '../core/daemon/options.ts'
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  APP_URL,
  appPageUrl,
  serveAppRequest,
} from './app-protocol.ts'
import type { CoreInit } from './core-channel.ts'
import { CoreConnection } from './core-connection.ts'
import {
  readLanguage,
  systemLanguage,
  writeLanguage,
  type DesktopLanguage,
} from './desktop-language.ts'
import { DesktopText, type NetworkInfo, type ShellLabels } from './desktop-text.ts'
import { CALL_CHANNEL, EVENT_CHANNEL, LANGUAGE_CHANNEL, NAVIGATE_CHANNEL } from './ipc-channels.ts'
import { guardCall, guardLanguage, type CallSender } from './ipc-guard.ts'
import { findAppLink, isAppLink, joinRoute, SCHEME } from './invite-link.ts'
import { parseShellOptions, type ShellOptions } from './shell-options.ts'
import { ALLOWED_PERMISSIONS, isAllowedRequest, navigationTarget } from './web-security.ts'
import { fitWindowState, MIN_SIZE, readWindowState, writeWindowState } from './window-state.ts'

const PRODUCT_NAME = 'Exodus Circles'
/** The core gives node.close() 15 s; past this the main process stops waiting and kills it. */
const CORE_CLOSE_TIMEOUT_MS = 20_000
/** Notifications arriving this close together become one desktop notification. */
const NOTIFICATION_BATCH_MS = 800
/** Commands after which the tray's list of networks is read again. */
const NETWORK_COMMANDS: ReadonlySet<Command> = new Set([
  'network.create',
  'network.join',
  'network.leave',
])

const here = __dirname
const rendererDir = path.resolve(here, '..', '..', 'dist', 'renderer')
const indexHtml = path.join(rendererDir, 'index.html')
const assetsDir = path.join(here, 'assets')

function readOptions(): ShellOptions | null {
  try {
    return parseShellOptions(process.argv.slice(1), process.env)
  } catch (err) {
    // Safe before 'ready'; the app has nothing to show yet.
    dialog.showErrorBox(PRODUCT_NAME, err instanceof Error ? err.message : String(err))
    app.exit(2)
    return null
  }
}

function linkFromData(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null
  const link = (data as { link?: unknown }).link
  return typeof link === 'string' && isAppLink(link) ? link : null
}

class DesktopApp {
  private log: Log = silentLog
  private logFile: LogFile | null = null
  private core: CoreConnection | null = null
  private killCore: () => void = () => {}
  private window: BrowserWindow | null = null
  private tray: Tray | null = null
  private ready = false
  private quitting: 'no' | 'closing' | 'done' = 'no'
  /** A route to open once the page has loaded (a link that arrived before it). */
  private pendingRoute: string | null = null
  private readonly networks = new Map<string, NetworkInfo>()
  /** The page's language, for what the shell shows outside it; set once the app is ready. */
  private text!: DesktopText
  private refreshTimer: NodeJS.Timeout | null = null
  private shownSync = ''
  private readonly queued: NotificationEntry[] = []
  private notifyTimer: NodeJS.Timeout | null = null
  /** Shown notifications, referenced so their click handlers survive garbage collection. */
  private readonly shown = new Set<Notification>()

  constructor(
    private readonly options: ShellOptions,
    private readonly dataDir: string,
  ) {}

  /** Everything that must be registered before 'ready'. */
  install(): void {
    // The UI's own origin, app://exodus, in place of file:// (app-protocol.ts).
    protocol.registerSchemesAsPrivileged([
      { scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } },
    ])
    app.on('second-instance', (_event, argv, _cwd, data) => {
      const link = findAppLink(argv) ?? linkFromData(data)
      this.showWindow()
      if (link) this.openInvite(link)
    })
    // macOS hands links over as events, also the one that launched the app.
    app.on('open-url', (event, url) => {
      event.preventDefault()
      this.openInvite(url)
    })
    app.on('web-contents-created', (_event, contents) => {
      contents.on('will-frame-navigate', (details) => {
        const target = navigationTarget(details.url, APP_URL)
        if (target.kind === 'app') return
        details.preventDefault()
        if (!details.isMainFrame) return
        if (target.kind === 'external') void this.openExternal(target.url)
        else if (target.kind === 'invite') this.openInvite(target.link)
        else this.log.warn('blocked a navigation', { url: details.url.slice(0, 200) })
      })
      contents.on('will-attach-webview', (event) => event.preventDefault())
      contents.setWindowOpenHandler(({ url }) => {
        const target = navigationTarget(url, APP_URL)
        if (target.kind === 'external') void this.openExternal(target.url)
        else if (target.kind === 'invite') this.openInvite(target.link)
        else this.log.warn('blocked a new window', { url: url.slice(0, 200) })
        return { action: 'deny' }
      })
    })
    app.on('before-quit', (event) => {
      if (this.quitting === 'done') return
      event.preventDefault()
      if (this.quitting === 'closing') return
      this.quitting = 'closing'
      void this.shutdown().finally(() => {
        this.quitting = 'done'
        app.quit()
      })
    })
    app.on('window-all-closed', () => {
      // macOS apps live on in the dock (and here in the tray) until quit.
      if (process.platform !== 'darwin') app.quit()
    })
    app.on('activate', () => this.showWindow())
    const route = joinRouteOf(findAppLink(process.argv))
    if (route) this.pendingRoute = route
  }

  async start(): Promise<void> {
    await app.whenReady()
    this.logFile = openLog(app.getPath('logs'), {
      level: this.options.logLevel,
      echo: (line, level) => {
        if (level === 'warn' || level === 'error') process.stderr.write(line + '\n')
      },
    })
    this.log = this.logFile.child('desktop')
    this.log.info('starting', { version: app.getVersion(), dataDir: this.dataDir })
    this.ready = true
    this.text = new DesktopText(
      readLanguage(app.getPath('userData')) ?? systemLanguage(app.getPreferredSystemLanguages()),
    )
    if (!fs.existsSync(indexHtml)) {
      dialog.showErrorBox(
        PRODUCT_NAME,
        `The user interface is not built (${indexHtml} is missing). Run \`npm start\`, which ` +
          'builds it first, or `npm run build`.',
      )
      app.quit()
      return
    }
    this.registerProtocol()
    this.secureSession()
    this.serveUi()
    this.startCore()
    ipcMain.handle(CALL_CHANNEL, (event, command: unknown, params: unknown) =>
      this.call(this.senderOf(event), command, params),
    )
    ipcMain.on(LANGUAGE_CHANNEL, (event, language: unknown) => {
      const chosen = guardLanguage(this.senderOf(event), APP_URL, language)
      if (chosen) this.useLanguage(chosen)
      else this.log.warn('refused a language from the renderer', { language: String(language) })
    })
    this.createTray()
    this.renderSyncState()
    this.createWindow()
  }

  private senderOf(event: Electron.IpcMainEvent | Electron.IpcMainInvokeEvent): CallSender {
    const frame = event.senderFrame
    const window = this.window
    return {
      url: frame?.url ?? null,
      appMainFrame:
        window !== null &&
        !window.isDestroyed() &&
        event.sender.id === window.webContents.id &&
        frame !== null &&
        frame.parent === null,
    }
  }

  /** Says the tray, the menu and notifications from now on in `language`, also after a restart. */
  private useLanguage(language: DesktopLanguage): void {
    if (language === this.text.language) return
    this.text = new DesktopText(language)
    try {
      writeLanguage(app.getPath('userData'), language)
    } catch (err) {
      this.log.warn('could not keep the language for the next start', { error: err })
    }
    this.renderSyncState()
  }

  private async call(sender: CallSender, command: unknown, params: unknown): Promise<Reply> {
    const guarded = guardCall(sender, APP_URL, command, params)
    if (!guarded.ok) {
      this.log.warn('refused a call from the renderer', {
        command: typeof command === 'string' ? command.slice(0, 60) : typeof command,
        code: guarded.reply.error.code,
      })
      return guarded.reply
    }
    if (!this.core) return { ok: false, error: fail('closing', {}, 'stopped').toValue() }
    const reply = await this.core.call(guarded.command, guarded.params)
    if (reply.ok && NETWORK_COMMANDS.has(guarded.command)) this.refreshNetworksSoon()
    return reply
  }

  private registerProtocol(): void {
    // Unpackaged (`electron .`), the system must start Electron with the app's folder.
    const registered = process.defaultApp
      ? app.setAsDefaultProtocolClient(SCHEME, process.execPath, [
          path.resolve(process.argv[1] ?? '.'),
        ])
      : app.setAsDefaultProtocolClient(SCHEME)
    if (!registered) this.log.info(`${SCHEME}:// links could not be registered with the system`)
  }

  private secureSession(): void {
    const ses = session.defaultSession
    ses.setPermissionRequestHandler((_contents, permission, callback) =>
      callback(ALLOWED_PERMISSIONS.has(permission)),
    )
    ses.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission))
    ses.webRequest.onBeforeRequest((details, callback) => {
      const allowed = isAllowedRequest(details.url, APP_URL)
      if (!allowed) this.log.warn('blocked a request', { url: details.url.slice(0, 200) })
      callback({ cancel: !allowed })
    })
  }

  /**
   * Serves the built UI on app://exodus/. Every answer carries the Content-Security-Policy and
   * nosniff itself, rather than through webRequest.onHeadersReceived, which is not promised to
   * run for custom schemes (and never had headers to change for the file:// page of before).
   */
  private serveUi(): void {
    protocol.handle(APP_SCHEME, async (request) => {
      const response = await serveAppRequest(rendererDir, request)
      const fields = { status: response.status, url: request.url.slice(0, 200) }
      // A missing file is a build's business (or a favicon); anything else is someone trying.
      if (response.status === 404) this.log.debug('no such file in the UI', fields)
      else if (response.status !== 200) this.log.warn('refused a request for the UI', fields)
      return response
    })
  }

  private startCore(): void {
    const init: CoreInit = {
      dataDir: this.dataDir,
      ...(this.options.bootstrap ? { bootstrap: this.options.bootstrap } : {}),
      clockOffsetMs: this.options.clockOffsetMs,
      logLevel: this.options.logLevel,
    }
    const child = utilityProcess.fork(path.join(here, 'core.cjs'), [], {
      serviceName: `${PRODUCT_NAME} core`,
      stdio: 'inherit',
    })
    const { port1, port2 } = new MessageChannelMain()
    const core = new CoreConnection(
      {
        send: (message) => port1.postMessage(message),
        onMessage: (listener) => {
          port1.on('message', (event) => listener(event.data))
          port1.start()
        },
      },
      () => this.log.error('a malformed message came from the core'),
    )
    child.postMessage(init, [port2])
    let exited = false
    let failedToStart = false
    child.once('exit', (code) => {
      exited = true
      core.lost(fail('core-stopped', { log: path.join(this.dataDir, 'exodus.log') }).toValue())
      // A core that could not start exits by itself; the user has been told why already.
      if (this.quitting === 'no' && !failedToStart) void this.coreDied(code)
    })
    this.killCore = () => {
      if (!exited) child.kill()
    }
    core.onEvent((event) => this.onNodeEvent(event))
    void core.started.then((start) => {
      if (start.ok) {
        this.log.info('core ready', { pid: child.pid ?? null, dataDir: start.dataDir })
        void this.refreshNetworks()
      } else if (this.quitting === 'no' && start.error.code !== 'core-stopped') {
        failedToStart = true
        this.log.error('core failed to start', { ...start.error })
        dialog.showErrorBox(`${PRODUCT_NAME} cannot start`, start.error.message)
        app.quit()
      }
    })
    this.core = core
  }

  private async coreDied(code: number): Promise<void> {
    this.log.error('the core process stopped unexpectedly', { code })
    const { response } = await dialog.showMessageBox({
      type: 'error',
      title: PRODUCT_NAME,
      message: `The ${PRODUCT_NAME} node stopped unexpectedly (exit code ${code}).`,
      detail: `Your data stays on disk. Details are in ${path.join(this.dataDir, 'exodus.log')}.`,
      buttons: ['Restart', 'Quit'],
      defaultId: 0,
      cancelId: 1,
    })
    if (response === 0) app.relaunch()
    app.quit()
  }

  /** Ordered: stop what shows things, ask the core to close the node, then let go of the log. */
  private async shutdown(): Promise<void> {
    this.log.info('quitting')
    if (this.notifyTimer) clearTimeout(this.notifyTimer)
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    this.tray?.destroy()
    this.tray = null
    if (this.core) {
      const result = await this.core.close(CORE_CLOSE_TIMEOUT_MS)
      if (result === 'timeout') {
        this.log.warn('the core did not close in time; stopping it', {
          timeoutMs: CORE_CLOSE_TIMEOUT_MS,
        })
        this.killCore()
      }
    }
    this.log.info('quit')
    this.logFile?.close()
  }

  private onNodeEvent(event: NodeEvent): void {
    const window = this.window
    if (window && !window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event)
    if (event.type === 'notification') this.queueNotification(event.notification)
    else if (event.type === 'sync') {
      const known = this.networks.get(event.network)
      if (known) {
        known.sync = event.sync
        this.renderSyncState()
      } else this.refreshNetworksSoon()
    } else if (!this.networks.has(event.network)) this.refreshNetworksSoon()
  }

  // The window

  private createWindow(): void {
    const stateDir = app.getPath('userData')
    const state = fitWindowState(
      readWindowState(stateDir),
      screen.getAllDisplays().map((d) => d.workArea),
    )
    const window = new BrowserWindow({
      width: state.width,
      height: state.height,
      ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
      minWidth: MIN_SIZE.width,
      minHeight: MIN_SIZE.height,
      show: false,
      title: PRODUCT_NAME,
      ...(process.platform === 'linux' ? { icon: path.join(assetsDir, 'icon.png') } : {}),
      webPreferences: {
        preload: path.join(here, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        devTools: !app.isPackaged,
      },
    })
    if (state.maximized) window.maximize()
    window.once('ready-to-show', () => window.show())

    let saveTimer: NodeJS.Timeout | undefined
    const save = () => {
      if (window.isDestroyed()) return
      writeWindowState(stateDir, { ...window.getNormalBounds(), maximized: window.isMaximized() })
    }
    const saveSoon = () => {
      clearTimeout(saveTimer)
      saveTimer = setTimeout(save, 500)
    }
    window.on('resize', saveSoon)
    window.on('move', saveSoon)
    window.on('maximize', saveSoon)
    window.on('unmaximize', saveSoon)
    window.on('close', () => {
      clearTimeout(saveTimer)
      save()
    })
    window.on('closed', () => {
      if (this.window === window) this.window = null
    })

    const contents = window.webContents
    contents.on('did-finish-load', () => {
      const route = this.pendingRoute
      this.pendingRoute = null
      if (route) contents.send(NAVIGATE_CHANNEL, route)
    })
    let lastReload = 0
    contents.on('render-process-gone', (_event, details) => {
      this.log.error('the window crashed', { reason: details.reason })
      // Reload once; a page that crashes again at once would only crash in a loop.
      if (details.reason === 'clean-exit' || window.isDestroyed()) return
      if (Date.now() - lastReload < 10_000) return
      lastReload = Date.now()
      contents.reload()
    })

    const route = this.pendingRoute
    this.pendingRoute = null
    void window.loadURL(appPageUrl(route)).catch((err: unknown) => {
      this.log.error('the window could not load the UI', { error: err })
    })
    this.window = window
  }

  private showWindow(): void {
    if (!this.ready) return
    const window = this.window
    if (!window || window.isDestroyed()) {
      this.createWindow()
      return
    }
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  }

  /** Opens a hash route of the UI (e.g. /notifications), in a new window if none is open. */
  private openRoute(route: string): void {
    const window = this.window
    if (!this.ready || !window || window.isDestroyed()) {
      this.pendingRoute = route
      this.showWindow()
      return
    }
    this.showWindow()
    if (window.webContents.isLoading()) this.pendingRoute = route
    else window.webContents.send(NAVIGATE_CHANNEL, route)
  }

  /** Opens a link in the system browser once the user said yes to where it goes. */
  private async openExternal(url: string): Promise<void> {
    const question = this.text.externalLinkQuestion(url)
    const options = {
      type: 'question' as const,
      message: question.message,
      detail: question.detail,
      buttons: question.buttons,
      defaultId: 1,
      cancelId: 1,
      noLink: true,
    }
    const window = this.window
    const { response } =
      window && !window.isDestroyed()
        ? await dialog.showMessageBox(window, options)
        : await dialog.showMessageBox(options)
    if (response !== 0) return
    await shell
      .openExternal(url)
      .catch((err: unknown) => this.log.warn('could not open a link', { error: String(err) }))
  }

  private openInvite(link: string): void {
    const route = joinRouteOf(link)
    if (!route) return
    this.log.info('opening an invite link')
    this.openRoute(route)
  }

  // Desktop notifications

  private queueNotification(entry: NotificationEntry): void {
    // The open, focused window shows it already, live.
    const window = this.window
    if (window && !window.isDestroyed() && window.isFocused()) return
    this.queued.push(entry)
    this.notifyTimer ??= setTimeout(() => this.flushNotifications(), NOTIFICATION_BATCH_MS)
  }

  private flushNotifications(): void {
    this.notifyTimer = null
    const body = this.text.notificationBody(this.queued.splice(0), (id) => this.networks.get(id))
    if (!body || !Notification.isSupported()) return
    const notification = new Notification({ title: PRODUCT_NAME, body })
    this.shown.add(notification)
    notification.on('click', () => {
      this.shown.delete(notification)
      this.openRoute('/notifications')
    })
    notification.on('close', () => this.shown.delete(notification))
    notification.show()
  }

  // Sync state: tray and menu

  private async refreshNetworks(): Promise<void> {
    if (!this.core) return
    const reply = await this.core.call('network.list', {})
    if (!reply.ok) return
    this.networks.clear()
    for (const n of reply.result as NetworkSummary[])
      this.networks.set(n.id, {
        name: n.name,
        sync: n.sync,
        me: n.me,
        currency: n.currency,
        decimals: n.decimals,
      })
    this.renderSyncState()
  }

  private refreshNetworksSoon(): void {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = null
      void this.refreshNetworks()
    }, 300)
  }

  private createTray(): void {
    let icon = nativeImage.createFromPath(path.join(assetsDir, 'tray.png'))
    if (process.platform === 'darwin') {
      icon = icon.resize({ width: 16, height: 16 })
      icon.setTemplateImage(true)
    }
    try {
      this.tray = new Tray(icon)
    } catch (err) {
      // Some Linux desktops have no tray; the app menu shows the same lines.
      this.log.info('no tray icon', { error: err })
      return
    }
    this.tray.on('click', () => this.showWindow())
  }

  /** Rebuilds the tray and the app menu, only when what they say has changed. */
  private renderSyncState(): void {
    const tooltip = this.text.trayTooltip(PRODUCT_NAME, this.networks.values())
    const key = [this.text.language, tooltip].join('\n')
    if (key === this.shownSync) return
    this.shownSync = key
    if (this.tray) {
      this.tray.setToolTip(tooltip)
      this.tray.setContextMenu(
        Menu.buildFromTemplate(
          this.text.trayMenu(PRODUCT_NAME, this.networks.values(), {
            open: () => this.showWindow(),
            quit: () => app.quit(),
          }),
        ),
      )
    }
    const status = this.text.statusItems(this.networks.values())
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenu(status, this.text.labels(PRODUCT_NAME))))
  }
}

function joinRouteOf(link: string | null): string | null {
  return link ? joinRoute(link) : null
}

function appMenu(
  status: MenuItemConstructorOptions[],
  labels: ShellLabels,
): MenuItemConstructorOptions[] {
  const mac = process.platform === 'darwin'
  const develop: MenuItemConstructorOptions[] = app.isPackaged
    ? []
    : [{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }]
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    { label: labels.file, submenu: [mac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: labels.view,
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...develop,
      ],
    },
    { label: labels.networks, submenu: status },
    { role: 'windowMenu' },
  ]
}

const options = readOptions()
if (options) {
  // One folder per app, the same unpackaged and packaged; a --data folder gets its own
  // Chromium profile and instance lock, so two people can try the app side by side.
  app.setName(PRODUCT_NAME)
  app.setPath(
    'userData',
    options.dataDir
      ? path.join(options.dataDir, 'desktop')
      : path.join(app.getPath('appData'), PRODUCT_NAME),
  )
  // The node's data lives where the headless node and the CLI look by default.
  const dataDir = options.dataDir ?? defaultDataDir()
  app.enableSandbox()
  if (!app.requestSingleInstanceLock({ link: findAppLink(process.argv) })) {
    // The first instance got our link through 'second-instance' and shows its window.
    app.quit()
  } else {
    const desktop = new DesktopApp(options, dataDir)
    desktop.install()
    desktop.start().catch((err: unknown) => {
      dialog.showErrorBox(
        `${PRODUCT_NAME} cannot start`,
        err instanceof Error ? err.message : String(err),
      )
      app.exit(1)
    })
  }
}
