/**
 * The check every renderer message passes in the main process: it must come from the app's own
 * page in the app's window. A call must then name a command of the API contract and carry
 * parameters that the command's schema accepts (refusals are the contract's error replies, so
 * the UI shows them like any other error); a language must be one the app speaks.
 */
import {
  isCommand,
  parseCommand,
  unknownCommand,
  type Command,
  type Params,
  type Reply,
} from '../core/api/contract.ts'
import { fail, type ApiError } from '../core/errors.ts'
import { languageSchema, type DesktopLanguage } from './desktop-language.ts'

export interface CallSender {
  /** URL of the frame that sent the message; null when that frame is already gone. */
  url: string | null
  /** Whether it is the top frame of the app's window (not a subframe, not another window). */
  appMainFrame: boolean
}

export type ErrorReply = Extract<Reply, { ok: false }>

export type GuardedCall =
  { ok: true; command: Command; params: Params<Command> } | { ok: false; reply: ErrorReply }

function refuse(error: ApiError): GuardedCall {
  return { ok: false, reply: { ok: false, error: error.toValue() } }
}

/**
 * Whether `url` is the app's page `appUrl` (main.ts: app://exodus/index.html), whatever its
 * #route or ?query: the same scheme, host and port, no credentials, and the same path as the
 * browser reports it (not decoded, not case-folded). A file:// page, a page of another host or
 * another page of the app's origin is not it.
 */
export function isAppPage(url: string | null, appUrl: string): boolean {
  if (url === null || !isAppOrigin(url, appUrl)) return false
  return new URL(url).pathname === new URL(appUrl).pathname
}

/** Whether `url` is of the app's origin (`appUrl`'s scheme, host and port), with no credentials. */
export function isAppOrigin(url: string, appUrl: string): boolean {
  let page: URL
  let app: URL
  try {
    page = new URL(url)
    app = new URL(appUrl)
  } catch {
    return false
  }
  return (
    page.protocol === app.protocol &&
    page.host === app.host &&
    page.host !== '' &&
    !page.username &&
    !page.password
  )
}

function fromAppWindow(sender: CallSender, appUrl: string): boolean {
  return sender.appMainFrame && isAppPage(sender.url, appUrl)
}

/** The language the page says it shows; null when refused. */
export function guardLanguage(
  sender: CallSender,
  appUrl: string,
  language: unknown,
): DesktopLanguage | null {
  if (!fromAppWindow(sender, appUrl)) return null
  const parsed = languageSchema.safeParse(language)
  return parsed.success ? parsed.data : null
}

export function guardCall(
  sender: CallSender,
  appUrl: string,
  command: unknown,
  params: unknown,
): GuardedCall {
  if (!fromAppWindow(sender, appUrl)) {
    return refuse(fail('forbidden-sender'))
  }
  if (!isCommand(command)) {
    return refuse(unknownCommand(typeof command === 'string' ? command : typeof command))
  }
  // Every command takes an object; arrays, strings and null are not "no parameters".
  if (
    params !== undefined &&
    (typeof params !== 'object' || params === null || Array.isArray(params))
  ) {
    return refuse(fail('invalid-params', { command }, 'not-object'))
  }
  const parsed = parseCommand(command, params ?? {})
  if (!parsed.ok) return refuse(parsed.error)
  return { ok: true, command, params: parsed.params }
}
