// Scale to zero (or to idleReplicaCount) and back, with KEDA's semantics (spec §2.3): the group is active
// while its lag is above activationLagThreshold; an active group at zero/idle goes to at least
// max(minReplicaCount, 1) at once; an inactive one goes to zero/idle only once cooldownPeriod has passed since
// it was last active. One difference: KEDA scales a never-active object in at once (initialCooldownPeriod 0);
// here the cooldown of a scaler that has not seen activity counts from its first decision, so a restarted
// daemon, which has lost lastActiveAt, does not scale a group that was busy a minute ago straight to zero.
import type { ScalerConfig } from '../../config/schema.ts'
import type { ScalerState } from './types.ts'

type ZeroSettings = Pick<ScalerConfig, 'minReplicaCount' | 'idleReplicaCount' | 'cooldownPeriod'>

/** The lowest count while running (the HPA's minReplicas: at least 1). */
export function runningFloor(config: ZeroSettings): number {
  return Math.max(config.minReplicaCount, 1)
}

/** The count an inactive group rests at (idle, or 0 when min is 0); null when it cannot rest below min. */
export function restingCount(config: ZeroSettings): number | null {
  if (config.idleReplicaCount !== undefined) return config.idleReplicaCount
  return config.minReplicaCount === 0 ? 0 : null
}

/** At zero, or at idle below min: where activation has to lift it from. */
export function isResting(current: number, config: ZeroSettings): boolean {
  return current === 0 || (config.idleReplicaCount !== undefined && current < config.minReplicaCount)
}

/** When an inactive group may go to zero/idle. */
export function cooldownEndsAt(state: ScalerState, config: ZeroSettings): number {
  return (state.lastActiveAt ?? state.since) + config.cooldownPeriod * 1000
}
