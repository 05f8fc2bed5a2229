// Public surface of the scaling analyzer, for the daemon and the simulator.
export { decide } from './decide.ts'
export { lagViewFromSnapshot } from './from-snapshot.ts'
export { REASON_CODES, REASONS, type ReasonCode } from './reasons.ts'
export { initialScalerState } from './state.ts'
export type {
  DecideInput,
  DecideOutput,
  Decision,
  LagFigures,
  LagView,
  LagViewPartition,
  Limit,
  PolicyResult,
  ScalerState,
} from './types.ts'
