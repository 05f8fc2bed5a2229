// The empty memory of a scaler. The daemon keeps the ScalerState that decide() returns and passes it back on
// the next call; the simulator does the same with a trace. Nothing else holds scaling state.
import type { ScalerState } from './types.ts'

export function initialScalerState(now: number): ScalerState {
  return {
    since: now,
    lastActiveAt: null,
    failures: 0,
    recommendations: [],
    scaleEvents: [],
    commits: {},
    lastDesired: null,
    lastScaleAt: null,
    window: null,
    throughput: null,
  }
}
