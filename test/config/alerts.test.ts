// The `alerts:` config section: defaults, and every bad value named by its path.
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.ts'

const issues = (yaml: string): string[] => {
  try {
    parseConfig(yaml)
    return []
  } catch (error) {
    const details = (error as { details?: { issues?: Array<{ path: string; message: string }> } }).details
    return (details?.issues ?? []).map((i) => `${i.path}: ${i.message}`)
  }
}

describe('alerts config', () => {
  it('defaults: dry-run, 600 s cooldown, no auth, command annotation', () => {
    const { config } = parseConfig('alerts: {}\n')
    expect(config.alerts).toMatchObject({
      mode: 'dry-run',
      cooldownSeconds: 600,
      auth: { type: 'none' },
      useCommandAnnotation: true,
      bodyLimitBytes: 1_048_576,
    })
  })
  it('a full section parses', () => {
    const { config } = parseConfig(`alerts:
  mode: approve
  cooldownSeconds: "120"
  minBrokers: 3
  maxBrokers: 6
  auth: { type: basic, username: am, passwordEnv: AM_PASSWORD }
  rules:
    - { name: disk, match: { alertname: DiskLow }, action: addPvc, params: { diskSize: 100Gi } }
    - { name: page, match: { severity: page }, action: notify }
  actions:
    notify: { type: webhook, url: "http://127.0.0.1:8080/hook" }
    runbook: { type: exec, command: [/usr/local/bin/runbook, "{{labels.instance}}"], timeoutSeconds: 30 }
`)
    expect(config.alerts?.rules).toHaveLength(2)
    expect(config.alerts?.actions.runbook).toMatchObject({ type: 'exec', env: {}, disruptive: false })
  })
  const bad: Array<[string, string, string]> = [
    ['unknown mode', 'alerts: { mode: yolo }', 'alerts.mode: must be one of auto, dry-run, approve'],
    [
      'bearer without a token',
      'alerts: { auth: { type: bearer } }',
      'alerts.auth.token: set exactly one of token, tokenEnv',
    ],
    [
      'unknown auth type',
      'alerts: { auth: { type: magic } }',
      'alerts.auth.type: must be bearer, basic or none',
    ],
    ['min above max', 'alerts: { minBrokers: 5, maxBrokers: 3 }', 'alerts.minBrokers: must be ≤ maxBrokers'],
    [
      'a rule to nowhere',
      'alerts: { rules: [{ name: r, action: nope }] }',
      'alerts.rules[0].action: "nope" is not an action',
    ],
    [
      'a custom action shadowing a built-in',
      'alerts: { actions: { upScale: { type: webhook, url: "http://127.0.0.1:1/" } } }',
      'alerts.actions.upScale: upScale is a built-in action',
    ],
    [
      'exec with an empty argv',
      'alerts: { actions: { x: { type: exec, command: [] } } }',
      'alerts.actions.x.command: must not be empty',
    ],
    [
      'webhook with a bad URL',
      'alerts: { actions: { x: { type: webhook, url: "ftp://h/" } } }',
      'alerts.actions.x.url: must be an http or https URL',
    ],
  ]
  for (const [name, yaml, expected] of bad) {
    it(`${name} → ${expected}`, () => expect(issues(yaml)).toEqual([expected]))
  }
})
