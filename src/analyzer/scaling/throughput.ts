// Learns how many records/s one replica consumes, from the group's committed offsets, for the slo policy.
//
// Consumption is measured over windows of throughputSampleSeconds (not per poll: commits arrive in bursts,
// every auto.commit.interval.ms, so a 5 s poll sees 0 then 2× the rate). A window teaches the estimate only
// when every evaluation in it found every partition committed and lagging, none stuck ("busy"): a consumer with
// nothing to read consumes only what arrives, which says nothing about what it could do. Idle time would
// otherwise drag the estimate down and make the policy ask for ever more replicas. Windows that start within
// warmupSeconds of a replica change are skipped: the group rebalances and consumes nothing meanwhile.
// A non-busy window can still raise the estimate: what replicas did is a lower bound on what they can do.
//
// The estimate is an exponentially weighted moving average with a half-life in seconds (so the weight of a
// sample does not depend on the polling interval).
import type { LagViewPartition, ThroughputEstimate, ThroughputWindow } from './types.ts'

export interface ThroughputSettings {
  throughputHalfLifeSeconds: number
  throughputSampleSeconds: number
  warmupSeconds: number
}

export interface LearnInput {
  window: ThroughputWindow | null
  estimate: ThroughputEstimate | null
  partitions: readonly LagViewPartition[]
  busy: boolean
  current: number
  lastScaleAt: number | null
  now: number
  settings: ThroughputSettings
}

export interface Learned {
  window: ThroughputWindow | null
  estimate: ThroughputEstimate | null
  /** Per-replica consumption measured by a window that closed now (for the journal), else null. */
  sample: number | null
}

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
  const { estimate, now, current, settings } = input
  const committed = input.partitions.filter((p) => p.committedOffset !== null)
  const sum = committed.reduce((total, p) => total + (p.committedOffset ?? 0), 0)
  const warmingUp = input.lastScaleAt !== null && now - input.lastScaleAt < settings.warmupSeconds * 1000
  if (current <= 0 || committed.length === 0 || warmingUp) return { window: null, estimate, sample: null }
  const fresh: ThroughputWindow = {
    since: now,
    replicas: current,
    partitions: committed.length,
    committed: sum,
    busy: input.busy,
  }
  const w = input.window
  // A different replica count or partition set, or offsets that went back (reset), starts over.
  if (w === null || w.replicas !== current || w.partitions !== committed.length || sum < w.committed) {
    return { window: fresh, estimate, sample: null }
  }
  const busy = w.busy && input.busy
  const elapsedSeconds = (now - w.since) / 1000
  if (elapsedSeconds < settings.throughputSampleSeconds) {
    return { window: { ...w, busy }, estimate, sample: null }
  }
  // Consumers beyond the partition count have nothing assigned.
  const consumers = Math.min(current, input.partitions.length)
  const perReplica = (sum - w.committed) / elapsedSeconds / consumers
  if (busy && perReplica > 0) {
    return {
      window: fresh,
      estimate: ewma(estimate, perReplica, now, settings.throughputHalfLifeSeconds),
      sample: perReplica,
    }
  }
  if (!busy && estimate !== null && perReplica > estimate.perReplica) {
    return { window: fresh, estimate: { ...estimate, perReplica, at: now }, sample: perReplica }
  }
  // Busy but nothing committed for a whole window: stuck, not slow. Not a throughput.
  return { window: fresh, estimate, sample: null }
}
