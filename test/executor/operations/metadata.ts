// Plain ClusterMetadata for the unit tests of the broker operations: brokers by id, partitions as replica
// lists (ISR = replicas unless given).
import type { ClusterMetadata } from '../../../src/kafka/port.ts'

export function metadata(
  brokers: number[],
  topics: Record<string, Array<number[] | { replicas: number[]; isr: number[] }>>,
): ClusterMetadata {
  return {
    clusterId: 'test',
    controllerId: brokers[0] ?? -1,
    brokers: brokers.map((id) => ({ id, host: '127.0.0.1', port: 9000 + id, rack: null })),
    topics: Object.entries(topics).map(([name, parts]) => ({
      name,
      id: name,
      internal: false,
      partitions: parts.map((p, partition) => {
        const { replicas, isr } = Array.isArray(p) ? { replicas: p, isr: p } : p
        return {
          partition,
          leader: isr[0] ?? -1,
          replicas: [...replicas],
          isr: [...isr],
          offlineReplicas: [],
        }
      }),
    })),
  }
}
