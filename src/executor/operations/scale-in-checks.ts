// Pure decisions of scaleIn: which broker to drain when none is named, and whether draining the chosen ones
// is safe. Every refusal says why, in words an operator can act on.
import type { ClusterMetadata } from '../../kafka/port.ts'
import { brokerHealth, replicaCounts } from './health.ts'

export interface ScaleInFacts {
  metadata: ClusterMetadata
  /** Brokers the backend cannot remove (KRaft controllers of the local stack, the active controller). */
  protectedIds: number[]
  /** min.insync.replicas per topic, where known. */
  minIsr: Record<string, number>
  minBrokers?: number | undefined
}

/**
 * The least loaded removable broker: fewest replicas, then fewest preferred leaderships, then the highest id
 * (the newest). null when every live broker is protected.
 */
export function chooseBrokerToRemove(
  metadata: ClusterMetadata,
  protectedIds: readonly number[],
): number | null {
  const counts = replicaCounts(metadata)
  const candidates = metadata.brokers
    .map((b) => b.id)
    .filter((id) => !protectedIds.includes(id))
    .map((id) => ({ id, ...(counts.get(id) ?? { replicas: 0, leaders: 0 }) }))
    .sort((a, b) => a.replicas - b.replicas || a.leaders - b.leaders || b.id - a.id)
  return candidates[0]?.id ?? null
}

/** Why removing `ids` is refused, or null when it is safe. */
export function scaleInRefusal(ids: readonly number[], facts: ScaleInFacts): string | null {
  const { metadata } = facts
  const health = brokerHealth(metadata)
  const unknown = ids.filter((id) => !health.live.includes(id))
  if (unknown.length > 0)
    return `broker ${unknown.join(', ')} is not a live broker of the cluster (live: ${health.live.join(', ')})`
  const guarded = ids.filter((id) => facts.protectedIds.includes(id))
  if (guarded.length > 0) {
    return `broker ${guarded.join(', ')} cannot be removed: it is a KRaft controller (removing it would shrink the quorum)`
  }
  const down = [...health.offline, ...health.stalled]
  if (down.length > 0) {
    return `broker ${down.join(', ')} is offline or stalled: heal the cluster first (upScale), a drain now would lean on fewer copies`
  }
  const remaining = health.live.length - ids.length
  if (facts.minBrokers !== undefined && remaining < facts.minBrokers) {
    return `${remaining} brokers would remain, below minBrokers ${facts.minBrokers}`
  }
  let maxRf = { value: 0, topic: '' }
  for (const t of metadata.topics) {
    for (const p of t.partitions)
      if (p.replicas.length > maxRf.value) maxRf = { value: p.replicas.length, topic: t.name }
  }
  if (remaining < maxRf.value) {
    return `${remaining} brokers would remain, fewer than the replication factor ${maxRf.value} of topic ${maxRf.topic}`
  }
  for (const [topic, minIsr] of Object.entries(facts.minIsr)) {
    if (remaining < minIsr) {
      return `${remaining} brokers would remain, fewer than min.insync.replicas ${minIsr} of topic ${topic}: acks=all writes would stop`
    }
  }
  return null
}

/** Partitions with a replica on one of `ids`. */
export function holding(m: ClusterMetadata, ids: readonly number[]): number {
  let n = 0
  for (const t of m.topics) for (const p of t.partitions) if (p.replicas.some((r) => ids.includes(r))) n++
  return n
}
