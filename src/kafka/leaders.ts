// Pure helpers to batch per-partition work by partition leader (or any node), so that a call costs a constant
// number of requests per broker whatever the number of partitions.
import type { TopicMetadata, TopicPartition } from './port.ts'

export interface LeaderGrouping<T extends TopicPartition> {
  byLeader: Map<number, T[]>
  /** Items that cannot be sent anywhere, with the Kafka-style reason. */
  unroutable: Array<{ item: T; error: string }>
}

export function groupByLeader<T extends TopicPartition>(
  items: T[],
  lookup: (topic: string) => TopicMetadata | null | undefined,
): LeaderGrouping<T> {
  const byLeader = new Map<number, T[]>()
  const unroutable: Array<{ item: T; error: string }> = []
  for (const item of items) {
    const topic = lookup(item.topic)
    const partition = topic?.partitions.find((p) => p.partition === item.partition)
    if (!topic || !partition) {
      unroutable.push({ item, error: 'UNKNOWN_TOPIC_OR_PARTITION' })
      continue
    }
    if (partition.leader < 0) {
      unroutable.push({ item, error: 'LEADER_NOT_AVAILABLE' })
      continue
    }
    const list = byLeader.get(partition.leader)
    if (list) list.push(item)
    else byLeader.set(partition.leader, [item])
  }
  return { byLeader, unroutable }
}

/** Groups items by topic, keeping first-seen order: the `[{ name, partitions }]` shape most requests take. */
export function byTopic<T extends TopicPartition>(items: T[]): Array<{ name: string; items: T[] }> {
  const map = new Map<string, T[]>()
  for (const item of items) {
    const list = map.get(item.topic)
    if (list) list.push(item)
    else map.set(item.topic, [item])
  }
  return [...map.entries()].map(([name, list]) => ({ name, items: list }))
}

export function partitionKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`
}

/** Unique items by topic-partition (first wins), for requests where the broker rejects duplicates. */
export function uniquePartitions<T extends TopicPartition>(items: T[]): T[] {
  const seen = new Set<string>()
  return items.filter((item) => {
    const key = partitionKey(item)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Kafka errors after which a fresh Metadata answer may route the partition correctly. */
export const STALE_METADATA_ERRORS = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'UNKNOWN_TOPIC_ID',
  'REPLICA_NOT_AVAILABLE',
])
