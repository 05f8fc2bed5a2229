// Pure: what the metadata says about broker health. A broker is `offline` when partitions name it as a
// replica but it is not registered (fenced by the controller after broker.session.timeout.ms, or gone), or
// Kafka lists it among a partition's offline replicas; `stalled` when it is still registered but out of the
// ISR of every partition it holds (a frozen process before the controller fences it).
import type { ClusterMetadata, TopicPartition } from '../../kafka/port.ts'

export interface BrokerHealth {
  live: number[]
  offline: number[]
  stalled: number[]
}

export function brokerHealth(metadata: ClusterMetadata): BrokerHealth {
  const live = new Set(metadata.brokers.map((b) => b.id))
  const offline = new Set<number>()
  const held = new Map<number, { total: number; outOfIsr: number }>()
  for (const t of metadata.topics) {
    for (const p of t.partitions) {
      for (const id of p.offlineReplicas) offline.add(id)
      for (const id of p.replicas) {
        if (!live.has(id)) offline.add(id)
        const h = held.get(id) ?? { total: 0, outOfIsr: 0 }
        h.total++
        if (!p.isr.includes(id)) h.outOfIsr++
        held.set(id, h)
      }
    }
  }
  const stalled = [...held]
    .filter(([id, h]) => live.has(id) && !offline.has(id) && h.total > 0 && h.outOfIsr === h.total)
    .map(([id]) => id)
  const sort = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b)
  return { live: sort(live), offline: sort(offline), stalled: sort(stalled) }
}

export interface UnderReplicated extends TopicPartition {
  replicas: number[]
  isr: number[]
}

/** Partitions whose ISR is smaller than their replica set (optionally only those listed). */
export function underReplicated(
  metadata: ClusterMetadata,
  only?: ReadonlyArray<TopicPartition>,
): UnderReplicated[] {
  const wanted = only ? new Set(only.map((p) => `${p.topic}\u0000${p.partition}`)) : null
  const out: UnderReplicated[] = []
  for (const t of metadata.topics) {
    for (const p of t.partitions) {
      if (wanted && !wanted.has(`${t.name}\u0000${p.partition}`)) continue
      if (p.isr.length < p.replicas.length)
        out.push({ topic: t.name, partition: p.partition, replicas: [...p.replicas], isr: [...p.isr] })
    }
  }
  return out
}

/** Replicas and preferred leaderships per broker. */
export function replicaCounts(metadata: ClusterMetadata): Map<number, { replicas: number; leaders: number }> {
  const counts = new Map<number, { replicas: number; leaders: number }>()
  for (const b of metadata.brokers) counts.set(b.id, { replicas: 0, leaders: 0 })
  for (const t of metadata.topics) {
    for (const p of t.partitions) {
      p.replicas.forEach((id, i) => {
        const c = counts.get(id) ?? { replicas: 0, leaders: 0 }
        c.replicas++
        if (i === 0) c.leaders++
        counts.set(id, c)
      })
    }
  }
  return counts
}
