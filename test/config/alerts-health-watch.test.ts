// The `alerts.healthWatch` config: absent is off, defaults, and bad values named by their path.
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

describe('alerts.healthWatch config', () => {
  it('absent: no watch', () => {
    expect(parseConfig('alerts: {}\n').config.alerts?.healthWatch).toBeUndefined()
  })
  it('empty: on, every 10 s, 30 s for-duration, re-sent every 300 s, no command', () => {
    expect(parseConfig('alerts: { healthWatch: {} }\n').config.alerts?.healthWatch).toEqual({
      enabled: true,
      intervalSeconds: 10,
      forSeconds: 30,
      repeatSeconds: 300,
      actions: {},
    })
  })
  it('a full section parses, with built-in and custom actions', () => {
    const { config } = parseConfig(`alerts:
  actions:
    page: { type: webhook, url: "http://127.0.0.1:8080/hook" }
  healthWatch:
    enabled: true
    intervalSeconds: "5"
    forSeconds: 0
    repeatSeconds: 0
    actions: { UnderReplicatedPartitions: upScale, BrokerFenced: page }
`)
    expect(config.alerts?.healthWatch).toEqual({
      enabled: true,
      intervalSeconds: 5,
      forSeconds: 0,
      repeatSeconds: 0,
      actions: { UnderReplicatedPartitions: 'upScale', BrokerFenced: 'page' },
    })
  })
  it.each([
    [
      'healthWatch: { intervalSeconds: 0 }',
      'alerts.healthWatch.intervalSeconds: must be an integer between 1 and 3600',
    ],
    [
      'healthWatch: { forSeconds: -1 }',
      'alerts.healthWatch.forSeconds: must be an integer between 0 and 86400',
    ],
    ['healthWatch: { enabled: maybe }', 'alerts.healthWatch.enabled: must be true or false'],
    ['healthWatch: { actions: { DiskFull: upScale } }', 'alerts.healthWatch.actions.DiskFull'],
    [
      'healthWatch: { actions: { OfflinePartitions: reboot } }',
      'alerts.healthWatch.actions.OfflinePartitions: "reboot" is not an action',
    ],
    ['healthWatch: { every: 5 }', 'alerts.healthWatch'],
  ])('%s is refused naming %s', (section, expected) => {
    const found = issues(`alerts: { ${section} }\n`)
    expect(
      found.some((i) => i.startsWith(expected)),
      found.join('\n'),
    ).toBe(true)
  })
})
