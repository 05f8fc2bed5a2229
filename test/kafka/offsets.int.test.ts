import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAdminPort,
  createProducerPort,
  diffCounts,
  type KafkaAdminPort,
} from '../../src/kafka/index.ts'
import { bootstrapServers, unique } from './support.ts'

let admin: KafkaAdminPort
const big = unique('offsets100')
const PARTITIONS = 100
const GROUPS = 50

/** Distinct partition leaders of a topic, from fresh metadata. */
async function leadersOf(topic: string): Promise<number> {
  const md = await admin.metadata({ topics: [topic] })
  return new Set(md.topics[0]?.partitions.map((p) => p.leader)).size
}

beforeAll(async () => {
  admin = createAdminPort({ bootstrapServers: bootstrapServers() })
  await admin.createTopic({ topic: big, partitions: PARTITIONS, replicationFactor: 2 })
  const producer = createProducerPort({ bootstrapServers: bootstrapServers() })
  // Partition p gets p % 7 records, so every partition has a known, different end offset.
  await producer.send(
    Array.from({ length: PARTITIONS }, (_, p) =>
      Array.from({ length: p % 7 }, (_, i) => ({ topic: big, partition: p, value: `r${i}` })),
    ).flat(),
  )
  await producer.close()
})

afterAll(async () => {
  await admin.deleteTopics([big]).catch(() => {})
  await admin.close()
})

describe('partitionOffsets', () => {
  it('reads a 100-partition topic with 3 ListOffsets per leader and correct offsets', async () => {
    const leaders = await leadersOf(big)
    const partitions = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: big, partition }))
    const before = admin.requestCounts()
    const offsets = await admin.partitionOffsets(partitions)
    const cost = diffCounts(before, admin.requestCounts())
    expect(cost).toEqual({ ListOffsets: 3 * leaders })
    expect(
      offsets.map((o) => [o.partition, o.logStartOffset, o.logEndOffset, o.lastStableOffset, o.error]),
    ).toEqual(partitions.map(({ partition }) => [partition, 0, partition % 7, partition % 7, null]))
  })

  it('costs the same for 3 partitions on the same leaders: constant per leader', async () => {
    const few = [0, 1, 2].map((partition) => ({ topic: big, partition }))
    const before = admin.requestCounts()
    await admin.partitionOffsets(few)
    expect(diffCounts(before, admin.requestCounts()).ListOffsets).toBeLessThanOrEqual(9)
  })

  it('reports unknown topics and partitions per partition instead of failing the batch', async () => {
    const missing = unique('gone')
    const result = await admin.partitionOffsets([
      { topic: big, partition: 3 },
      { topic: big, partition: 999 },
      { topic: missing, partition: 0 },
    ])
    expect(result.map((r) => [r.topic, r.partition, r.error, r.logEndOffset])).toEqual([
      [big, 3, null, 3],
      [big, 999, 'UNKNOWN_TOPIC_OR_PARTITION', -1],
      [missing, 0, 'UNKNOWN_TOPIC_OR_PARTITION', -1],
    ])
  })
})

describe('committedOffsets', () => {
  const groups = Array.from({ length: GROUPS }, (_, i) => unique(`cg${i}`))

  beforeAll(async () => {
    for (const [i, groupId] of groups.entries()) {
      await admin.alterGroupOffsets(groupId, [{ topic: big, partition: i % PARTITIONS, offset: i }])
    }
  })

  afterAll(async () => {
    await admin.deleteGroups(groups).catch(() => {})
  })

  it('reads 50 groups with at most one OffsetFetch per coordinator and one FindCoordinator', async () => {
    const fresh = createAdminPort({ bootstrapServers: bootstrapServers() })
    try {
      const described = await fresh.describeGroups(groups)
      const coordinators = new Set(described.map((d) => d.coordinator)).size
      const before = fresh.requestCounts()
      const result = await fresh.committedOffsets(groups.map((groupId) => ({ groupId })))
      const cost = diffCounts(before, fresh.requestCounts())
      expect(cost.OffsetFetch).toBeLessThanOrEqual(coordinators)
      expect(cost.FindCoordinator ?? 0).toBe(0) // cached by describeGroups
      expect(
        result.map((g) => [g.groupId, g.error, g.offsets.map((o) => [o.topic, o.partition, o.offset])]),
      ).toEqual(groups.map((groupId, i) => [groupId, null, [[big, i % PARTITIONS, i]]]))
    } finally {
      await fresh.close()
    }
  })

  it('first call on a cold port: one FindCoordinator plus the OffsetFetches', async () => {
    const cold = createAdminPort({ bootstrapServers: bootstrapServers() })
    try {
      await cold.metadata() // connection and API versions, so only the call's own requests are counted
      const before = cold.requestCounts()
      await cold.committedOffsets(groups.map((groupId) => ({ groupId })))
      const cost = diffCounts(before, cold.requestCounts())
      expect(cost.FindCoordinator).toBe(1)
      expect(cost.OffsetFetch).toBeLessThanOrEqual(3)
      expect(Object.keys(cost).toSorted()).toEqual(['FindCoordinator', 'OffsetFetch'])
    } finally {
      await cold.close()
    }
  })

  it('restricted to topics: every partition, -1 where the group has no commit', async () => {
    const [g] = await admin.committedOffsets([{ groupId: groups[2]!, topics: [big] }])
    expect(g?.offsets).toHaveLength(PARTITIONS)
    expect(g?.offsets.filter((o) => o.offset !== -1).map((o) => [o.partition, o.offset])).toEqual([[2, 2]])
  })

  it('a group without commits is empty, not an error', async () => {
    const [g] = await admin.committedOffsets([{ groupId: unique('never') }])
    expect([g?.error, g?.offsets]).toEqual([null, []])
  })
})
