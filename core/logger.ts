/**
 * What the node and its hosts write their log lines through: the daemon's and the desktop
 * app's log files, or nothing (tests, one-off commands).
 */
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

/** A logger that writes nowhere. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
