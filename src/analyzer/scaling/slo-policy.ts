// The slo policy: the user says how old a record may get before it is consumed (maxLagSeconds); the policy
// runs the fewest whole replicas that keep lag time within it, using the lag the SLO allows as a budget
// (slo-plan.ts has the plan and its rules):
//
//   growth(n) = 1 − throughputPerReplica × partitions / (arrivalRate × busiest(n))   (s of lag time per s)
//
// - arrivalRate: records/s appended to the partitions (the monitor's production rate), or the rate the
//   backlog was produced at (backlog ÷ lag time) when that is higher: after a spike, the spike's records are
//   what is consumed next.
// - busiest(n): partitions of the busiest of n consumers (round-robin); only counts that lower it are run.
// - throughputPerReplica: learned online from busy intervals (throughput.ts), or initialThroughputPerReplica
//   until then, times targetUtilization (default 1: the lag budget is the headroom).
// The plan lets lag time rise to lagBudget × maxLagSeconds (default 0.5) before adding replicas, then adds
// only what drains it, and removes replicas when the smaller count keeps up or stays within the budget for
// two SLOs: on average it pays for what the traffic needs, not for the next partition step. The rest of the
// SLO covers reaction: the next evaluation and settleSeconds (start-up and rebalance pause), during which
// nothing more is decided unless the rate rises again.
//
// Bootstrap (nothing learned, no initialThroughputPerReplica): hold the count; once lag time is halfway from
// the budget to maxLagSeconds (and the last interval held no change's pause), every consumer is saturated,
// so the consumption rate per consumer is a throughput to plan with: this decision never goes below the
// current count on it, and decide() keeps it as a first estimate (samples 0) that later samples refine. A
// lagging group is a busy group: one interval in which lag grew teaches a first estimate (throughput.ts),
// usually before lag time gets there.
//
// Activation: with slo, a group is also active while records are being produced, so it is not scaled to
// zero while it keeps up (its committed lag can then sit at or near zero).
//
// When to prefer it over `lag`: when what matters is delay, not a record count. lagThreshold needs re-tuning
// whenever the cost per record or the traffic changes; maxLagSeconds does not. Prefer `lag` for exact KEDA
// parity. maxLagSeconds should be well above the consumers' commit interval (auto.commit.interval.ms, 5 s
// by default) plus settleSeconds: committed lag includes up to one interval.
import type { SloPolicyConfig } from '../../config/schema.ts'
import { round2 } from './lag-policy.ts'
import { planReplicas } from './slo-plan.ts'
import type { LagFigures, PolicyResult, ThroughputEstimate } from './types.ts'

export type SloResult = Extract<PolicyResult, { type: 'slo' }>

export interface SloInputs {
  lag: LagFigures
  productionRate: number | null
  consumptionRate: number | null
  lagSeconds: number | null
  estimate: ThroughputEstimate | null
  current: number
  /** Seconds since the replica count last changed (null: unknown). */
  sinceScaleSeconds?: number | null
  /** Seconds between evaluations (the scaler's pollingInterval). */
  pollingSeconds?: number
}

export function sloPolicy(config: SloPolicyConfig, input: SloInputs): SloResult {
  const { lag, estimate, current } = input
  const arrivalRate = input.productionRate ?? input.consumptionRate
  const backlog = lag.totalLag
  const lagSeconds =
    input.lagSeconds ?? (arrivalRate !== null && arrivalRate > 0 ? backlog / arrivalRate : null)
  const since = input.sinceScaleSeconds ?? null
  // The last interval must not include a change's pause for its consumption to measure capacity.
  const settling = since !== null && since < config.settleSeconds + (input.pollingSeconds ?? 0)
  let perReplica = estimate?.perReplica ?? config.initialThroughputPerReplica ?? null
  const mode: SloResult['mode'] =
    estimate !== null ? 'learned' : perReplica !== null ? 'initial' : 'bootstrap'
  // Bootstrap: lag time halfway from the budget to the SLO means saturated consumers; what each consumes is
  // a throughput to plan with (a floor: never scaled down on). Learning usually has a figure before that.
  const consumers = Math.min(current, lag.partitions)
  if (
    perReplica === null &&
    !settling &&
    consumers > 0 &&
    (input.consumptionRate ?? 0) > 0 &&
    (lagSeconds ?? 0) > ((1 + config.lagBudget) / 2) * config.maxLagSeconds
  ) {
    perReplica = (input.consumptionRate as number) / consumers
  }
  const base = {
    type: 'slo' as const,
    arrivalRate,
    backlog,
    lagSeconds,
    maxLagSeconds: config.maxLagSeconds,
    lagBudget: config.lagBudget,
    targetUtilization: config.targetUtilization,
    throughputPerReplica: perReplica,
  }
  if (perReplica === null || arrivalRate === null) {
    const replicas = current === 0 ? (backlog > 0 || (arrivalRate ?? 0) > 0 ? 1 : 0) : current
    return { ...base, mode: 'bootstrap', step: 'hold', replicas }
  }
  const plan = planReplicas({
    arrivalRate,
    perReplica: perReplica * config.targetUtilization,
    partitions: lag.partitions,
    current,
    backlog,
    lagSeconds: lagSeconds ?? 0,
    maxLagSeconds: config.maxLagSeconds,
    budget: config.lagBudget,
    sinceScaleSeconds: since,
    settleSeconds: config.settleSeconds,
    pollingSeconds: input.pollingSeconds ?? 0,
    horizonSeconds: 2 * config.maxLagSeconds,
  })
  // A throughput guessed from a saturated group is a floor: never scale down on it.
  const replicas = mode === 'bootstrap' ? Math.max(current, plan.replicas) : plan.replicas
  return { ...base, mode, step: plan.step, replicas }
}

export function describeSloPolicy(result: SloResult): string {
  const time = result.lagSeconds === null ? 'unknown' : `${round2(result.lagSeconds)}s`
  const budget = round2(result.lagBudget * result.maxLagSeconds)
  if (result.throughputPerReplica === null || result.arrivalRate === null) {
    return `throughput not learned yet: lag time ${time}, budget ${budget}s → hold ${result.replicas} replicas`
  }
  const rate = round2(result.arrivalRate)
  const per = round2(result.throughputPerReplica)
  const source =
    result.mode === 'initial' ? ' (initial)' : result.mode === 'bootstrap' ? ' (consumption, a floor)' : ''
  return (
    `${rate}/s arriving, ${per}/s per replica${source}, lag time ${time} of budget ${budget}s ` +
    `(maxLagSeconds ${result.maxLagSeconds}) → ${result.step}: ${result.replicas} replicas`
  )
}
