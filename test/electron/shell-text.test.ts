/**
 * The shell's pure decisions: invite links to routes, its options, the tray's sync lines and
 * the desktop notifications' text.
 */
import { describe, expect, it } from 'vitest'
import { syncState } from '../daemon/fake-node.ts'
import { OptionError } from '../../core/daemon/options.ts'
import { inviteLink, LINK_PREFIX } from '../../core/node/invite-link.ts'
import { DesktopText } from '../../electron/desktop-text.ts'
import { findAppLink, JOIN_PREFIX, joinRoute } from '../../electron/invite-link.ts'
import { parseShellOptions } from '../../electron/shell-options.ts'

const CODE = 'yryyybndrfg8ejkmcpqxot1uwisza345h769'

describe('invite links', () => {
  it('agree with the links the node makes', () => {
    expect(JOIN_PREFIX).toBe(LINK_PREFIX)
    expect(joinRoute(inviteLink(CODE))).toBe(`/join?invite=${CODE}`)
  })

  it('open the join screen with the bare code, however the system passed the link', () => {
    expect(joinRoute(`exodus://join/${CODE}/`)).toBe(`/join?invite=${CODE}`)
    expect(joinRoute(`EXODUS://JOIN/${CODE}`)).toBe(`/join?invite=${CODE}`)
    expect(joinRoute(`  exodus://join/${CODE}?utm=x `)).toBe(`/join?invite=${CODE}`)
  })

  it('hand other exodus:// links to the join screen whole, to be explained there', () => {
    expect(joinRoute('exodus://pay/anna')).toBe(
      `/join?invite=${encodeURIComponent('exodus://pay/anna')}`,
    )
    expect(joinRoute('exodus://join/')).toBe(`/join?invite=${encodeURIComponent('exodus://join/')}`)
  })

  it('never let a link inject into the route', () => {
    const route = joinRoute('exodus://join/abc&network=x#/settings')
    expect(route).toBe('/join?invite=abc%26network%3Dx')
    expect(joinRoute('exodus://join/a%2Fb%3Fc')).toBe('/join?invite=a%2Fb%3Fc')
  })

  it('ignore anything that is not an exodus:// link', () => {
    expect(joinRoute('https://example.org/join/abc')).toBeNull()
    expect(joinRoute(`exodus://join/${'a'.repeat(5000)}`)).toBeNull()
  })

  it('are found on a command line among Chromium switches', () => {
    expect(
      findAppLink([
        '/usr/bin/exodus-circles',
        '--allow-file-access-from-files',
        `exodus://join/${CODE}`,
        '--original-process-start-time=13370000',
      ]),
    ).toBe(`exodus://join/${CODE}`)
    expect(findAppLink(['/usr/bin/exodus-circles', '--data', '/tmp/x'])).toBeNull()
    expect(findAppLink([42, null])).toBeNull()
  })
})

describe('shell options', () => {
  it('read --data and --bootstrap, flags before variables, among other switches', () => {
    const options = parseShellOptions(
      ['.', '--no-sandbox', '--data', 'anna', '--bootstrap=127.0.0.1:49737', `exodus://join/x`],
      { EXODUS_DATA: '/elsewhere', EXODUS_BOOTSTRAP: '10.0.0.1:1' },
    )
    expect(options.dataDir).toMatch(/[/\\]anna$/)
    expect(options.bootstrap).toEqual(['127.0.0.1:49737'])
    expect(options.logLevel).toBe('info')
  })

  it('fall back to the environment, then to the defaults', () => {
    const fromEnv = parseShellOptions([], {
      EXODUS_DATA: '/srv/exodus',
      EXODUS_BOOTSTRAP: '127.0.0.1:1,127.0.0.1:2',
      EXODUS_CLOCK_OFFSET: '+35d',
      EXODUS_LOG_LEVEL: 'debug',
    })
    expect(fromEnv).toMatchObject({
      bootstrap: ['127.0.0.1:1', '127.0.0.1:2'],
      clockOffsetMs: 35 * 86_400_000,
      logLevel: 'debug',
    })
    expect(fromEnv.dataDir).toMatch(/exodus$/)
    expect(parseShellOptions([], {})).toEqual({
      dataDir: undefined,
      bootstrap: undefined,
      clockOffsetMs: 0,
      logLevel: 'info',
    })
  })

  it('say what is wrong with a bad value', () => {
    expect(() => parseShellOptions(['--bootstrap', 'nowhere'], {})).toThrow(OptionError)
    expect(() => parseShellOptions(['--bootstrap', 'nowhere'], {})).toThrow(/HOST:PORT/)
    expect(() => parseShellOptions(['--log-level', 'loud'], {})).toThrow(/debug, info/)
    expect(() => parseShellOptions(['--data='], {})).toThrow(/--data needs a folder/)
  })
})

describe('sync state in the tray', () => {
  const text = new DesktopText('en')

  it('counts peers per network', () => {
    expect(text.syncLine({ name: 'Friends', sync: syncState(2) })).toBe('Friends: 2 peers')
    expect(text.syncLine({ name: 'Friends', sync: syncState(1) })).toBe('Friends: 1 peer')
    expect(text.syncLine({ name: 'Friends', sync: syncState(0) })).toBe('Friends: offline')
  })

  it('lists networks by name, and says when there is none', () => {
    expect(
      text.syncLines([
        { name: 'Neighbours', sync: syncState(0) },
        { name: 'Family', sync: syncState(3) },
      ]),
    ).toEqual(['Family: 3 peers', 'Neighbours: offline'])
    expect(text.syncLines([])).toEqual(['No networks yet'])
    expect(text.trayTooltip('Exodus Circles', [{ name: 'Friends', sync: syncState(2) }])).toBe(
      'Exodus Circles\nFriends: 2 peers',
    )
  })
})
