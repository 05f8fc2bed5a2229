// Public types of the reassignment executor: the plan it takes (Kafka's reassignment JSON, as written by the
// planner in src/analyzer/rebalance and by kafka-reassign-partitions), the moves it derives from it, progress
// snapshots, the result and the limits. Journal events are in events.ts.
import type { TopicPartition } from '../../kafka/port.ts'

/** Kafka's reassignment file: `{"version":1,"partitions":[{"topic","partition","replicas"}]}`. */
export interface ReassignmentPlan {
  version: 1
  partitions: Array<{ topic: string; partition: number; replicas: number[] }>
}

/**
 * How a partition changes:
 * - `copy`: at least one broker gains a replica, so data is copied (throttled, counted against the limits);
 * - `metadata`: no broker gains a replica (replica order or a smaller set): nothing to copy, Kafka applies it at
 *   once; counted against the global limit only;
 * - `noop`: the partition already has the target replicas, in that order: nothing is submitted.
 */
export type MoveKind = 'copy' | 'metadata' | 'noop'

export interface Move extends TopicPartition {
  /** Replicas when the move was planned (the revert target: Kafka restores these on cancel). */
  from: number[]
  /** Target replicas; the first one is the preferred leader. */
  to: number[]
  /** Brokers gaining a replica (to − from) and losing one (from − to). */
  adding: number[]
  removing: number[]
  kind: MoveKind
  /** Bytes of the partition (largest replica in DescribeLogDirs) when known; copied once per adding broker. */
  sizeBytes: number | null
}

/**
 * - `pending`: not submitted yet; `in-flight`: submitted, Kafka is copying or the new replicas are not all in
 *   the ISR yet; `done`: at the target replicas with every one in the ISR;
 * - `reverted`: cancelled in Kafka (back at `from`); `rejected`: Kafka refused it; `diverged`: someone else
 *   changed or cancelled the partition while it was in flight; `skipped`: never submitted (the run stopped).
 */
export type MoveState = 'pending' | 'in-flight' | 'done' | 'reverted' | 'rejected' | 'diverged' | 'skipped'

export interface MoveProgress extends TopicPartition {
  from: number[]
  to: number[]
  kind: MoveKind
  state: MoveState
  /** Bytes to copy (size × adding brokers) and copied so far, when sizes are known. */
  bytes: { total: number; copied: number } | null
  /** Kafka's error for a rejected move. */
  error?: string
}

export type ExecutionState = 'running' | 'cancelling' | 'completed' | 'cancelled' | 'failed'

export interface ProgressCounts {
  total: number
  pending: number
  inFlight: number
  done: number
  /** reverted + rejected + diverged + skipped */
  notMoved: number
}

export interface ProgressSnapshot {
  executionId: string
  state: ExecutionState
  /** ms since epoch of this snapshot */
  at: number
  startedAt: number
  counts: ProgressCounts
  /** Summed over copy moves when every one has a size; null otherwise. */
  bytes: { total: number; copied: number } | null
  /** Remaining time estimated from the rate so far (bytes when known, else moves); null until computable. */
  etaMs: number | null
  moves: MoveProgress[]
}

/** The step a failure happened in; see docs/rebalancing.md for what each leaves behind. */
export type Step =
  | 'set-throttles'
  | 'submit'
  | 'poll'
  | 'timeout'
  | 'revert'
  | 'clear-throttles'
  | 'elect-leaders'
  | 'journal'

/**
 * What a failed or cancelled run left in the cluster:
 * - `unchanged`: no move completed, nothing in flight (every partition at its original replicas);
 * - `partly-moved`: some moves completed (at their targets, fully replicated), the rest at their originals;
 * - `moved`: every move completed (the run failed afterwards, e.g. clearing throttles);
 * - `in-flight-left`: moves could not be reverted (Kafka unreachable); throttles were left so they stay
 *   throttled; `recover()` finishes or cancels them and clears the throttles.
 */
export type Outcome = 'unchanged' | 'partly-moved' | 'moved' | 'in-flight-left'

export interface ExecutionError {
  step: Step
  code: string
  message: string
}

export interface ElectionSummary {
  elected: TopicPartition[]
  notNeeded: TopicPartition[]
  failed: Array<TopicPartition & { error: string }>
}

export interface ExecutionResult {
  executionId: string
  state: 'completed' | 'cancelled' | 'failed'
  /** For cancelled and failed runs. */
  outcome: Outcome | null
  /** Why the run was cancelled: cancel() (requested), the AbortSignal (aborted), someone else (external). */
  cancelReason: 'requested' | 'aborted' | 'external' | null
  error: ExecutionError | null
  /** Non-fatal problems: leader election failures, throttles not confirmed, journal write errors. */
  warnings: string[]
  election: ElectionSummary | null
  throttles: { set: boolean; cleared: boolean }
  progress: ProgressSnapshot
}

export interface Limits {
  /** Copy moves at once that gain or lose a replica on one broker (default 5). */
  maxMovesPerBroker: number
  /** Moves in flight at once in the whole cluster (default 50). */
  maxMoves: number
}
