// Partition sizes for the planner from DescribeLogDirs answers: a partition's size is its largest replica
// (followers can lag; a future replica of an intra-broker move is a copy in progress and is ignored).
import type { LogDirDescription } from '../../kafka/port.ts'
import type { PartitionReplicas } from './types.ts'

export function sizesFromLogDirs(logDirs: readonly LogDirDescription[]): Map<string, number> {
  const sizes = new Map<string, number>()
  for (const dir of logDirs) {
    if (dir.error !== null) continue
    for (const p of dir.partitions) {
      if (p.isFuture) continue
      const key = `${p.topic}\u0000${p.partition}`
      sizes.set(key, Math.max(sizes.get(key) ?? 0, p.size))
    }
  }
  return sizes
}

/** The partitions with `bytes` set where DescribeLogDirs knew the partition; others are left as they are. */
export function withLogDirSizes(
  partitions: readonly PartitionReplicas[],
  logDirs: readonly LogDirDescription[],
): PartitionReplicas[] {
  const sizes = sizesFromLogDirs(logDirs)
  return partitions.map((p) => {
    const bytes = sizes.get(`${p.topic}\u0000${p.partition}`)
    return bytes === undefined ? p : { ...p, bytes }
  })
}
