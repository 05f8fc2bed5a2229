// The HPA tolerance band (default ±10 %, per direction since KEP-4951): a proposal whose ratio to the
// current count is inside it keeps the current count, so noise does not cause churn.
import type { BehaviorConfig } from '../../config/schema.ts'

/**
 * True when x replicas' worth of work is close enough to `current` to keep it. Never at zero replicas, and
 * never when x reaches `cap`: at the cap the proposal is exactly the cap, and keeping current there is how
 * KEDA + HPA stall at 63 of 64 partitions (keda#2908).
 */
export function withinTolerance(
  x: number,
  current: number,
  behavior: BehaviorConfig,
  cap: number | null,
): boolean {
  if (current <= 0) return false
  if (cap !== null && x >= cap) return false
  const ratio = x / current
  return ratio >= 1 - behavior.scaleDown.tolerance && ratio <= 1 + behavior.scaleUp.tolerance
}
