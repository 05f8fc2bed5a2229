// KEDA's own poll loop for a ScaledObject (keda-hpa-spec.md §2.3, RequestScale), without pause annotations,
// fallback or scaler errors (the simulator's lag is always readable). It only moves the count between zero
// (or idle) and the HPA's range; 1 ↔ N is the HPA's (hpa.ts).
//   active:   at 0 (or below min with idle set) → max(min, 1); lastActiveTime = now
//   inactive: above idle, or above 0 with min 0 → after cooldownPeriod since the last active poll (or, never
//             active, initialCooldownPeriod since creation) straight to idle/min, bypassing the HPA;
//             without idle and below min → min.
export interface KedaLoopSettings {
  minReplicaCount: number
  idleReplicaCount: number | undefined
  cooldownPeriod: number
  initialCooldownPeriod: number
}

export interface KedaLoopState {
  /** ms */
  createdAt: number
  lastActiveAt: number | null
}

export interface KedaLoopResult {
  /** The count KEDA writes, or null when it leaves the target alone. */
  replicas: number | null
  reason: string
  state: KedaLoopState
}

export function kedaRequestScale(
  active: boolean,
  current: number,
  s: KedaLoopSettings,
  state: KedaLoopState,
  now: number,
): KedaLoopResult {
  const min = s.minReplicaCount
  const idle = s.idleReplicaCount
  if (active) {
    const next = { ...state, lastActiveAt: now }
    if ((idle !== undefined && current < min) || current === 0) {
      return { replicas: min > 0 ? min : 1, reason: 'KedaActivated', state: next }
    }
    return { replicas: null, reason: 'KedaActive', state: next }
  }
  if ((idle !== undefined && current > idle) || (current > 0 && min === 0)) {
    const cooled =
      state.lastActiveAt === null
        ? state.createdAt + s.initialCooldownPeriod * 1000 < now
        : state.lastActiveAt + s.cooldownPeriod * 1000 < now
    if (cooled) return { replicas: idle ?? min, reason: 'KedaDeactivated', state }
    return { replicas: null, reason: 'KedaCooldown', state }
  }
  if (idle === undefined && current < min) return { replicas: min, reason: 'KedaMinReplicas', state }
  return { replicas: null, reason: 'KedaInactive', state }
}
