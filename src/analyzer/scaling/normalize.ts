// The HPA normalisation of a proposal for a running group (spec §3.2, §3.5): out-of-range counts go straight
// to min/max; otherwise stabilization, then rate policies and bounds, then (when an even partition spread is
// asked for) a step back to an even count. Each step that changes the count adds a Limit.
import type { ScalerConfig } from '../../config/schema.ts'
import { snapToEven } from './partition-cap.ts'
import { applyRateLimits, type Bounds } from './rate-limit.ts'
import { stabilize } from './stabilization.ts'
import type { Limit, ScaleEvent, TimedValue } from './types.ts'

export interface NormalizeInput {
  proposal: number
  current: number
  recommendations: readonly TimedValue[]
  scaleEvents: readonly ScaleEvent[]
  config: ScalerConfig
  bounds: Bounds
  partitions: number
  now: number
}

export function normalize(input: NormalizeInput, limits: Limit[]): number {
  const { current, config, bounds, now } = input
  if (current > bounds.max) {
    limits.push({
      reason: 'TooManyReplicas',
      from: current,
      to: bounds.max,
      detail: `maxReplicaCount is ${bounds.max}`,
    })
    return bounds.max
  }
  if (current < bounds.min) {
    limits.push({
      reason: 'TooFewReplicas',
      from: current,
      to: bounds.min,
      detail: `minReplicaCount is ${bounds.min}`,
    })
    return bounds.min
  }
  const stabilized = stabilize(input.proposal, current, input.recommendations, config.behavior, now)
  if (stabilized.limit) limits.push(stabilized.limit)
  const limited = applyRateLimits(
    stabilized.replicas,
    current,
    input.scaleEvents,
    config.behavior,
    bounds,
    now,
  )
  if (limited.limit) limits.push(limited.limit)
  const mode = config.trigger.metadata.partitionDistribution
  const even = snapToEven(limited.replicas, current, input.partitions, mode)
  if (even !== limited.replicas) {
    limits.push({
      reason: 'EvenDistribution',
      from: limited.replicas,
      to: even,
      detail: `${limited.replicas} consumers on ${input.partitions} partitions is not ${mode === 'divisor' ? 'a divisor' : 'balanced'}`,
    })
  }
  return even
}
