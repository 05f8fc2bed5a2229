// Which node plays which role on a local KRaft cluster, for tests that freeze one node on purpose.
import { readFileSync } from 'node:fs'
import type { StackNode } from '../../src/stack/types.ts'

/** The node that last became the KRaft quorum leader (the active controller), from the nodes' logs. */
export function activeController(nodes: readonly StackNode[]): number {
  let latest = ''
  let id = nodes[0]!.id
  for (const node of nodes) {
    const log = readFileSync(node.logFile, 'utf8')
    for (const m of log.matchAll(
      /^\[([^\]]+)\] INFO \[RaftManager id=(\d+)\] Completed transition to Leader/gm,
    )) {
      if (m[1]! > latest) {
        latest = m[1]!
        id = Number(m[2])
      }
    }
  }
  return id
}

/** The `__consumer_offsets` partition that holds a group (Kafka: abs(groupId.hashCode) % partitions). */
export function groupOffsetsPartition(groupId: string, partitions: number): number {
  let hash = 0
  for (let i = 0; i < groupId.length; i++) hash = (Math.imul(hash, 31) + groupId.charCodeAt(i)) | 0
  return (hash & 0x7fffffff) % partitions
}
