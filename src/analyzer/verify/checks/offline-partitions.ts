import type { CheckResult, VerifySnapshot } from '../types.ts'
import { listSome } from '../types.ts'

/** Offline: no leader (-1), so neither producers nor consumers can use the partition. */
export function offlinePartitions(snapshot: VerifySnapshot): CheckResult {
  const details = snapshot.metadata.topics.flatMap((t) =>
    t.partitions.filter((p) => p.leader < 0).map((p) => `${t.name}-${p.partition}`),
  )
  if (details.length > 0) {
    return {
      check: 'offline-partitions',
      status: 'fail',
      summary: `${details.length} partition(s) without a leader: ${listSome(details)}`,
      details,
    }
  }
  return { check: 'offline-partitions', status: 'pass', summary: 'every partition has a leader', details }
}
