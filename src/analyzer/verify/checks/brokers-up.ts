import type { CheckResult, VerifyOptions, VerifySnapshot } from '../types.ts'
import { listSome } from '../types.ts'

/**
 * Up = in the Metadata broker list. Down = named in some partition's replica list but not listed, or missing
 * to reach --brokers. Without --brokers, a new broker that holds no replica yet and is down goes unseen.
 */
export function brokersUp(snapshot: VerifySnapshot, options: VerifyOptions): CheckResult {
  const up = new Set(snapshot.metadata.brokers.map((b) => b.id))
  const referenced = new Set(snapshot.metadata.topics.flatMap((t) => t.partitions.flatMap((p) => p.replicas)))
  const down = [...referenced].filter((id) => !up.has(id)).sort((a, b) => a - b)
  const ids = [...up].sort((a, b) => a - b)
  const details = down.map((id) => `broker ${id} is down (holds replicas)`)
  if (options.expectedBrokers !== null && up.size < options.expectedBrokers) {
    details.push(`${up.size} of ${options.expectedBrokers} expected brokers are up`)
  }
  if (details.length > 0) {
    return { check: 'brokers-up', status: 'fail', summary: listSome(details, 3), details }
  }
  return {
    check: 'brokers-up',
    status: 'pass',
    summary: `${up.size} broker(s) up (${listSome(ids.map(String), 10)})`,
    details: [],
  }
}
