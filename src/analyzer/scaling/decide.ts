// One scaling decision: (lag view, current replicas, state, config, now) → (decision, next state). Pure; the
// daemon and the trace simulator both run exactly this. The steps, each recorded as a Limit when it changes
// the count:
//   1. no readable lag → fallback.ts (hold, or the fallback count; never zero);
//   2. per-partition lag (partition-lag.ts) → activation figure and scaling figure;
//   3. policy (lag-policy.ts | slo-policy.ts) → x, replicas' worth of work (a real number);
//   4. proposal: tolerance band, rounding to an even partition spread, partition cap (partition-cap.ts);
//   5. zero/idle and activation (activation.ts), or the HPA normalisation (normalize.ts): stabilization,
//      rate policies, min/max;
//   6. never scale down on partial data (some partitions unreadable), as the HPA does with partial metrics.
import { AutopilotError } from '../../errors.ts'
import { cooldownEndsAt, isResting, restingCount, runningFloor } from './activation.ts'
import { fallbackTarget } from './fallback.ts'
import { describeLagPolicy, lagPolicy, round2 } from './lag-policy.ts'
import { normalize } from './normalize.ts'
import { ceilReplicas, partitionCap, roundReplicas, snapToEven } from './partition-cap.ts'
import { measureLag, selectPartitions } from './partition-lag.ts'
import { applyRateLimits, recordScaleEvent, scaleUpLimit } from './rate-limit.ts'
import { describeSloPolicy, sloPolicy } from './slo-policy.ts'
import { recordRecommendation } from './stabilization.ts'
import { learnThroughput } from './throughput.ts'
import { withinTolerance } from './tolerance.ts'
import type { DecideInput, DecideOutput, Decision, Limit, PolicyResult, ScalerState } from './types.ts'

export function decide(input: DecideInput): DecideOutput {
  validate(input)
  const { view, current, state, config, now } = input
  const md = config.trigger.metadata
  // A count other than the one we last asked for means someone else scaled (or our write is pending).
  const lastScaleAt = state.lastDesired !== null && current !== state.lastDesired ? now : state.lastScaleAt
  const partitions = view.readable ? selectPartitions(view, md) : []
  if (!view.readable || partitions.length === 0) {
    const error = !view.readable
      ? (view.error ?? 'lag could not be read')
      : `no partitions to measure${md.topics.length > 0 ? ` for topic ${md.topics.join(', ')}` : ''}`
    return decideWithoutLag(input, lastScaleAt, error)
  }

  const measured = measureLag(partitions, md, state.commits, now)
  const lag = measured.figures
  const slo = config.policy.type === 'slo' ? config.policy : null
  // KEDA: active while lag is above activationLagThreshold. The slo policy also counts records arriving: a
  // group that keeps up has little committed lag, yet scaling it to zero would make the next records wait.
  const active =
    lag.activationLag > md.activationLagThreshold || (slo !== null && (view.productionRate ?? 0) > 0)
  const partial = lag.unknownPartitions > 0
  const learned = learnThroughput({
    window: state.window,
    estimate: state.throughput,
    partitions,
    busy: measured.busy,
    totalLag: lag.totalLag,
    productionRate: view.productionRate,
    current,
    lastScaleAt,
    now,
    settings: slo ?? { throughputHalfLifeSeconds: 300, throughputSampleSeconds: 30, warmupSeconds: 30 },
  })
  const policy: PolicyResult = slo
    ? sloPolicy(slo, {
        lag,
        productionRate: view.productionRate,
        consumptionRate: view.consumptionRate,
        lagSeconds: view.lagSeconds,
        estimate: learned.estimate,
        current,
        sinceScaleSeconds: lastScaleAt === null ? null : (now - lastScaleAt) / 1000,
        pollingSeconds: config.pollingInterval,
      })
    : lagPolicy(lag, md.lagThreshold)
  const policyText = policy.type === 'slo' ? describeSloPolicy(policy) : describeLagPolicy(policy, lag)

  // 4. proposal
  const limits: Limit[] = []
  const x = policy.replicas
  const cap = partitionCap(md, lag)
  const rounded = roundReplicas(x, lag.partitions, md.partitionDistribution)
  let proposal = rounded
  if (withinTolerance(x, current, config.behavior, cap?.replicas ?? null)) {
    proposal = current
    if (rounded !== current) {
      const ratio = round2(x / current)
      limits.push({
        reason: 'WithinTolerance',
        from: rounded,
        to: current,
        detail: `ratio ${ratio} within tolerance`,
      })
    }
  } else if (rounded !== ceilReplicas(x)) {
    limits.push({
      reason: 'EvenDistribution',
      from: ceilReplicas(x),
      to: rounded,
      detail: `${md.partitionDistribution} spread of ${lag.partitions} partitions`,
    })
  }
  if (cap !== null && proposal > cap.replicas) {
    const what = cap.by === 'partitions' ? 'partitions' : 'partitions with lag'
    limits.push({
      reason: 'PartitionCap',
      from: proposal,
      to: cap.replicas,
      detail: `${cap.replicas} ${what}`,
    })
    proposal = cap.replicas
  }

  // 5. zero/idle, activation, or HPA normalisation
  const floor = runningFloor(config)
  const rest = restingCount(config)
  let desired: number
  if (active && isResting(current, config)) {
    const target = Math.max(floor, proposal)
    const upLimit = scaleUpLimit(current, state.scaleEvents, config.behavior.scaleUp, now) ?? current
    const limited = Math.max(floor, Math.min(target, upLimit, config.maxReplicaCount))
    // A rate-limited step may land between even counts; step back to one, but never below the floor.
    const even = snapToEven(limited, current, lag.partitions, md.partitionDistribution)
    desired = even >= floor ? even : limited
    const limitNote = desired < target ? `; scale-up policies and partition spread allow ${desired} now` : ''
    const why =
      lag.activationLag > md.activationLagThreshold
        ? `activation lag ${lag.activationLag} > activationLagThreshold ${md.activationLagThreshold}`
        : `records arriving at ${view.productionRate}/s`
    limits.push({ reason: 'Activated', from: current, to: desired, detail: `${why}${limitNote}` })
  } else if (!active && rest !== null && current <= rest) {
    desired = current
    limits.push({
      reason: 'Inactive',
      from: proposal,
      to: current,
      detail: `activation lag ${lag.activationLag} ≤ activationLagThreshold ${md.activationLagThreshold}`,
    })
  } else if (!active && rest !== null && !partial && now >= cooldownEndsAt(state, config)) {
    desired = rest
    limits.push({
      reason: 'Deactivated',
      from: current,
      to: rest,
      detail: `inactive for cooldownPeriod ${config.cooldownPeriod}s (activation lag ${lag.activationLag} ≤ ${md.activationLagThreshold})`,
    })
  } else {
    const waiting = !active && rest !== null
    desired = normalize(
      {
        proposal,
        current,
        recommendations: state.recommendations,
        scaleEvents: state.scaleEvents,
        config,
        bounds: {
          min: floor,
          max: config.maxReplicaCount,
          ...(waiting ? { minReason: 'CooldownHold' as const } : {}),
        },
        partitions: lag.partitions,
        now,
      },
      limits,
    )
  }

  // 6. partial data
  if (partial && desired < current) {
    limits.push({
      reason: 'PartialData',
      from: desired,
      to: current,
      detail: `${lag.unknownPartitions} of ${lag.partitions} partitions unreadable`,
    })
    desired = current
  }

  const decision: Decision = {
    scaler: config.name,
    at: now,
    current,
    desired,
    reason: limits.at(-1)?.reason ?? 'DesiredWithinRange',
    message: [policyText, ...limits.map((l) => `${l.reason}: ${l.detail} → ${l.to}`)].join('; '),
    active,
    lag,
    rates: {
      production: view.productionRate,
      consumption: view.consumptionRate,
      lagSeconds: view.lagSeconds,
    },
    policy,
    proposal,
    limits,
  }
  const changed = desired !== current
  const nextState: ScalerState = {
    since: state.since,
    lastActiveAt: active ? now : state.lastActiveAt,
    failures: 0,
    recommendations: recordRecommendation(state.recommendations, proposal, config.behavior, now),
    scaleEvents: recordScaleEvent(state.scaleEvents, desired - current, config.behavior, now),
    commits: measured.commits,
    lastDesired: desired,
    lastScaleAt: changed ? now : lastScaleAt,
    window: learned.window,
    // An slo bootstrap figure (what each saturated consumer consumed) is kept as a first estimate.
    throughput:
      learned.estimate ??
      (policy.type === 'slo' && policy.mode === 'bootstrap' && policy.throughputPerReplica !== null
        ? { perReplica: policy.throughputPerReplica, samples: 0, at: now }
        : null),
  }
  return { decision, nextState }
}

