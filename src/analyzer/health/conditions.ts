// What is wrong right now, from one snapshot: the findings the health watch times with its for-duration.
// - UnderReplicatedPartitions: a partition whose ISR lacks one of its replicas (replicas being added by a
//   reassignment are not counted, as in Kafka's own UnderReplicatedPartitions metric);
// - OfflinePartitions: a partition without a leader;
// - BrokerFenced: a broker registered but fenced (only when the cluster reports fenced brokers);
// - BrokerOffline: a broker absent from the metadata that still holds replicas. A broker that holds nothing
//   is not an incident: after a downScale drains and unregisters it, it must not look offline forever.
import type { HealthCondition, HealthSnapshot } from './types.ts'

export interface Finding {
  key: string
  alertname: HealthCondition
  broker: number | null
  /** Partitions concerned (`topic-partition`), sorted; empty for broker findings without replicas listed. */
  partitions: string[]
  summary: string
}

function describe(partitions: string[], sample: number): string {
  const shown = partitions.slice(0, sample).join(', ')
  return partitions.length > sample ? `${shown}, … (${partitions.length} in all)` : shown
}

export function annotationsOf(finding: Finding, sample: number): Record<string, string> {
  return {
    summary: finding.summary,
    ...(finding.partitions.length > 0
      ? { partitions: describe(finding.partitions, sample), count: String(finding.partitions.length) }
      : {}),
  }
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

export function findings(snapshot: HealthSnapshot): Finding[] {
  const live = new Set(snapshot.brokers)
  const fenced = new Set(snapshot.fencedBrokers ?? [])
  const urp: string[] = []
  const offline: string[] = []
  const held = new Map<number, string[]>()
  for (const p of snapshot.partitions) {
    const name = `${p.topic}-${p.partition}`
    const adding = new Set(p.addingReplicas ?? [])
    const isr = new Set(p.isr)
    if (p.replicas.some((r) => !adding.has(r) && !isr.has(r))) urp.push(name)
    if (p.leader < 0) offline.push(name)
    for (const r of p.replicas) {
      if (live.has(r)) continue
      const list = held.get(r) ?? []
      list.push(name)
      held.set(r, list)
    }
  }
  const out: Finding[] = []
  if (urp.length > 0) {
    out.push({
      key: 'UnderReplicatedPartitions',
      alertname: 'UnderReplicatedPartitions',
      broker: null,
      partitions: urp.sort(byName),
      summary: `${urp.length} under-replicated partition${urp.length === 1 ? '' : 's'}`,
    })
  }
  if (offline.length > 0) {
    out.push({
      key: 'OfflinePartitions',
      alertname: 'OfflinePartitions',
      broker: null,
      partitions: offline.sort(byName),
      summary: `${offline.length} partition${offline.length === 1 ? '' : 's'} without a leader`,
    })
  }
  for (const id of [...fenced].sort((a, b) => a - b)) {
    const partitions = (held.get(id) ?? []).sort(byName)
    out.push({
      key: `BrokerFenced/${id}`,
      alertname: 'BrokerFenced',
      broker: id,
      partitions,
      summary: `broker ${id} is fenced${partitions.length > 0 ? ` and holds ${partitions.length} replicas` : ''}`,
    })
  }
  for (const [id, list] of [...held].sort((a, b) => a[0] - b[0])) {
    if (fenced.has(id)) continue
    const partitions = list.sort(byName)
    out.push({
      key: `BrokerOffline/${id}`,
      alertname: 'BrokerOffline',
      broker: id,
      partitions,
      summary: `broker ${id} is not in the cluster metadata and holds ${partitions.length} replica${partitions.length === 1 ? '' : 's'}`,
    })
  }
  return out
}
