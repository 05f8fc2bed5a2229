// Request budget of a lag snapshot on the real cluster: counted by the port, per Kafka API. Whatever the number
// of groups, one snapshot sends at most one OffsetFetch per group coordinator, one ListOffsets and one Fetch per
// partition leader (the Fetch also brings the log start and last stable offset of lagging partitions), and
// describes groups in batches, not one request each.
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

/** Distinct partition leaders of our topics and group coordinators of our groups, from fresh answers. */
async function topology(port: KafkaAdminPort) {
  const md = await port.metadata({ topics })
  const leaders = new Set(md.topics.flatMap((t) => t.partitions.map((p) => p.leader))).size
  const coordinators = new Set((await port.describeGroups(groups)).map((d) => d.coordinator)).size
  return { leaders, coordinators }
}

function expectWithin(cost: Record<string, number>, rows: Array<[string, number]>) {
  for (const [api, max] of rows)
    expect(cost[api] ?? 0, `${api}: ${JSON.stringify(cost)}`).toBeLessThanOrEqual(max)
}

describe('lag snapshot request budget', () => {
  it(`${GROUPS} groups, cold: one ListOffsets and one Fetch per leader, one OffsetFetch per coordinator`, async () => {
    const port = createAdminPort({ bootstrapServers })
    try {
      const { leaders, coordinators } = await topology(port)
      const monitor = new LagMonitor(port, { groups })
      const { snapshot, cost } = await measure(monitor, port)
      expect(snapshot.groups).toHaveLength(GROUPS)
      expect(snapshot.groups.every((g) => g.topics.length === 2 && g.totalLag > 0)).toBe(true)
      expectWithin(cost, [
        ['ListOffsets', leaders],
        ['OffsetFetch', coordinators],
        ['Fetch', leaders],
        ['DescribeGroups', coordinators],
        ['ConsumerGroupDescribe', coordinators],
        ['ListGroups', brokers],
        ['Metadata', 1],
        ['FindCoordinator', 0], // cached by topology()
      ])
      expect(cost.ListOffsets).toBeGreaterThan(0)
      // every lagging partition's log start and last stable offset, from the Fetch answers
      const rows = snapshot.groups.flatMap((g) => g.topics.flatMap((t) => t.partitions))
      expect(rows.every((p) => p.logStartOffset === 0 && p.lastStableOffset === 20)).toBe(true)
    } finally {
      await port.close()
    }
  })

  it('every group on the cluster, cold: O(brokers) requests', async () => {
    const port = createAdminPort({ bootstrapServers })
    try {
      const monitor = new LagMonitor(port)
      const { snapshot, cost } = await measure(monitor, port)
      expect(snapshot.groups.filter((g) => g.group.startsWith(s))).toHaveLength(GROUPS)
      // Other groups on the shared cluster may hold edge cases (a commit below the log start costs the port's
      // out-of-range round: 3 more ListOffsets and another Fetch on that leader).
      expectWithin(cost, [
        ['OffsetFetch', brokers],
        ['ListOffsets', 4 * brokers],
        ['DescribeGroups', brokers],
        ['ConsumerGroupDescribe', brokers],
        ['ListGroups', brokers],
        ['Metadata', 2],
        ['FindCoordinator', brokers],
        ['Fetch', 4 * brokers],
      ])
      const total = Object.values(cost).reduce((a, b) => a + b, 0)
      expect(total, JSON.stringify(cost)).toBeLessThanOrEqual(16 * brokers)
    } finally {
      await port.close()
    }
  })

  it('a second poll with nothing moved: probes cached, one marks-only Fetch per leader', async () => {
    const port = createAdminPort({ bootstrapServers })
    try {
      const { leaders } = await topology(port)
      const monitor = new LagMonitor(port, { groups })
      const first = await measure(monitor, port)
      expect(first.cost.Fetch ?? 0).toBeGreaterThan(0)
      const second = await measure(monitor, port)
      expectWithin(second.cost, [
        ['ListOffsets', leaders],
        ['Fetch', leaders],
      ])
      // the probes were not repeated: still the same records, older by the time between the polls
      expect(second.snapshot.probes.map((p) => [p.topic, p.partition, p.offset, p.timestamp])).toEqual(
        first.snapshot.probes.map((p) => [p.topic, p.partition, p.offset, p.timestamp]),
      )
      const lagSeconds = (x: typeof first) => x.snapshot.groups.map((g) => g.maxLagSeconds!)
      const elapsed = (second.snapshot.at - first.snapshot.at) / 1000
      const before = lagSeconds(first)
      for (const [i, v] of lagSeconds(second).entries()) expect(v).toBeCloseTo(before[i]! + elapsed, 2)
      expect(second.snapshot.groups[0]!.consumptionRate).toBe(0)
      // and the marks are still read: log start and last stable offset of every lagging partition
      const rows = second.snapshot.groups.flatMap((g) => g.topics.flatMap((t) => t.partitions))
      expect(rows.every((p) => p.logStartOffset === 0 && p.lastStableOffset === 20)).toBe(true)
    } finally {
      await port.close()
    }
  })
})
