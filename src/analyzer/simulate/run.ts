// One simulated run: a trace, the model, one controller. Step loop: the controller acts at t (seeing what
// it would see), the group advances to t + dt, the figures are taken on what was actually consumed.
import type { Controller } from './controller.ts'
import { GroupModel } from './group.ts'
import { burstDrains, type StepSeries } from './metrics.ts'
import type { Production } from './trace.ts'
import type { ModelParams, RunResult, Sample, ScaleRecord } from './types.ts'

export interface RunOptions {
  /** Samples kept for charts and JSON, about this many seconds apart (rounded to whole steps). */
  sampleSeconds?: number
  /** Called after every step with the group (at its new time), e.g. to read it as a lag monitor would. */
  probe?: (group: GroupModel) => void
}

/** Replicas at t = 0: the parameter, or what the first rate needs at the modelled throughput (at least 1). */
export function initialReplicas(production: Production, params: ModelParams): number {
  if (params.initialReplicas !== null) return params.initialReplicas
  const needed = Math.ceil(production.rate(0) / params.throughputPerReplica - 1e-9)
  return Math.min(production.partitions, Math.max(1, needed))
}

export function simulate(
  production: Production,
  params: ModelParams,
  controller: Controller,
  options: RunOptions = {},
): RunResult {
  const dt = params.stepSeconds
  const initial = controller.initialReplicas ?? initialReplicas(production, params)
  const group = new GroupModel(production, params, initial)
  const steps = Math.ceil(production.end / dt - 1e-9)
  const every = Math.max(1, Math.round((options.sampleSeconds ?? dt) / dt))
  const series: StepSeries = {
    step: dt,
    rate: new Float64Array(steps),
    lagSeconds: new Float64Array(steps),
  }
  const samples: Sample[] = []
  const events: ScaleRecord[] = []
  let overSlo = 0
  let maxLag = 0
  let maxLagSeconds = 0
  let bucket = { lag: 0, lagSeconds: 0, replicas: 0, n: 0 }
  for (let k = 0; k < steps; k++) {
    const t = k * dt
    const action = controller.tick(t, group)
    if (action !== null && action.replicas !== group.replicas) {
      events.push({ t, from: group.replicas, to: action.replicas, reason: action.reason })
      group.setReplicas(action.replicas)
    }
    const rate = production.rate(t)
    const replicas = group.replicas
    group.advance()
    options.probe?.(group)
    const lag = group.trueLag()
    series.rate[k] = rate
    series.lagSeconds[k] = lag.seconds
    if (lag.seconds > params.sloSeconds + 1e-6) overSlo += dt
    maxLag = Math.max(maxLag, lag.records)
    maxLagSeconds = Math.max(maxLagSeconds, lag.seconds)
    bucket = {
      lag: Math.max(bucket.lag, lag.records),
      lagSeconds: Math.max(bucket.lagSeconds, lag.seconds),
      replicas: bucket.replicas + replicas,
      n: bucket.n + 1,
    }
    if ((k + 1) % every === 0 || k === steps - 1) {
      samples.push({
        t: round(group.t, 3),
        rate: round(rate, 2),
        lag: Math.round(bucket.lag),
        lagSeconds: round(bucket.lagSeconds, 2),
        replicas: round(bucket.replicas / bucket.n, 2),
      })
      bucket = { lag: 0, lagSeconds: 0, replicas: 0, n: 0 }
    }
  }
  return {
    metrics: {
      policy: controller.name,
      secondsOverSlo: round(overSlo, 2),
      maxLagRecords: Math.round(maxLag),
      maxLagSeconds: round(maxLagSeconds, 2),
      replicaSeconds: round(group.replicaSeconds, 1),
      scaleEvents: group.scaleEvents,
      rebalances: group.rebalances,
      drains: burstDrains(series),
    },
    samples,
    events,
  }
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
