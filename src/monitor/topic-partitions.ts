// Partition counts and compaction of the cluster's topics, for the scale-out planner's --bootstrap-server.
import type { LiveTopic } from '../analyzer/capacity/partitions.ts'
import type { KafkaAdminPort } from '../kafka/port.ts'

/** Every non-internal topic: one Metadata request and one DescribeConfigs request. */
export async function readTopicPartitions(port: KafkaAdminPort): Promise<LiveTopic[]> {
  const metadata = await port.metadata()
  const topics = metadata.topics.filter((t) => !t.internal).sort((a, b) => a.name.localeCompare(b.name))
  if (topics.length === 0) return []
  const configs = await port.describeConfigs(
    topics.map((t) => ({ type: 'topic' as const, name: t.name, keys: ['cleanup.policy'] })),
  )
  const policy = new Map(configs.map((c) => [c.name, c.configs['cleanup.policy'] ?? '']))
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.length,
    compacted: (policy.get(t.name) ?? '').includes('compact'),
  }))
}
