import { describe, expect, it } from 'vitest'
import { alertsUrl, type FetchLike, readActiveAlerts } from '../../src/monitor/active-alerts.ts'

const answer =
  (status: number, body: unknown): FetchLike =>
  async () => ({ ok: status < 300, status, json: async () => body })

describe('readActiveAlerts', () => {
  it('reads name, state and labels of every alert', async () => {
    const body = [
      {
        labels: { alertname: 'BrokerUnderReplicated', instance: 'b1' },
        status: { state: 'active', silencedBy: [] },
        startsAt: '2026-11-23T03:40:17Z',
        fingerprint: 'x',
      },
      { labels: { alertname: 'Watchdog' }, status: { state: 'suppressed' } },
    ]
    const seen: string[] = []
    const fetch: FetchLike = async (url, init) => {
      seen.push(url)
      return answer(200, body)(url, init)
    }
    expect(await readActiveAlerts('http://127.0.0.1:9093/am/', { fetch })).toEqual({
      alerts: [
        {
          name: 'BrokerUnderReplicated',
          state: 'active',
          labels: { alertname: 'BrokerUnderReplicated', instance: 'b1' },
          startsAt: '2026-11-23T03:40:17Z',
        },
        { name: 'Watchdog', state: 'suppressed', labels: { alertname: 'Watchdog' }, startsAt: null },
      ],
    })
    expect(seen).toEqual(['http://127.0.0.1:9093/am/api/v2/alerts'])
  })

  const failures: Array<{ name: string; fetch: FetchLike; error: RegExp }> = [
    { name: 'an HTTP error', fetch: answer(503, {}), error: /answered HTTP 503/ },
    {
      name: 'a body that is not an alert list',
      fetch: answer(200, { status: 'success' }),
      error: /did not answer with an Alertmanager v2 alert list/,
    },
    {
      name: 'a refused connection',
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9093') })
      },
      error: /ECONNREFUSED/,
    },
  ]
  for (const row of failures) {
    it(`returns ${row.name} as an error, without throwing`, async () => {
      const result = await readActiveAlerts('http://127.0.0.1:9093', { fetch: row.fetch })
      expect('error' in result && result.error).toMatch(row.error)
    })
  }

  it('refuses a URL that is not http(s), naming the flag', () => {
    expect(() => alertsUrl('127.0.0.1:9093')).toThrow(/--alertmanager/)
    expect(() => alertsUrl('ftp://x')).toThrow(/http or https/)
  })
})
