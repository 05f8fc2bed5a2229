// HPA stabilization windows over the recommendation history (spec §3.5): scale up only to the lowest
// recommendation seen in the scale-up window, down only to the highest seen in the scale-down window. With
// the defaults (up 0 s, down 300 s) scale-up is immediate and scale-down waits for 5 minutes of lower
// recommendations, so a short lull does not remove consumers (each removal costs a group rebalance).
import type { BehaviorConfig } from '../../config/schema.ts'
import type { Limit, TimedValue } from './types.ts'

export interface Stabilized {
  replicas: number
  limit: Limit | null
}

export function stabilize(
  proposal: number,
  current: number,
  history: readonly TimedValue[],
  behavior: BehaviorConfig,
  now: number,
): Stabilized {
  const upFrom = now - behavior.scaleUp.stabilizationWindowSeconds * 1000
  const downFrom = now - behavior.scaleDown.stabilizationWindowSeconds * 1000
  let upFloor = proposal
  let downCeiling = proposal
  for (const r of history) {
    if (r.at > upFrom) upFloor = Math.min(upFloor, r.replicas)
    if (r.at > downFrom) downCeiling = Math.max(downCeiling, r.replicas)
  }
  let replicas = current
  if (replicas < upFloor) replicas = upFloor
  if (replicas > downCeiling) replicas = downCeiling
  if (replicas === proposal) return { replicas, limit: null }
  const up = proposal > current
  const window = up
    ? behavior.scaleUp.stabilizationWindowSeconds
    : behavior.scaleDown.stabilizationWindowSeconds
  return {
    replicas,
    limit: {
      reason: up ? 'ScaleUpStabilized' : 'ScaleDownStabilized',
      from: proposal,
      to: replicas,
      detail: `${up ? 'lowest' : 'highest'} recommendation in the last ${window}s is ${replicas}`,
    },
  }
}

/** The history with this proposal added and entries older than both windows dropped. */
export function recordRecommendation(
  history: readonly TimedValue[],
  proposal: number,
  behavior: BehaviorConfig,
  now: number,
): TimedValue[] {
  const keepMs =
    Math.max(behavior.scaleUp.stabilizationWindowSeconds, behavior.scaleDown.stabilizationWindowSeconds) *
    1000
  return [...history.filter((r) => r.at > now - keepMs), { at: now, replicas: proposal }]
}
