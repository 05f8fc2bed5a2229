// The slo policy: the user says how old a record may get before it is consumed (maxLagSeconds); the policy
// sizes the group to keep up with what arrives and to drain what is queued within that time.
//
//   capacity needed (records/s) = arrivalRate / targetUtilization + backlog / maxLagSeconds
//   replicas                    = capacity needed / throughput per replica
//
// - arrivalRate: records/s appended to the partitions (the monitor's production rate). Divided by
//   targetUtilization (default 0.8) to leave headroom, as for CPU targets: a consumer run at 100 % has no
//   room for bursts.
// - backlog: the lag now (after persistent-lag exclusion). A record at the tail of the backlog is consumed
//   after backlog / capacity seconds, so this term keeps that under maxLagSeconds while arrivals are served.
// - throughput per replica: learned online from busy intervals (throughput.ts), or initialThroughputPerReplica
//   until then. With neither ("bootstrap"), the policy never scales down: it holds the count while lag time
//   is within maxLagSeconds and grows it in proportion when it is not (2× the SLO → 2× the replicas, within
//   the rate policies). A lagging group is a busy group, so it soon teaches the throughput.
//
// Activation: with slo, a group is also active while records are being produced, so it is not scaled to
// zero while it keeps up (its committed lag can then sit at or near zero).
//
// When to prefer it over `lag`: when what matters is delay, not a record count. lagThreshold needs re-tuning
// whenever the cost per record or the traffic changes (a lag of 10 000 is a second for one group, an hour for
// another); maxLagSeconds does not, and the arrival-rate term adds consumers as traffic rises, before lag
// builds. Prefer `lag` for exact KEDA parity, or when consumers are never saturated for long: the slo
// policy only learns throughput from busy intervals, and without one (and without
// initialThroughputPerReplica) it never scales down. maxLagSeconds should be well above the consumers'
// commit interval (auto.commit.interval.ms, 5 s by default): committed lag includes up to one interval.
import type { SloPolicyConfig } from '../../config/schema.ts'
import { round2 } from './lag-policy.ts'
import type { LagFigures, PolicyResult, ThroughputEstimate } from './types.ts'

export type SloResult = Extract<PolicyResult, { type: 'slo' }>

export interface SloInputs {
  lag: LagFigures
  productionRate: number | null
  consumptionRate: number | null
  lagSeconds: number | null
  estimate: ThroughputEstimate | null
  current: number
}

export function sloPolicy(config: SloPolicyConfig, input: SloInputs): SloResult {
  const { lag, estimate, current } = input
  const arrivalRate = input.productionRate ?? input.consumptionRate
  const perReplica = estimate?.perReplica ?? config.initialThroughputPerReplica ?? null
  const backlog = lag.totalLag
  const lagSeconds =
    input.lagSeconds ?? (arrivalRate !== null && arrivalRate > 0 ? backlog / arrivalRate : null)
  const base = {
    type: 'slo' as const,
    arrivalRate,
    backlog,
    lagSeconds,
    maxLagSeconds: config.maxLagSeconds,
    targetUtilization: config.targetUtilization,
    throughputPerReplica: perReplica,
  }
  if (perReplica !== null && arrivalRate !== null) {
    const needed = arrivalRate / config.targetUtilization + backlog / config.maxLagSeconds
    return { ...base, mode: estimate !== null ? 'learned' : 'initial', replicas: needed / perReplica }
  }
  let replicas: number
  if (current === 0) replicas = backlog > 0 || (arrivalRate ?? 0) > 0 ? 1 : 0
  else if (lagSeconds === null) replicas = current
  else replicas = current * Math.max(1, lagSeconds / config.maxLagSeconds)
  return { ...base, mode: 'bootstrap', replicas }
}

export function describeSloPolicy(result: SloResult): string {
  if (result.mode === 'bootstrap') {
    const time = result.lagSeconds === null ? 'unknown' : `${round2(result.lagSeconds)}s`
    return `throughput not learned yet: lag time ${time} vs maxLagSeconds ${result.maxLagSeconds} → ${round2(result.replicas)} replicas (never down)`
  }
  const rate = round2(result.arrivalRate ?? 0)
  const per = round2(result.throughputPerReplica ?? 0)
  return (
    `(${rate}/s / ${result.targetUtilization} + backlog ${result.backlog} / ${result.maxLagSeconds}s) / ` +
    `${per}/s per replica${result.mode === 'initial' ? ' (initial)' : ''} = ${round2(result.replicas)} replicas`
  )
}
