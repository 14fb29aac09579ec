/**
 * `exodus://` links as the operating system hands them to the app (on the command line of a
 * second launch on Windows and Linux, through 'open-url' on macOS), turned into the route of
 * the join screen, which reads the invite from `#/join?invite=…`.
 */

export const SCHEME = 'exodus'
/** The invite link's form; core/node/invite-code.ts makes them (a test checks they agree). */
export const JOIN_PREFIX = `${SCHEME}://join/`
/** Longer than any invite the node makes by far; anything longer is not worth parsing. */
const MAX_LINK = 4096

export function isAppLink(text: string): boolean {
  return text.length <= MAX_LINK && text.toLowerCase().startsWith(`${SCHEME}://`)
}

/** The last exodus:// link on a command line (Chromium may append its own switches). */
export function findAppLink(argv: readonly unknown[]): string | null {
  for (let i = argv.length - 1; i >= 0; i--) {
    const arg = argv[i]
    if (typeof arg === 'string' && isAppLink(arg.trim())) return arg.trim()
  }
  return null
}

/**
 * The hash route that opens the join screen for `link`: the bare code for an invite link,
 * otherwise the link itself, so the join screen shows the node's own explanation of what is
 * wrong with it. Browsers and shells may add a trailing slash or percent-encode the code.
 */
export function joinRoute(link: string): string | null {
  const text = link.trim()
  if (!isAppLink(text)) return null
  let invite = text
  if (text.toLowerCase().startsWith(JOIN_PREFIX)) {
    let code = text
      .slice(JOIN_PREFIX.length)
      .replace(/[?#].*$/, '')
      .replace(/\/+$/, '')
    try {
      code = decodeURIComponent(code)
    } catch {
      // Not percent-encoding after all: keep it as it came.
    }
    if (code.length > 0) invite = code
  }
  return `/join?invite=${encodeURIComponent(invite)}`
}
