import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { metricsPlugin } from '../../src/api/metrics.ts'
import { LagCollector } from '../../src/monitor/lag-collector.ts'
import { LagMonitor } from '../../src/monitor/lag-monitor.ts'
import { FakeAdminPort } from '../monitor/fake-admin-port.ts'

const T0 = 1_700_000_000_000

/** `name{labels}` → value, from the Prometheus text format. */
function parse(text: string): Map<string, number> {
  const series = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    series.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return series
}

function setup(options: { staleAfterMs?: number } = {}) {
  let t = T0
  const now = () => t
  const port = new FakeAdminPort()
  port.addTopic('orders', 2)
  port.produce('orders', 0, 100, T0 - 100_000, 1000)
  port.produce('orders', 1, 10, T0 - 10_000, 1000)
  port.addGroup(
    'billing',
    { 'orders/0': 40 },
    {
      state: 'Stable',
      members: [
        {
          memberId: 'm1',
          clientId: 'c1',
          host: '/127.0.0.1',
          assignment: [{ topic: 'orders', partition: 0 }],
        },
      ],
    },
  )
  const monitor = new LagMonitor(port, { now, allTopicOffsets: true })
  const collector = new LagCollector(() => monitor.poll(), { intervalMs: 60_000, now })
  const app = Fastify()
  app.register(metricsPlugin, { source: collector, now, ...options })
  const scrape = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/plain')
    return parse(res.body)
  }
  return { port, collector, app, scrape, advance: (ms: number) => (t += ms) }
}

let close: (() => Promise<unknown>) | null = null
afterEach(async () => {
  await close?.()
  close = null
})

describe('/metrics', () => {
  it('serves kafka_exporter names and labels from the last snapshot', async () => {
    const s = setup()
    close = () => s.app.close()
    await s.collector.collectOnce()
    const m = await s.scrape()
    const rows: Array<[string, number | undefined]> = [
      ['kafka_consumergroup_lag{consumergroup="billing",topic="orders",partition="0"}', 60],
      ['kafka_consumergroup_lag_seconds{consumergroup="billing",topic="orders",partition="0"}', 60],
      ['kafka_consumergroup_current_offset{consumergroup="billing",topic="orders",partition="0"}', 40],
      // no commit on partition 1: lag by policy (latest → 0), and no current_offset series instead of -1
      ['kafka_consumergroup_lag{consumergroup="billing",topic="orders",partition="1"}', 0],
      ['kafka_consumergroup_current_offset{consumergroup="billing",topic="orders",partition="1"}', undefined],
      ['kafka_consumergroup_lag_sum{consumergroup="billing",topic="orders"}', 60],
      ['kafka_consumergroup_current_offset_sum{consumergroup="billing",topic="orders"}', 40],
      ['kafka_consumergroup_members{consumergroup="billing"}', 1],
      ['kafka_consumergroup_max_lag_seconds{consumergroup="billing"}', 60],
      ['kafka_consumergroup_info{consumergroup="billing",state="Stable",type="classic"}', 1],
      ['kafka_topic_partition_current_offset{topic="orders",partition="0"}', 100],
      ['kafka_topic_partition_oldest_offset{topic="orders",partition="0"}', 0],
      ['kafka_topic_partitions{topic="orders"}', 2],
      ['autopilot_lag_collector_up', 1],
      ['autopilot_lag_collector_last_success_timestamp_seconds', T0 / 1000],
      ['autopilot_lag_collector_duration_seconds', 0],
      ['autopilot_lag_collector_failures_total', 0],
    ]
    for (const [series, value] of rows) expect([series, m.get(series)]).toEqual([series, value])
  })

  it('a scrape never talks to Kafka', async () => {
    const s = setup()
    close = () => s.app.close()
    await s.collector.collectOnce()
    const before = { ...s.port.calls }
    await s.scrape()
    await s.scrape()
    expect(s.port.calls).toEqual(before)
  })

  it('before the first collection: up 0 and no lag series', async () => {
    const s = setup()
    close = () => s.app.close()
    const m = await s.scrape()
    expect(m.get('autopilot_lag_collector_up')).toBe(0)
    expect([...m.keys()].filter((k) => k.startsWith('kafka_'))).toEqual([])
  })

  it('a failed collection sets up 0 and counts; the last good snapshot is served until stale', async () => {
    const s = setup({ staleAfterMs: 30_000 })
    close = () => s.app.close()
    await s.collector.collectOnce()
    s.port.failEverything = new Error('connection refused')
    s.advance(10_000)
    await s.collector.collectOnce()
    let m = await s.scrape()
    expect([m.get('autopilot_lag_collector_up'), m.get('autopilot_lag_collector_failures_total')]).toEqual([
      0, 1,
    ])
    expect(m.get('kafka_consumergroup_lag{consumergroup="billing",topic="orders",partition="0"}')).toBe(60)
    s.advance(30_000)
    m = await s.scrape()
    expect(
      m.get('kafka_consumergroup_lag{consumergroup="billing",topic="orders",partition="0"}'),
    ).toBeUndefined()
    expect(m.get('autopilot_lag_collector_last_success_timestamp_seconds')).toBe(T0 / 1000)
  })

  it('series of a deleted group disappear with the next snapshot', async () => {
    const s = setup()
    close = () => s.app.close()
    await s.collector.collectOnce()
    s.port.groups.delete('billing')
    s.advance(1000)
    await s.collector.collectOnce()
    const m = await s.scrape()
    expect([...m.keys()].filter((k) => k.includes('billing'))).toEqual([])
  })
})
