// Scaler memory (ScalerState) across restarts, and the one correction the daemon makes to it. decide()
// records a scale event and the count it asked for as if the change happened; when it did not (a follower,
// a dry run, a failed or aborted scale), the daemon takes those two fields back so that a change that never
// happened neither uses up the rate policies nor reads as "someone else scaled" on the next tick.
import { initialScalerState } from '../analyzer/scaling/state.ts'
import type { ScalerState } from '../analyzer/scaling/types.ts'
import type { Journal } from '../journal/journal.ts'

export function stateKey(scaler: string): string {
  return `scaler-state:${scaler}`
}

/** The saved state, or a fresh one when there is none or it does not have the expected shape. */
export function restoreState(
  journal: Journal,
  scaler: string,
  now: number,
): { state: ScalerState; restored: boolean; savedAt: number | null } {
  const saved = journal.loadState(stateKey(scaler))
  if (saved !== undefined && isScalerState(saved.value)) {
    return { state: saved.value, restored: true, savedAt: saved.at }
  }
  return { state: initialScalerState(now), restored: false, savedAt: null }
}

export function isScalerState(value: unknown): value is ScalerState {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x)
  const numOrNull = (x: unknown) => x === null || num(x)
  return (
    num(v.since) &&
    numOrNull(v.lastActiveAt) &&
    num(v.failures) &&
    Array.isArray(v.recommendations) &&
    v.recommendations.every(
      (r) => num((r as { at?: unknown })?.at) && num((r as { replicas?: unknown })?.replicas),
    ) &&
    Array.isArray(v.scaleEvents) &&
    v.scaleEvents.every((e) => num((e as { at?: unknown })?.at) && num((e as { delta?: unknown })?.delta)) &&
    typeof v.commits === 'object' &&
    v.commits !== null &&
    numOrNull(v.lastDesired) &&
    numOrNull(v.lastScaleAt) &&
    'window' in v &&
    'throughput' in v
  )
}

/** `next` as decide() returned it, for a change from `current` that did not happen. */
export function withoutScale(next: ScalerState, previous: ScalerState, current: number): ScalerState {
  // decide() also stamps lastScaleAt for the change; keep that only when the tick saw an outside change.
  const outsideChange = previous.lastDesired !== null && current !== previous.lastDesired
  return {
    ...next,
    scaleEvents: previous.scaleEvents,
    lastDesired: current,
    lastScaleAt: outsideChange ? next.lastScaleAt : previous.lastScaleAt,
  }
}