/** Step 1: the lag is unknown. Hold, or move to the fallback count within the rate policies. */
function decideWithoutLag(input: DecideInput, lastScaleAt: number | null, error: string): DecideOutput {
  const { current, state, config, now } = input
  const failures = state.failures + 1
  const target = fallbackTarget(current, failures, config)
  let desired = current
  const limits: Limit[] = []
  if (target.replicas !== current) {
    const limited = applyRateLimits(
      target.replicas,
      current,
      state.scaleEvents,
      config.behavior,
      { min: runningFloor(config), max: config.maxReplicaCount },
      now,
    )
    // From zero the policies may allow nothing (Percent of 0); the running floor always applies.
    desired =
      current === 0
        ? Math.max(limited.replicas, Math.min(target.replicas, runningFloor(config)))
        : limited.replicas
    if (limited.limit && desired === limited.replicas) limits.push(limited.limit)
  }
  limits.push({ reason: target.reason, from: current, to: desired, detail: target.detail })
  const decision: Decision = {
    scaler: config.name,
    at: now,
    current,
    desired,
    reason: target.reason,
    message: `${error}; ${target.detail}`,
    active: null,
    lag: null,
    rates: { production: null, consumption: null, lagSeconds: null },
    policy: null,
    proposal: null,
    limits,
  }
  const changed = desired !== current
  const nextState: ScalerState = {
    ...state,
    failures,
    scaleEvents: recordScaleEvent(state.scaleEvents, desired - current, config.behavior, now),
    lastDesired: desired,
    lastScaleAt: changed ? now : lastScaleAt,
    window: null,
  }
  return { decision, nextState }
}

function validate(input: DecideInput): void {
  const { current, now } = input
  if (!Number.isInteger(current) || current < 0) {
    throw new AutopilotError(
      'AP_ERR_INPUT',
      `current replicas must be a non-negative integer, got ${current}`,
      {
        field: 'current',
      },
    )
  }
  if (!Number.isFinite(now)) {
    throw new AutopilotError('AP_ERR_INPUT', `now must be a finite time in ms, got ${now}`, { field: 'now' })
  }
}
