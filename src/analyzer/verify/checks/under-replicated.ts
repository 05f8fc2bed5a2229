import type { CheckResult, VerifySnapshot } from '../types.ts'
import { listSome } from '../types.ts'

/** A partition is under-replicated while its in-sync replica set is smaller than its replica set. */
export function underReplicated(snapshot: VerifySnapshot): CheckResult {
  const details: string[] = []
  let total = 0
  for (const topic of snapshot.metadata.topics) {
    for (const p of topic.partitions) {
      total++
      if (p.isr.length < p.replicas.length)
        details.push(`${topic.name}-${p.partition} (isr ${p.isr.length}/${p.replicas.length})`)
    }
  }
  if (details.length > 0) {
    return {
      check: 'under-replicated',
      status: 'fail',
      summary: `${details.length} partition(s): ${listSome(details)}`,
      details,
    }
  }
  return {
    check: 'under-replicated',
    status: 'pass',
    summary: `all ${total} partition(s) fully in sync`,
    details,
  }
}
