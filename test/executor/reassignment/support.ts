// Shared bits of the reassignment integration tests: topics with a given amount of data per partition, plans
// that move one replica of each partition to the broker not holding it, and reads of the throttle configs.
import { randomBytes } from 'node:crypto'
import { BROKER_THROTTLE_KEYS, TOPIC_THROTTLE_KEYS } from '../../../src/executor/reassignment/throttles.ts'
import type { ReassignmentPlan } from '../../../src/executor/reassignment/types.ts'
import { createProducerPort, type KafkaAdminPort } from '../../../src/kafka/index.ts'
import { bootstrapServers } from '../../kafka/support.ts'

export const BROKERS = [1, 2, 3]

/** Creates `topic` and writes about `kib[p]` KiB of incompressible data to partition p. */
export async function topicWithData(admin: KafkaAdminPort, topic: string, kib: number[]): Promise<void> {
  await admin.createTopic({ topic, partitions: kib.length, replicationFactor: 2 })
  const producer = createProducerPort({ bootstrapServers: bootstrapServers() })
  try {
    for (const [partition, size] of kib.entries()) {
      const records = Math.ceil(size / 8)
      for (let i = 0; i < records; i += 16) {
        const n = Math.min(16, records - i)
        // 4 KiB random bytes as hex = 8 KiB per record
        await producer.send(
          Array.from({ length: n }, () => ({ topic, partition, value: randomBytes(4096).toString('hex') })),
        )
      }
    }
  } finally {
    await producer.close()
  }
}

export async function replicasOf(admin: KafkaAdminPort, topic: string): Promise<number[][]> {
  const md = await admin.metadata({ topics: [topic] })
  return md.topics[0]!.partitions.map((p) => p.replicas)
}

/**
 * Each partition [a, b] → [c, a] with c the broker not holding it: one replica copied, a new preferred leader.
 * `replaceLeader`: [a, b] → [c, b] instead (the replica that goes is the preferred leader).
 */
export async function rotatePlan(
  admin: KafkaAdminPort,
  topic: string,
  options: { replaceLeader?: boolean } = {},
): Promise<ReassignmentPlan> {
  const current = await replicasOf(admin, topic)
  return {
    version: 1,
    partitions: current.map((replicas, partition) => ({
      topic,
      partition,
      replicas: [BROKERS.find((b) => !replicas.includes(b))!, replicas[options.replaceLeader ? 1 : 0]!],
    })),
  }
}

/** Throttle keys currently set on the brokers and on `topics` (topics that do not exist are skipped). */
export async function throttlesSet(admin: KafkaAdminPort, topics: string[]): Promise<string[]> {
  const answers = await admin.describeConfigs(
    BROKERS.map((b) => ({ type: 'broker' as const, name: String(b), keys: [...BROKER_THROTTLE_KEYS] })),
  )
  for (const topic of topics) {
    const answer = await admin
      .describeConfigs([{ type: 'topic', name: topic, keys: [...TOPIC_THROTTLE_KEYS] }])
      .catch(() => [])
    answers.push(...answer)
  }
  return answers.flatMap((a) =>
    Object.entries(a.configs)
      .filter(([, v]) => v !== null && v !== '')
      .map(([k, v]) => `${a.type} ${a.name} ${k}=${v}`),
  )
}

/** Best-effort clean-up after a test: cancel what is left, delete throttle keys and the topics. */
export async function cleanUp(admin: KafkaAdminPort, topics: string[]): Promise<void> {
  const ongoing = (await admin.listPartitionReassignments()).filter((r) => topics.includes(r.topic))
  if (ongoing.length > 0) {
    await admin.alterPartitionReassignments(ongoing.map((r) => ({ ...r, replicas: null }))).catch(() => {})
  }
  await admin
    .incrementalAlterConfigs(
      BROKERS.map((b) => ({ type: 'broker', name: String(b), delete: [...BROKER_THROTTLE_KEYS] })),
    )
    .catch(() => {})
  await admin.deleteTopics(topics).catch(() => {})
}
