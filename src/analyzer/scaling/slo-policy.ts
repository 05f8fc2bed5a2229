// The slo policy: the user says how old a record may get before it is consumed (maxLagSeconds); the policy
// sizes the group to keep up with what arrives and to drain what is queued within that time.
//
//   capacity needed (records/s) = productionRate / targetUtilization + backlog / maxLagSeconds
//   replicas                    = capacity needed / throughput per replica
//
// - productionRate: records/s appended to the partitions (from the monitor). Divided by targetUtilization
//   (default 0.8) to leave headroom, as for CPU targets: a consumer run at 100 % has no room for bursts.
// - backlog: the lag now (after persistent-lag exclusion). A record at the tail of the backlog is consumed
//   after backlog / capacity seconds, so this term keeps that under maxLagSeconds while arrivals are served.
// - throughput per replica: learned online from busy intervals (throughput.ts); until it is, the value of
//   initialThroughputPerReplica, or, when that is unset, the lag policy answers (lagThreshold), which is
//   what KEDA users know. So a fresh scaler behaves like KEDA until it has seen the group work flat out.
//
// When to prefer it over `lag`: when what matters is delay, not a record count. lagThreshold needs re-tuning
// whenever throughput per record changes (a lag of 10 000 is a second for one consumer, an hour for
// another); maxLagSeconds does not, and the production-rate term scales up *before* lag builds, when traffic
// rises. Prefer `lag` when consumers are rarely busy for long (short bursts: too little to learn from), when
// per-record cost varies wildly, or for exact KEDA parity. Either way the partition cap, tolerance,
// stabilization and rate policies apply afterwards. maxLagSeconds should be well above the consumers' commit
// interval (auto.commit.interval.ms, 5 s by default): committed lag includes up to one interval of records.
import type { SloPolicyConfig } from '../../config/schema.ts'
import { lagPolicy, round2 } from './lag-policy.ts'
import type { LagFigures, PolicyResult, ThroughputEstimate } from './types.ts'

export type SloResult = Extract<PolicyResult, { type: 'slo' }>

export function sloPolicy(
  config: SloPolicyConfig,
  lag: LagFigures,
  productionRate: number | null,
  estimate: ThroughputEstimate | null,
  lagThreshold: number,
): SloResult {
  const learned = estimate !== null
  const perReplica = estimate?.perReplica ?? config.initialThroughputPerReplica ?? null
  const base = {
    type: 'slo' as const,
    productionRate,
    backlog: lag.totalLag,
    maxLagSeconds: config.maxLagSeconds,
    targetUtilization: config.targetUtilization,
    throughputPerReplica: perReplica,
    learned,
  }
  const why =
    perReplica === null
      ? 'per-replica throughput not learned yet'
      : productionRate === null
        ? 'production rate unknown yet'
        : null
  if (why !== null || perReplica === null || productionRate === null) {
    return { ...base, replicas: lagPolicy(lag, lagThreshold).replicas, fellBackToLag: why ?? 'no data' }
  }
  const needed = productionRate / config.targetUtilization + lag.totalLag / config.maxLagSeconds
  return { ...base, replicas: needed / perReplica }
}

export function describeSloPolicy(result: SloResult, lagThreshold: number): string {
  if (result.fellBackToLag !== undefined) {
    return `${result.fellBackToLag}: lag ${result.backlog} / lagThreshold ${lagThreshold} = ${round2(result.replicas)} replicas`
  }
  const rate = round2(result.productionRate ?? 0)
  const per = round2(result.throughputPerReplica ?? 0)
  return (
    `(${rate}/s / ${result.targetUtilization} + backlog ${result.backlog} / ${result.maxLagSeconds}s) / ` +
    `${per}/s per replica${result.learned ? '' : ' (initial)'} = ${round2(result.replicas)} replicas`
  )
}
