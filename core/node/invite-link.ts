/** `exodus://` links: what an invite code is wrapped in to be opened by the app. */
export const LINK_PREFIX = 'exodus://join/'

export function inviteLink(code: string): string {
  return LINK_PREFIX + code
}
