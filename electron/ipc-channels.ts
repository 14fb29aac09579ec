/**
 * The IPC channels between the preload bridge and the main process; nothing else is listened
 * to. A file of its own so the sandboxed preload bundles these names and nothing more.
 */

/** Renderer → main (invoke): one API call, answered with the contract's Reply. */
export const CALL_CHANNEL = 'exodus:call'
/** Renderer → main (send): the language the page shows, for the tray and notifications. */
export const LANGUAGE_CHANNEL = 'exodus:language'
/** Main → renderer: a NodeEvent. */
export const EVENT_CHANNEL = 'exodus:event'
/** Main → renderer: a hash route to open (an invite link, a clicked notification). */
export const NAVIGATE_CHANNEL = 'exodus:navigate'
