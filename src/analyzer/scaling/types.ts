// Plain data in and out of the scaling decision. `decide()` (decide.ts) is the one entry point; the daemon
// and the trace simulator both call it, so everything it needs is in DecideInput and everything it remembers
// is in ScalerState. All of it is JSON-serialisable: a decision can be journaled and a state persisted.
import type { ScalerConfig } from '../../config/schema.ts'
import type { ReasonCode } from './reasons.ts'

/** One partition of the scaled group, as the lag monitor saw it. */
export interface LagViewPartition {
  topic: string
  partition: number
  /** The group's committed offset; null when it has none (then offsetResetPolicy decides the lag). */
  committedOffset: number | null
  /**
   * Records the group still has to consume here, never negative, already clamped to the log start and net of
   * transaction markers; null when the partition's offsets could not be read. Ignored without a commit.
   */
  lag: number | null
  /** Records a consumer starting from `earliest` would read (log end − log start); null when unknown. */
  retainedRecords: number | null
}

/**
 * The lag of one consumer group, small enough to build from any source (see from-snapshot.ts for the lag
 * monitor's snapshot; the simulator builds it from traces).
 */
export interface LagView {
  /** false when the group's offsets could not be read at all this round (brokers, coordinator). */
  readable: boolean
  /** Why it was not readable. */
  error?: string
  partitions: LagViewPartition[]
  /** Records/s appended to these partitions since the previous read; null when unknown. */
  productionRate: number | null
  /** Records/s the group's committed offsets advanced since the previous read; null when unknown. */
  consumptionRate: number | null
  /** Age (s) of the oldest record not yet consumed, over these partitions; null when unknown. */
  lagSeconds: number | null
}

export interface TimedValue {
  /** ms since epoch */
  at: number
  replicas: number
}

export interface ScaleEvent {
  /** ms since epoch */
  at: number
  /** Replicas added (> 0) or removed (< 0). */
  delta: number
}

export interface CommitMark {
  offset: number
  /** When this committed offset was first seen (ms). */
  since: number
}

export interface ThroughputEstimate {
  /** Records/s one busy replica consumes (exponentially weighted moving average). */
  perReplica: number
  /** Busy intervals learned from. */
  samples: number
  /** Time of the last update (ms). */
  at: number
}

/** Consumption accumulated over clean intervals (throughput.ts). */
export interface ConsumptionTally {
  /** Records committed. */
  records: number
  /** Σ consumers × seconds (consumers = replicas, at most one per partition). */
  replicaSeconds: number
  seconds: number
}

/** The throughput measurement in progress. */
export interface ThroughputWindow {
  /** The previous readable evaluation: time, sum of committed offsets, partitions with a commit, busy. */
  last: { at: number; committed: number; partitions: number; busy: boolean; lag?: number }
  /** Intervals in which every consumer had work: these measure capacity. */
  busy: ConsumptionTally
  /** Other intervals: what replicas did is a lower bound on what they can do. */
  idle: ConsumptionTally
}

/** What one scaler remembers between decisions. Passed in and returned; never kept anywhere else. */
export interface ScalerState {
  /** Time of the first decision; a never-active scaler's cooldown counts from here. */
  since: number
  /** Last evaluation that found the group active (lag above activationLagThreshold). */
  lastActiveAt: number | null
  /** Consecutive evaluations that could not read the lag. */
  failures: number
  /** Unstabilised proposals, oldest first (HPA recommendation history). */
  recommendations: TimedValue[]
  /** Replica changes decided, oldest first (HPA scale-event history, for rate policies). */
  scaleEvents: ScaleEvent[]
  /** Per `topic/partition`: committed offset and since when it has not moved (excludePersistentLag). */
  commits: Record<string, CommitMark>
  /** The count the last decision asked for; a different `current` next time means someone else scaled. */
  lastDesired: number | null
  /** Last time the replica count changed (decided or observed), for the throughput warm-up. */
  lastScaleAt: number | null
  /** The consumption measurement in progress. */
  window: ThroughputWindow | null
  /** Learned per-replica consumption; null until a busy interval was seen. */
  throughput: ThroughputEstimate | null
}

export interface DecideInput {
  view: LagView
  /** Replicas the target runs now (its spec/desired count). */
  current: number
  state: ScalerState
  config: ScalerConfig
  /** ms since epoch */
  now: number
}

/** The lag figures the decision used. */
export interface LagFigures {
  /** Sum of per-partition lag that drives scaling (after persistent-lag exclusion). */
  totalLag: number
  /** Sum used for activation (persistent lag included). */
  activationLag: number
  partitions: number
  partitionsWithLag: number
  /** Partitions whose lag is unknown; when any, the decision never scales down. */
  unknownPartitions: number
  /** Partitions excluded as persistent (stuck) lag. */
  persistentPartitions: number
}

export type PolicyResult =
  | {
      type: 'lag'
      /** Replicas the lag asks for, before any rounding: totalLag / lagThreshold. */
      replicas: number
      lagThreshold: number
    }
  | {
      type: 'slo'
      /** Replicas the SLO asks for, before any rounding. */
      replicas: number
      /**
       * learned: throughput learned from busy intervals; initial: initialThroughputPerReplica; bootstrap:
       * no throughput known yet, so hold, or grow in proportion to how far lag time exceeds maxLagSeconds.
       */
      mode: 'learned' | 'initial' | 'bootstrap'
      /** Records/s arriving (production rate; the consumption rate when production is unknown). */
      arrivalRate: number | null
      backlog: number
      /** Lag in seconds used by the bootstrap (the monitor's, or backlog / arrival rate). */
      lagSeconds: number | null
      maxLagSeconds: number
      /** Share of maxLagSeconds the plan lets lag time rise to before adding replicas. */
      lagBudget: number
      /** Which rule of the plan chose the count (slo-plan.ts). */
      step: 'settle' | 'drain' | 'budget' | 'keep-up' | 'hold'
      targetUtilization: number
      throughputPerReplica: number | null
    }

/** One step that moved the replica count, in the order applied. */
export interface Limit {
  reason: ReasonCode
  from: number
  to: number
  detail: string
}

export interface Decision {
  scaler: string
  at: number
  current: number
  desired: number
  /** What finally determined `desired` (the last limit applied, or DesiredWithinRange). */
  reason: ReasonCode
  message: string
  /** Lag above activationLagThreshold (KEDA "active"); null when lag could not be read. */
  active: boolean | null
  lag: LagFigures | null
  rates: { production: number | null; consumption: number | null; lagSeconds: number | null }
  policy: PolicyResult | null
  /** The count after tolerance, partition cap and distribution: what is stored as the recommendation. */
  proposal: number | null
  limits: Limit[]
}

export interface DecideOutput {
  decision: Decision
  nextState: ScalerState
}
