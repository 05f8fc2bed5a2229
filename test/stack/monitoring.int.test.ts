// Debian's Prometheus and Alertmanager started by the stack: they scrape the real brokers' JMX exporters,
// evaluate a rule, and deliver the alert to a webhook on loopback.
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { startMonitoring, stopMonitoring } from '../../src/stack/monitoring.ts'
import { isOurs } from '../../src/stack/process.ts'
import type { MonitoringState } from '../../src/stack/types.ts'

const kafka = inject('kafka')

interface WebhookBody {
  version: string
  status: string
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>
}

describe('monitoring stack', () => {
  let dir: string
  let monitoring: MonitoringState
  const received: WebhookBody[] = []
  const receiver = createServer(async (req: IncomingMessage, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    received.push(JSON.parse(body) as WebhookBody)
    receiver.emit('alert')
    res.end('ok')
  })

  beforeAll(async () => {
    receiver.listen(0, '127.0.0.1')
    await once(receiver, 'listening')
    const { port } = receiver.address() as { port: number }
    dir = await mkdtemp(join(process.cwd(), '.stack', 'mon-'))
    monitoring = await startMonitoring({
      dir,
      nodes: kafka.nodes,
      webhookUrl: `http://127.0.0.1:${port}/alerts`,
      intervalSeconds: 1,
      rules: {
        groups: [
          {
            name: 'test',
            rules: [
              // Fires as soon as the brokers are scraped: proves scrape → rule → Alertmanager → webhook.
              {
                alert: 'BrokersScraped',
                expr: 'count(kafka_server_replicamanager_underreplicatedpartitions_value) >= 3',
                annotations: { command: 'noop' },
              },
            ],
          },
        ],
      },
    })
  })

  afterAll(async () => {
    if (monitoring) await stopMonitoring(monitoring)
    receiver.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('scrapes every broker', async () => {
    await vi.waitFor(
      async () => {
        const res = await fetch(`${monitoring.prometheusUrl}/api/v1/query?query=up%7Bjob%3D%22kafka%22%7D`)
        const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } }
        expect(body.data.result.filter((r) => r.value[1] === '1')).toHaveLength(kafka.nodes.length)
      },
      { timeout: 30_000, interval: 500 },
    )
  })

  it('delivers a firing alert with its annotations to the webhook (Alertmanager payload v4)', async () => {
    if (received.length === 0) await once(receiver, 'alert', { signal: AbortSignal.timeout(60_000) })
    const alert = received[0]!
    expect(alert.version).toBe('4')
    expect(alert.status).toBe('firing')
    expect(alert.alerts[0]?.labels.alertname).toBe('BrokersScraped')
    expect(alert.alerts[0]?.annotations.command).toBe('noop')
  })

  it('stops both processes by PID', async () => {
    await stopMonitoring(monitoring)
    expect(isOurs(monitoring.prometheusPid, monitoring.prometheusConfig)).toBe(false)
    expect(isOurs(monitoring.alertmanagerPid, monitoring.alertmanagerConfig)).toBe(false)
  })
})
