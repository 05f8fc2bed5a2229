// What to do when the lag cannot be read (brokers unreachable, coordinator errors, topic gone). KEDA's fallback
// (spec §2.5) with one rule on top: a read failure never takes a group to zero. Up to
// fallback.failureThreshold consecutive failures (or with no fallback block) the count is held; after that
// fallback.replicas applies per fallback.behavior, and a resulting 0 also means "hold". KEDA's other gap is
// closed too: the fallback count lifts a group that sits at zero (keda#7239).
import type { ScalerConfig } from '../../config/schema.ts'
import { runningFloor } from './activation.ts'

export interface FallbackTarget {
  replicas: number
  reason: 'FallbackHold' | 'FallbackReplicas'
  detail: string
}

export function fallbackTarget(current: number, failures: number, config: ScalerConfig): FallbackTarget {
  const fb = config.fallback
  if (fb === undefined) {
    return {
      replicas: current,
      reason: 'FallbackHold',
      detail: `holding ${current} (no fallback configured)`,
    }
  }
  if (failures <= fb.failureThreshold) {
    return {
      replicas: current,
      reason: 'FallbackHold',
      detail: `holding ${current} (failure ${failures} of ${fb.failureThreshold} tolerated)`,
    }
  }
  let replicas: number
  switch (fb.behavior) {
    case 'static':
      replicas = fb.replicas
      break
    case 'currentReplicas':
      replicas = current
      break
    case 'currentReplicasIfHigher':
      replicas = Math.max(current, fb.replicas)
      break
    case 'currentReplicasIfLower':
      replicas = Math.min(current, fb.replicas)
      break
  }
  if (replicas === 0) {
    return {
      replicas: current,
      reason: 'FallbackHold',
      detail: `holding ${current}: errors never scale to zero`,
    }
  }
  const bounded = Math.min(config.maxReplicaCount, Math.max(runningFloor(config), replicas))
  return {
    replicas: bounded,
    reason: 'FallbackReplicas',
    detail: `${failures} failures > failureThreshold ${fb.failureThreshold}: fallback ${fb.behavior} → ${bounded}`,
  }
}
