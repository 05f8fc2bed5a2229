// Public surface of the reassignment executor (issue 4, self-healing): execute a plan in throttled batches,
// cancel, recover after a restart, status, and the pure helpers (verify, batching, throttle configs).
// Behaviour and semantics: docs/rebalancing.md.
export { brokersOf, DEFAULT_LIMITS, nextBatch } from './batching.ts'
export type { MoveSummary, ReassignmentEvent, ReassignmentEventKind, ReassignmentJournal } from './events.ts'
export { toJournalEntry } from './events.ts'
export { executePlan, type ReassignmentExecution } from './execute.ts'
export { buildMoves, movesFromOngoing } from './moves.ts'
export { type CommonOptions, DEFAULT_THROTTLE_BYTES_PER_SEC, type ExecuteOptions } from './options.ts'
export { parsePlan } from './plan-input.ts'
export { cancel, type RecoverOptions, type Recovery, recover } from './recover.ts'
export type { Scope } from './scope.ts'
export { type ReassignmentStatus, status } from './status.ts'
export {
  BROKER_THROTTLE_KEYS,
  type ThrottleConfigs,
  TOPIC_THROTTLE_KEYS,
  throttleConfigs,
} from './throttles.ts'
export type * from './types.ts'
export { type PartitionVerification, type Verification, type VerifyState, verify } from './verify.ts'
