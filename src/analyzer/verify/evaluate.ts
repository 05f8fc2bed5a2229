// Runs every verify check over one snapshot. Pure: the CLI gathers the snapshot, this decides.
import { brokersUp } from './checks/brokers-up.ts'
import { consumerLag } from './checks/consumer-lag.ts'
import { firingAlerts } from './checks/firing-alerts.ts'
import { offlinePartitions } from './checks/offline-partitions.ts'
import { underReplicated } from './checks/under-replicated.ts'
import type { CheckResult, VerifyOptions, VerifySnapshot } from './types.ts'

export function evaluateChecks(snapshot: VerifySnapshot, options: VerifyOptions): CheckResult[] {
  return [
    brokersUp(snapshot, options),
    underReplicated(snapshot),
    offlinePartitions(snapshot),
    consumerLag(snapshot, options),
    firingAlerts(snapshot, options),
  ]
}

/** Verify passes when no check fails; a skipped check (not asked for) does not fail it. */
export function verifyPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'fail')
}
