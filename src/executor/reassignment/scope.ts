// What reassignment work Kafka holds right now, for recover, cancel and status: the ongoing reassignments and the
// replication throttle keys set on brokers and topics. Kafka configs carry no owner marker, so "ours" is
// decided by scope:
// - no partition filter: every ongoing reassignment, the throttle rates of every live broker and the throttle
//   replica lists of every topic (Autopilot treats replication throttles as its own: manual ones are cleared);
// - a scope (e.g. the last plan's `planned` journal event): the ongoing reassignments of its partitions, the
//   throttle lists of their topics and the rates of the brokers holding or gaining their replicas now, plus the
//   scope's own brokers (pass the plan's `from` ∪ `to`: after a move completes, Kafka no longer shows the brokers
//   that lost a replica).
import type { ClusterMetadata, KafkaAdminPort, TopicPartition } from '../../kafka/port.ts'
import { partitionKey } from './moves.ts'
import type { Ongoing } from './observe.ts'
import { scanThrottles } from './throttle-io.ts'
import type { ThrottleConfigs } from './throttles.ts'

export interface Found {
  metadata: ClusterMetadata
  ongoing: Ongoing[]
  throttles: ThrottleConfigs
}

export interface Scope {
  partitions: TopicPartition[]
  brokers?: number[]
}

export async function findWork(port: KafkaAdminPort, scope?: Scope): Promise<Found> {
  const [metadata, all] = await Promise.all([port.metadata(), port.listPartitionReassignments()])
  const live = metadata.brokers.map((b) => b.id)
  if (scope === undefined) {
    const topics = metadata.topics.filter((t) => !t.internal).map((t) => t.name)
    return { metadata, ongoing: all, throttles: await scanThrottles(port, live, topics) }
  }
  const wanted = new Set(scope.partitions.map(partitionKey))
  const ongoing = all.filter((r) => wanted.has(partitionKey(r)))
  const topics = new Set(scope.partitions.map((p) => p.topic))
  const brokers = new Set<number>(scope.brokers ?? [])
  for (const r of ongoing) for (const b of r.replicas) brokers.add(b)
  for (const t of metadata.topics) {
    if (!topics.has(t.name)) continue
    for (const p of t.partitions) {
      if (wanted.has(partitionKey({ topic: t.name, partition: p.partition })))
        for (const b of p.replicas) brokers.add(b)
    }
  }
  const existing = new Set(metadata.topics.map((t) => t.name))
  return {
    metadata,
    ongoing,
    throttles: await scanThrottles(
      port,
      live.filter((b) => brokers.has(b)),
      [...topics].filter((t) => existing.has(t)),
    ),
  }
}
