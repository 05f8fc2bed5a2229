// Pure steps of `autopilot plan scale-out --apply-kafka`: which topics get more partitions (never fewer) given
// the live counts, and the rebalance planner's input built from live metadata. No I/O: metadata in, data out.
import type { RebalanceInput } from '../rebalance/types.ts'
import type { PartitionChange } from './partitions.ts'
import { globMatches } from './rules.ts'

export interface PartitionIncrease {
  topic: string
  /** Partitions in the cluster now. */
  from: number
  /** Total after the step. */
  to: number
}

export interface PartitionSkip {
  topic: string
  reason: 'not-in-cluster' | 'at-or-above-target'
  /** Live count (null when the topic is not in the cluster) and the plan's target. */
  live: number | null
  target: number
}

/** Topic metadata as far as these steps need it (a subset of src/kafka/port.ts TopicMetadata). */
export interface LiveTopicAssignment {
  name: string
  internal: boolean
  partitions: Array<{ partition: number; replicas: number[] }>
}

export interface LiveCluster {
  brokers: Array<{ id: number; rack: string | null }>
  topics: LiveTopicAssignment[]
}

/** Whether `topic` is in scope: every topic when no pattern is given, else any matching glob. */
export function inScope(topic: string, only: readonly string[]): boolean {
  return only.length === 0 || only.some((p) => globMatches(p, topic))
}

/**
 * The partition increases to make: topics the plan grows (to > from), in scope, that exist and have fewer live
 * partitions than the target. The target is the plan's `to`; a topic already at or above it is skipped.
 */
export function partitionIncreases(
  changes: readonly PartitionChange[],
  live: readonly LiveTopicAssignment[],
  only: readonly string[] = [],
): { increases: PartitionIncrease[]; skipped: PartitionSkip[] } {
  const increases: PartitionIncrease[] = []
  const skipped: PartitionSkip[] = []
  const seen = new Set<string>()
  for (const c of changes) {
    if (c.to <= c.from || !inScope(c.topic, only) || seen.has(c.topic)) continue
    seen.add(c.topic)
    const topic = live.find((t) => t.name === c.topic)
    if (topic === undefined) {
      skipped.push({ topic: c.topic, reason: 'not-in-cluster', live: null, target: c.to })
    } else if (topic.partitions.length >= c.to) {
      skipped.push({
        topic: c.topic,
        reason: 'at-or-above-target',
        live: topic.partitions.length,
        target: c.to,
      })
    } else {
      increases.push({ topic: c.topic, from: topic.partitions.length, to: c.to })
    }
  }
  return { increases, skipped }
}

/**
 * The rebalance planner's input: every live broker with its rack, and every replica of the non-internal topics in
 * scope (internal topics such as __consumer_offsets are left where they are), sorted by topic and partition.
 */
export function rebalanceInput(cluster: LiveCluster, only: readonly string[] = []): RebalanceInput {
  const partitions = cluster.topics
    .filter((t) => !t.internal && inScope(t.name, only))
    .flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partition, replicas: [...p.replicas] })),
    )
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
  const brokers = [...cluster.brokers]
    .sort((a, b) => a.id - b.id)
    .map((b) => ({ id: b.id, ...(b.rack ? { rack: b.rack } : {}) }))
  return { brokers, partitions }
}
