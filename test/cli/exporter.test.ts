import { afterEach, describe, expect, it } from 'vitest'
import { type ExporterFlags, type RunningExporter, startExporter } from '../../src/cli/commands/exporter.ts'
import { AutopilotError } from '../../src/errors.ts'
import { FakeAdminPort } from '../monitor/fake-admin-port.ts'

function fakeCluster() {
  const port = new FakeAdminPort()
  port.addTopic('orders', 1)
  port.produce('orders', 0, 50, Date.now() - 50_000, 1000)
  port.addGroup('billing', { 'orders/0': 20 })
  return port
}

const flags = (extra: Partial<ExporterFlags> = {}): ExporterFlags => ({
  bootstrapServer: '127.0.0.1:9092',
  group: [],
  topic: [],
  offsetReset: 'latest',
  port: 0,
  host: '127.0.0.1',
  interval: 60,
  ...extra,
})

const running: RunningExporter[] = []
afterEach(async () => {
  for (const e of running.splice(0)) await e.close()
})

describe('startExporter', () => {
  it('serves lag metrics over HTTP after a first collection', async () => {
    const port = fakeCluster()
    const exporter = await startExporter(flags(), { openPort: () => port, log: () => {} })
    running.push(exporter)
    expect(exporter.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${exporter.url}/metrics`)
    const body = await res.text()
    expect(res.status).toBe(200)
    expect(body).toContain('kafka_consumergroup_lag{consumergroup="billing",topic="orders",partition="0"} 30')
    expect(body).toContain('autopilot_lag_collector_up 1')
    expect(port.calls.listGroups).toBe(1)
  })

  it('fails at start, closing the port, when the first collection fails', async () => {
    const port = fakeCluster()
    port.failEverything = new AutopilotError(
      'AP_ERR_KAFKA_UNREACHABLE',
      'cannot reach Kafka (bootstrap servers 127.0.0.1:1)',
    )
    const err = await startExporter(flags(), { openPort: () => port, log: () => {} }).catch((e) => e)
    expect([err.code, err.message]).toEqual([
      'AP_ERR_KAFKA',
      'first lag collection failed: cannot reach Kafka (bootstrap servers 127.0.0.1:1)',
    ])
    expect(err.exitCode).not.toBe(0)
    expect(port.calls.close).toBe(1)
  })

  it('a port in use is an error naming --port', async () => {
    const first = await startExporter(flags(), { openPort: fakeCluster, log: () => {} })
    running.push(first)
    const taken = Number(new URL(first.url).port)
    const port = fakeCluster()
    const err = await startExporter(flags({ port: taken }), { openPort: () => port, log: () => {} }).catch(
      (e) => e,
    )
    expect([err.code, err.field]).toEqual(['AP_ERR_INPUT', '--port'])
    expect(err.message).toContain('EADDRINUSE')
    expect(port.calls.close).toBe(1)
  })

  it('collects on its cadence and logs failures without stopping', async () => {
    const port = fakeCluster()
    const lines: string[] = []
    const exporter = await startExporter(flags({ interval: 0.02 }), {
      openPort: () => port,
      log: (l) => lines.push(l),
    })
    running.push(exporter)
    port.failEverything = new Error('socket hang up')
    await exporter.collector.nextCollection()
    port.failEverything = null
    await exporter.collector.nextCollection()
    const { health } = exporter.collector.current()
    expect([health.up, health.failures]).toEqual([true, 1])
    expect(lines).toEqual(['lag collection failed: could not read consumer lag: socket hang up'])
  })
})
