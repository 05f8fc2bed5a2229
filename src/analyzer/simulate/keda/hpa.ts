// The HPA that KEDA generates, as keda-hpa-spec.md §3 describes it: one External metric with an AverageValue
// target of lagThreshold and no `behavior`, so the controller takes its legacy path (§3.6):
//   reconcile (§3.2): spec 0 with minReplicas ≥ 1 → ScalingDisabled; above max → max; below min → min; else
//   proposal (§3.3): r = U / (T × status replicas); within tolerance → status replicas, else ceil(U / T);
//   legacy normalisation (§3.6): the highest recommendation of the last 300 s (the proposal included), then
//   clamp to [min, min(max, max(2 × current, 4))] — no event history, so 1 → 4 → 8 → 16.
// On first sight the current count is recorded as a recommendation (§3.1). Why not decide(): autopilot always
// applies HPA behaviour rules (default Pods 4 / Percent 100 per 15 s: 1 → 5 → 10), stabilises relative to the
// current count, and has no tolerance stall at the partition cap; the baseline must keep all of that.
import type { TimedValue } from '../../scaling/types.ts'

export interface HpaSettings {
  minReplicas: number
  maxReplicas: number
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance: number
  /** --horizontal-pod-autoscaler-downscale-stabilization (300 s). */
  downscaleStabilizationSeconds: number
}

/** The controller's in-memory recommendations for this HPA; null before it first saw it. */
export type HpaMemory = TimedValue[] | null

export interface HpaInput {
  /** U: the metric value (KEDA's capped lag). */
  metric: number
  /** T: the AverageValue target (lagThreshold). */
  target: number
  specReplicas: number
  statusReplicas: number
  settings: HpaSettings
  memory: HpaMemory
  /** ms */
  now: number
}

export interface HpaResult {
  desired: number
  /** HPA condition reason: ScalingDisabled, TooManyReplicas, TooFewReplicas, ScaleUpLimit, ScaleDownStabilized, … */
  reason: string
  proposal: number | null
  memory: HpaMemory
}

export const SCALE_UP_LIMIT_FACTOR = 2
export const SCALE_UP_LIMIT_MINIMUM = 4

export function hpaReconcile(input: HpaInput): HpaResult {
  const { specReplicas: current, settings: s, now } = input
  const memory: TimedValue[] = input.memory ?? [{ at: now, replicas: current }]
  if (current === 0 && s.minReplicas !== 0) {
    return { desired: 0, reason: 'ScalingDisabled', proposal: null, memory }
  }
  if (current > s.maxReplicas)
    return { desired: s.maxReplicas, reason: 'TooManyReplicas', proposal: null, memory }
  if (current < s.minReplicas)
    return { desired: s.minReplicas, reason: 'TooFewReplicas', proposal: null, memory }

  // §3.3 AverageValue, against status replicas.
  const S = input.statusReplicas
  const ratio = input.metric / (input.target * S)
  const proposal = Math.abs(1 - ratio) <= s.tolerance ? S : Math.ceil(input.metric / input.target)

  // §3.6 legacy stabilisation: max over recommendations not older than the window; the new one replaces an
  // entry older than the window if there is one, else is appended.
  const cutoff = now - s.downscaleStabilizationSeconds * 1000
  let stabilized = proposal
  let oldIndex = -1
  for (const [i, r] of memory.entries()) {
    if (r.at < cutoff) oldIndex = i
    else if (r.replicas > stabilized) stabilized = r.replicas
  }
  const next = [...memory]
  if (oldIndex >= 0) next[oldIndex] = { at: now, replicas: proposal }
  else next.push({ at: now, replicas: proposal })

  const scaleUpLimit = Math.max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM)
  const maxAllowed = Math.min(s.maxReplicas, scaleUpLimit)
  const upReason = s.maxReplicas > scaleUpLimit ? 'ScaleUpLimit' : 'TooManyReplicas'
  let desired = stabilized
  let reason = stabilized !== proposal ? 'ScaleDownStabilized' : 'DesiredWithinRange'
  if (stabilized < s.minReplicas) {
    desired = s.minReplicas
    reason = 'TooFewReplicas'
  } else if (stabilized > maxAllowed) {
    desired = maxAllowed
    reason = upReason
  }
  return { desired, reason, proposal, memory: next }
}
