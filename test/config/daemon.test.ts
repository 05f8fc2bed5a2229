import { describe, expect, it } from 'vitest'
import { daemonSettings } from '../../src/config/daemon.ts'
import { parseConfig } from '../../src/config/load.ts'
import { AutopilotError } from '../../src/errors.ts'

function rejected(text: string): { path: string; message: string; line?: number } {
  try {
    parseConfig(text, 'test.yaml')
  } catch (err) {
    if (!AutopilotError.is(err)) throw err
    const issues = (err.details?.issues ?? []) as Array<{ path: string; message: string; line?: number }>
    return issues[0]!
  }
  throw new Error('expected the config to be rejected')
}

describe('daemon settings (server, journal, leaderElection)', () => {
  it('absent sections stay absent in the parsed file and get their defaults from daemonSettings', () => {
    const { config } = parseConfig('scalers: []\n')
    expect(config).toEqual({ scalers: [] })
    expect(daemonSettings(config)).toEqual({
      server: { host: '127.0.0.1', port: 9477 },
      journal: { path: '.autopilot/journal.db', retentionDays: 14, maxEntries: 200_000 },
      leaderElection: { enabled: 'auto', leaseName: 'kafka-autopilot' },
    })
  })

  it('partial sections are filled field by field, strings accepted for numbers', () => {
    const { config } = parseConfig('server: { port: "8080" }\njournal: { path: /var/lib/ap.db }\n')
    expect(daemonSettings(config)).toMatchObject({
      server: { host: '127.0.0.1', port: 8080 },
      journal: { path: '/var/lib/ap.db', retentionDays: 14, maxEntries: 200_000 },
    })
  })

  it('leaderElection.advertiseUrl: an http(s) URL, unset by default', () => {
    const { config } = parseConfig('leaderElection:\n  advertiseUrl: https://autopilot-0.autopilot:9477\n')
    expect(daemonSettings(config).leaderElection).toEqual({
      enabled: 'auto',
      leaseName: 'kafka-autopilot',
      advertiseUrl: 'https://autopilot-0.autopilot:9477',
    })
  })

  const rows = [
    { name: 'port out of range', text: 'server:\n  port: 70000\n', path: 'server.port', line: 2 },
    { name: 'unknown server field', text: 'server:\n  hots: x\n', path: 'server.hots', line: 2 },
    {
      name: 'retention below one day',
      text: 'journal:\n  retentionDays: 0\n',
      path: 'journal.retentionDays',
      line: 2,
    },
    { name: 'tiny maxEntries', text: 'journal:\n  maxEntries: 5\n', path: 'journal.maxEntries', line: 2 },
    {
      name: 'bad lease name',
      text: 'leaderElection:\n  leaseName: Not_A_Name\n',
      path: 'leaderElection.leaseName',
      line: 2,
    },
    {
      name: 'leaderElection.enabled other than auto, true or false',
      text: 'leaderElection:\n  enabled: maybe\n',
      path: 'leaderElection.enabled',
      line: 2,
    },
    {
      name: 'a leaderElection.advertiseUrl that is not http(s)',
      text: 'leaderElection:\n  advertiseUrl: ftp://10.0.0.1/\n',
      path: 'leaderElection.advertiseUrl',
      line: 2,
    },
  ]
  for (const row of rows) {
    it(`rejects ${row.name}, naming the field and its line`, () => {
      const issue = rejected(row.text)
      expect(issue.path).toBe(row.path)
      expect(issue.line).toBe(row.line)
    })
  }
})
