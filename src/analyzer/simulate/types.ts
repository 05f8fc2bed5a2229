// Plain data of the policy lab: traffic traces, the consumer-group model's parameters, what a run records and
// the figures it is judged by. Everything is JSON-serialisable and time is in seconds from the trace start.

/**
 * Records/s produced, as a step function: segment i runs from `times[i]` to `times[i + 1]` (the last one to
 * `end`). Either `total` (spread evenly over the partitions) or `perPartition` (one rate per partition) is set.
 */
export interface Trace {
  name: string
  times: number[]
  end: number
  total: number[] | null
  perPartition: number[][] | null
  /** What a recording saw at its row times (for calibration and the `fixed` policy); empty for profiles. */
  observed: ObservedRow[]
}

export interface ObservedRow {
  t: number
  replicas: number | null
  lag: number | null
  lagSeconds: number | null
}

export type GroupProtocol = 'classic' | 'consumer'

/** The consumer-group model. Defaults and how they were measured: params.ts. */
export interface ModelParams {
  partitions: number
  /** Records/s one replica consumes when it has work on every partition it owns. */
  throughputPerReplica: number
  /**
   * classic: the eager protocol, every membership change stops the whole group for rebalancePauseSeconds;
   * consumer (KIP-848): only the partitions that change owner stop, for movedPauseSeconds (group-protocol.ts).
   */
  groupProtocol: GroupProtocol
  /** Consumption stops group-wide for this long on every membership change (eager rebalance, classic). */
  rebalancePauseSeconds: number
  /** consumer protocol: a partition that changes owner waits this long for its new owner. */
  movedPauseSeconds: number
  /** From a replica being started to it joining the group (process start, connect). */
  startupSeconds: number
  /** Age of the lag a policy sees (how long a lag read takes). */
  metricDelaySeconds: number
  /**
   * Most records a member takes from one partition per turn (batch service, group.ts); 0: members share
   * their throughput over their partitions in proportion to what waits (fair).
   */
  fetchBatchRecords: number
  /** Consumers commit what they handled this often; policies see committed offsets. 0: continuously. */
  commitIntervalSeconds: number
  /** Simulation step. */
  stepSeconds: number
  /** The lag SLO the runs are judged by (seconds a record may wait). */
  sloSeconds: number
  /** Replicas at t = 0; null: as many as the first rate needs at the modelled throughput (at least 1). */
  initialReplicas: number | null
}

/** One sample of a run (every `sampleSeconds` of the run, and always the last step). */
export interface Sample {
  t: number
  /** Records/s produced (all partitions). */
  rate: number
  /** Records produced and not yet consumed. */
  lag: number
  /** Age of the oldest record not yet consumed (max over partitions). */
  lagSeconds: number
  /** Replicas running or starting (what costs). */
  replicas: number
}

export interface BurstDrain {
  /** The burst: an interval where the rate is above 1.5 × the trace's 25th-percentile rate. */
  from: number
  to: number
  /** Seconds from the burst's end until lag time is back at or below `drainedSeconds`; null: not before the next burst or the end. */
  drainSeconds: number | null
}

export interface RunMetrics {
  policy: string
  /** Seconds with lag time above the SLO. */
  secondsOverSlo: number
  maxLagRecords: number
  maxLagSeconds: number
  /** Σ replicas × seconds (replicas that are starting count). */
  replicaSeconds: number
  /** Changes of the replica count the policy made. */
  scaleEvents: number
  /** Group rebalances (membership changes at distinct times). */
  rebalances: number
  drains: BurstDrain[]
}

export interface RunResult {
  metrics: RunMetrics
  samples: Sample[]
  /** Why each change happened, when the policy says (decide()'s reason codes, KEDA/HPA steps). */
  events: ScaleRecord[]
}

export interface ScaleRecord {
  t: number
  from: number
  to: number
  reason: string
}
