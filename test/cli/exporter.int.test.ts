// The exporter on the real cluster: what Prometheus scrapes matches the group's known position.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { openAdminPort } from '../../src/cli/admin-port.ts'
import { type RunningExporter, startExporter } from '../../src/cli/commands/exporter.ts'
import { createAdminPort, createProducerPort } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'

const kafka = inject('kafka')
const bootstrapServers = kafka.bootstrapServers.split(',')
const s = `lagexp-${Date.now().toString(36)}`
const topic = `${s}-orders`
const group = `${s}-billing`

let admin: KafkaAdminPort
let exporter: RunningExporter | undefined

beforeAll(async () => {
  admin = createAdminPort({ bootstrapServers })
  const producer = createProducerPort({ bootstrapServers })
  try {
    await admin.createTopic({ topic, partitions: 2, replicationFactor: 1 })
    await producer.send(Array.from({ length: 50 }, (_, i) => ({ topic, partition: i % 2, value: `v${i}` })))
  } finally {
    await producer.close()
  }
  await admin.alterGroupOffsets(group, [{ topic, partition: 0, offset: 5 }])
})

afterAll(async () => {
  await exporter?.close()
  await admin?.deleteGroups([group]).catch(() => {})
  await admin?.deleteTopics([topic]).catch(() => {})
  await admin?.close()
})

describe('autopilot exporter', () => {
  it('serves kafka_exporter-named lag metrics of the real cluster', async () => {
    exporter = await startExporter(
      {
        bootstrapServer: kafka.bootstrapServers,
        group: [],
        topic: [],
        offsetReset: 'latest',
        port: 0,
        host: '127.0.0.1',
        interval: 30,
      },
      { openPort: openAdminPort, log: () => {} },
    )
    const body = await (await fetch(`${exporter.url}/metrics`)).text()
    const series = (name: string) =>
      new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(body)?.[1]
    const labels = `consumergroup="${group}",topic="${topic}"`
    expect(series(`kafka_consumergroup_lag{${labels},partition="0"}`)).toBe('20')
    expect(series(`kafka_consumergroup_current_offset{${labels},partition="0"}`)).toBe('5')
    expect(series(`kafka_consumergroup_lag{${labels},partition="1"}`)).toBe('0')
    expect(series(`kafka_consumergroup_current_offset{${labels},partition="1"}`)).toBeUndefined()
    expect(series(`kafka_consumergroup_lag_sum{${labels}}`)).toBe('20')
    expect(Number(series(`kafka_consumergroup_lag_seconds{${labels},partition="0"}`))).toBeGreaterThan(0)
    expect(series(`kafka_consumergroup_members{consumergroup="${group}"}`)).toBe('0')
    expect(series(`kafka_topic_partition_current_offset{topic="${topic}",partition="0"}`)).toBe('25')
    expect(series(`kafka_topic_partition_oldest_offset{topic="${topic}",partition="0"}`)).toBe('0')
    expect(series('autopilot_lag_collector_up')).toBe('1')
  })
})
