// Learns how many records/s one replica consumes, from the group's committed offsets, for the slo policy.
//
// Each evaluation closes an interval since the previous one. An interval is "clean" when the partition set
// did not change, offsets did not go back (reset), replicas were running, and it started at least
// warmupSeconds after the last replica change (the group rebalances and consumes little meanwhile). Clean
// intervals are tallied as records committed over consumer-seconds (replicas × seconds, at most one consumer
// per partition), so a window may span several replica counts. Two tallies:
// - busy: both ends found every partition committed, lagging and not stuck. Only then were all consumers
//   working flat out, so only these measure capacity. Idle time would otherwise drag the estimate down and
//   make the policy ask for ever more replicas.
// - idle: the rest. What replicas did is a lower bound on what they can do: it may raise the estimate,
//   never lower it.
// A tally becomes a sample once it covers throughputSampleSeconds (commits arrive in bursts, every
// auto.commit.interval.ms, so a single 5 s interval can see 0 or twice the real rate). Busy samples feed an
// exponentially weighted moving average whose half-life is in seconds, so a sample's weight does not depend
// on the polling interval. A busy tally with nothing committed is a stuck group, not a throughput: dropped.
import type { ConsumptionTally, LagViewPartition, ThroughputEstimate, ThroughputWindow } from './types.ts'

export interface ThroughputSettings {
  throughputHalfLifeSeconds: number
  throughputSampleSeconds: number
  warmupSeconds: number
  /** Lag time (total lag ÷ production rate) from which the group counts as saturated; unset: any lag. */
  busyLagSeconds?: number
}

export interface LearnInput {
  window: ThroughputWindow | null
  estimate: ThroughputEstimate | null
  partitions: readonly LagViewPartition[]
  /** Every partition committed, lagging and not stuck now (MeasuredLag.busy). */
  busy: boolean
  /** Total lag now and the production rate, for settings.busyLagSeconds. */
  totalLag?: number
  productionRate?: number | null
  /** Replicas that ran during the interval that ends now. */
  current: number
  lastScaleAt: number | null
  now: number
  settings: ThroughputSettings
}

export interface Learned {
  window: ThroughputWindow
  estimate: ThroughputEstimate | null
  /** Per-replica rate of a tally that became a sample now (for the journal), else null. */
  sample: number | null
}

const EMPTY: ConsumptionTally = { records: 0, replicaSeconds: 0, seconds: 0 }

/** Moves the average toward `sample` by the weight of the time elapsed since its last update. */
export function ewma(
  previous: ThroughputEstimate | null,
  sample: number,
  now: number,
  halfLifeSeconds: number,
): ThroughputEstimate {
  if (previous === null) return { perReplica: sample, samples: 1, at: now }
  const elapsed = Math.max(0, now - previous.at) / 1000
  const weight = 1 - 2 ** (-elapsed / halfLifeSeconds)
  return {
    perReplica: previous.perReplica + weight * (sample - previous.perReplica),
    samples: previous.samples + 1,
    at: now,
  }
}

export function learnThroughput(input: LearnInput): Learned {
  const { now, current, settings } = input
  let estimate = input.estimate
  const committed = input.partitions.filter((p) => p.committedOffset !== null)
  const sum = committed.reduce((total, p) => total + (p.committedOffset ?? 0), 0)
  const last = {
    at: now,
    committed: sum,
    partitions: committed.length,
    busy: saturated(input),
    ...(input.totalLag === undefined ? {} : { lag: input.totalLag }),
  }
  const w = input.window
  if (w === null) return { window: { last, busy: EMPTY, idle: EMPTY }, estimate, sample: null }

  const seconds = (now - w.last.at) / 1000
  const clean =
    seconds > 0 &&
    current > 0 &&
    committed.length > 0 &&
    committed.length === w.last.partitions &&
    sum >= w.last.committed &&
    (input.lastScaleAt === null || w.last.at >= input.lastScaleAt + settings.warmupSeconds * 1000)
  if (!clean) return { window: { last, busy: w.busy, idle: w.idle }, estimate, sample: null }

  const interval: ConsumptionTally = {
    records: sum - w.last.committed,
    replicaSeconds: Math.min(current, input.partitions.length) * seconds,
    seconds,
  }
  // Behind by more than a second of production at the start, lag grew by more than that over the interval,
  // every partition lagging at its end: the consumers were flat out too (commit timing moves committed lag
  // by up to a commit interval, so less proves nothing).
  const grew = (input.totalLag ?? 0) - (w.last.lag ?? Number.POSITIVE_INFINITY)
  const second = Math.max(1, input.productionRate ?? 0)
  const growing = input.busy && grew > second && (w.last.lag ?? 0) > second
  const wasBusy = (w.last.busy && last.busy) || growing
  // Nothing learned yet: one such interval gives a first estimate at once, refined by later samples.
  if (estimate === null && growing) {
    const rate = interval.records / interval.replicaSeconds
    if (rate > 0) {
      return { window: { last, busy: EMPTY, idle: EMPTY }, estimate: ewma(null, rate, now, 1), sample: rate }
    }
  }
  let busy = wasBusy ? add(w.busy, interval) : w.busy
  let idle = wasBusy ? w.idle : add(w.idle, interval)
  let sample: number | null = null
  if (busy.seconds >= settings.throughputSampleSeconds) {
    const rate = busy.records / busy.replicaSeconds
    if (rate > 0) {
      estimate = ewma(estimate, rate, now, settings.throughputHalfLifeSeconds)
      sample = rate
    }
    busy = EMPTY
  }
  if (idle.seconds >= settings.throughputSampleSeconds) {
    const rate = idle.records / idle.replicaSeconds
    if (estimate !== null && rate > estimate.perReplica) {
      estimate = { ...estimate, perReplica: rate, at: now }
      sample = rate
    }
    idle = EMPTY
  }
  return { window: { last, busy, idle }, estimate, sample }
}

function add(a: ConsumptionTally, b: ConsumptionTally): ConsumptionTally {
  return {
    records: a.records + b.records,
    replicaSeconds: a.replicaSeconds + b.replicaSeconds,
    seconds: a.seconds + b.seconds,
  }
}

/**
 * Every partition lagging is not enough: with commits every second, every partition with traffic always
 * shows up to a second of lag, and a group that keeps up would be measured as flat out (its consumption per
 * replica then looks like its capacity, and the policy asks for ever more replicas). With busyLagSeconds,
 * the total lag must also be at least that many seconds of production.
 */
function saturated(input: LearnInput): boolean {
  const threshold = input.settings.busyLagSeconds
  if (!input.busy || threshold === undefined || input.totalLag === undefined) return input.busy
  const rate = input.productionRate ?? 0
  return rate <= 0 || input.totalLag >= threshold * rate
}
