// Request budget of a lag snapshot on the real cluster: counted by the port, per Kafka API. Whatever the number
// of groups, one snapshot sends at most one OffsetFetch per group coordinator, a constant number of ListOffsets
// per broker, and describes groups in batches, not one request each.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createAdminPort, createProducerPort, diffCounts } from '../../src/kafka/index.ts'
import type { KafkaAdminPort } from '../../src/kafka/port.ts'
import { LagMonitor } from '../../src/monitor/lag-monitor.ts'

const kafka = inject('kafka')
const bootstrapServers = kafka.bootstrapServers.split(',')
const brokers = kafka.nodes.length
const s = `lagbudget-${Date.now().toString(36)}`
const topics = [`${s}-a`, `${s}-b`]
const GROUPS = 60
const groups = Array.from({ length: GROUPS }, (_, i) => `${s}-g${i}`)

let admin: KafkaAdminPort

beforeAll(async () => {
  admin = createAdminPort({ bootstrapServers })
  const producer = createProducerPort({ bootstrapServers })
  try {
    for (const topic of topics) await admin.createTopic({ topic, partitions: 6, replicationFactor: 1 })
    await producer.send(
      topics.flatMap((topic) =>
        Array.from({ length: 6 * 20 }, (_, i) => ({ topic, partition: i % 6, value: `v${i}` })),
      ),
    )
  } finally {
    await producer.close()
  }
  // groups spread over the coordinators, at different positions (most of them lagging, so probed)
  for (const [i, groupId] of groups.entries()) {
    await admin.alterGroupOffsets(
      groupId,
      topics.flatMap((topic) =>
        Array.from({ length: 6 }, (_, partition) => ({ topic, partition, offset: (i + partition) % 20 })),
      ),
    )
  }
})

afterAll(async () => {
  await admin?.deleteGroups(groups).catch(() => {})
  await admin?.deleteTopics(topics).catch(() => {})
  await admin?.close()
})

async function measure(monitor: LagMonitor, port: KafkaAdminPort) {
  const before = port.requestCounts()
  const snapshot = await monitor.poll()
  return { snapshot, cost: diffCounts(before, port.requestCounts()) }
}

describe('lag snapshot request budget', () => {
  it(`${GROUPS} groups (and every other group on the cluster) cost O(brokers) requests, cold`, async () => {
    const port = createAdminPort({ bootstrapServers })
    try {
      const monitor = new LagMonitor(port)
      const { snapshot, cost } = await measure(monitor, port)
      const ours = snapshot.groups.filter((g) => g.group.startsWith(s))
      expect(ours).toHaveLength(GROUPS)
      expect(ours.every((g) => g.topics.length === 2 && g.totalLag > 0)).toBe(true)
      const rows: Array<[string, number]> = [
        ['OffsetFetch', brokers],
        ['ListOffsets', 3 * brokers],
        ['DescribeGroups', brokers],
        ['ConsumerGroupDescribe', brokers],
        ['ListGroups', brokers],
        ['Metadata', 2],
        ['FindCoordinator', brokers],
        // at most 4 rounds per leader, and cached probes make later polls cheaper still
        ['Fetch', 4 * brokers],
      ]
      for (const [api, max] of rows)
        expect(cost[api] ?? 0, `${api}: ${JSON.stringify(cost)}`).toBeLessThanOrEqual(max)
      const total = Object.values(cost).reduce((a, b) => a + b, 0)
      expect(total, JSON.stringify(cost)).toBeLessThanOrEqual(16 * brokers)
    } finally {
      await port.close()
    }
  })

  it('a second poll with nothing moved sends no Fetch: the probes are cached', async () => {
    const port = createAdminPort({ bootstrapServers })
    try {
      const monitor = new LagMonitor(port, { groups })
      const first = await measure(monitor, port)
      expect(first.cost.Fetch ?? 0).toBeGreaterThan(0)
      const second = await measure(monitor, port)
      expect(second.cost.Fetch ?? 0).toBe(0)
      const lagSeconds = (x: typeof first) => x.snapshot.groups.map((g) => g.maxLagSeconds!)
      // the same records, older by the time between the polls
      const elapsed = (second.snapshot.at - first.snapshot.at) / 1000
      const before = lagSeconds(first)
      for (const [i, v] of lagSeconds(second).entries()) expect(v).toBeCloseTo(before[i]! + elapsed, 2)
      expect(second.snapshot.groups[0]!.consumptionRate).toBe(0)
    } finally {
      await port.close()
    }
  })
})
