// Pure: which partitions of a plan have reached their target replicas (same brokers, same order, so the
// preferred leader is the planned one) with every target replica in the ISR. Optionally told what Kafka is still
// reassigning, to say "moving" rather than "not started".
import type { ClusterMetadata, TopicPartition } from '../../kafka/port.ts'
import { partitionKey, sameList } from './moves.ts'
import type { ReassignmentPlan } from './types.ts'

/**
 * - `done`: replicas equal the target and all are in the ISR;
 * - `catching-up`: replicas equal the target, some target replica is not in the ISR yet;
 * - `moving`: Kafka lists an ongoing reassignment for the partition;
 * - `not-at-target`: different replicas (or order) and nothing ongoing: not started, reverted or changed since;
 * - `missing`: the topic or partition does not exist.
 */
export type VerifyState = 'done' | 'catching-up' | 'moving' | 'not-at-target' | 'missing'

export interface PartitionVerification extends TopicPartition {
  target: number[]
  replicas: number[] | null
  /** Target replicas not in the ISR. */
  outOfSync: number[]
  state: VerifyState
}

export interface Verification {
  /** Every partition done. */
  complete: boolean
  done: number
  pending: number
  partitions: PartitionVerification[]
}

export function verify(
  plan: ReassignmentPlan,
  metadata: ClusterMetadata,
  ongoing: readonly TopicPartition[] = [],
): Verification {
  const topics = new Map(metadata.topics.map((t) => [t.name, t]))
  const moving = new Set(ongoing.map(partitionKey))
  const partitions = plan.partitions.map((p): PartitionVerification => {
    const current = topics.get(p.topic)?.partitions.find((x) => x.partition === p.partition)
    const base = { topic: p.topic, partition: p.partition, target: [...p.replicas] }
    if (!current) return { ...base, replicas: null, outOfSync: [...p.replicas], state: 'missing' }
    const outOfSync = p.replicas.filter((b) => !current.isr.includes(b))
    const replicas = [...current.replicas]
    if (moving.has(partitionKey(p))) return { ...base, replicas, outOfSync, state: 'moving' }
    if (!sameList(current.replicas, p.replicas))
      return { ...base, replicas, outOfSync, state: 'not-at-target' }
    return { ...base, replicas, outOfSync, state: outOfSync.length === 0 ? 'done' : 'catching-up' }
  })
  const done = partitions.filter((p) => p.state === 'done').length
  return { complete: done === partitions.length, done, pending: partitions.length - done, partitions }
}
