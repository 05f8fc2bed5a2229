// Both payload shapes: the Alertmanager v4 webhook (exact, from the research run) and Prometheus' raw alert
// array; envelope errors name the field, one bad alert is rejected alone.
import { describe, expect, it } from 'vitest'
import { fingerprintOf, parsePayload } from '../../src/alerts/payload.ts'
import { firingWebhook, resolvedWebhook } from './fixtures.ts'

const NOW = Date.parse('2026-11-23T04:00:00Z')

describe('parsePayload', () => {
  it('reads the Alertmanager v4 firing payload', () => {
    const p = parsePayload(firingWebhook(), NOW)
    expect(p.shape).toBe('alertmanager-webhook')
    expect(p.rejected).toEqual([])
    expect(p.alerts).toEqual([
      expect.objectContaining({
        fingerprint: 'da2df510431022f7',
        status: 'firing',
        annotations: expect.objectContaining({ command: 'upScale' }),
      }),
    ])
  })
  it('reads the resolved payload', () => {
    expect(parsePayload(resolvedWebhook(), NOW).alerts[0]?.status).toBe('resolved')
  })
  it('reads a Prometheus alert array: status from endsAt, fingerprint from labels', () => {
    const labels = { alertname: 'X', cluster: 'local' }
    const p = parsePayload(
      [
        { labels, annotations: { command: 'upScale' }, endsAt: '2026-11-23T04:04:00Z' },
        { labels: { ...labels, b: '1' }, endsAt: '2026-11-23T03:59:00Z' },
        { labels: 'nope' },
      ],
      NOW,
    )
    expect(p.shape).toBe('prometheus-alerts')
    expect(p.alerts.map((a) => a.status)).toEqual(['firing', 'resolved'])
    expect(p.alerts[0]?.fingerprint).toBe(fingerprintOf({ cluster: 'local', alertname: 'X' }))
    expect(p.rejected).toEqual([{ index: 2, field: '[2].labels', message: 'must be a map of strings' }])
  })
  const bad: Array<[string, unknown, string]> = [
    ['a string body', 'hello', 'body'],
    ['a wrong version', { ...firingWebhook(), version: '3' }, 'version'],
    ['alerts not a list', { ...firingWebhook(), alerts: {} }, 'alerts'],
  ]
  for (const [name, body, field] of bad) {
    it(`${name} is a 400 naming ${field}`, () => {
      expect(() => parsePayload(body, NOW)).toThrow(expect.objectContaining({ code: 'AP_ERR_INPUT', field }))
    })
  }
  it('a bad alert inside a good envelope is rejected alone, naming its field', () => {
    const body = firingWebhook()
    body.alerts.push({ ...body.alerts[0]!, status: 'exploded' as 'firing' })
    const p = parsePayload(body, NOW)
    expect(p.alerts).toHaveLength(1)
    expect(p.rejected).toEqual([
      { index: 1, field: 'alerts[1].status', message: 'must be firing or resolved' },
    ])
  })
})
