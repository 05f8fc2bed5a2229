// `prescient-1`, a reference for bursty traffic between the oracle and real policies: it knows when every
// burst comes and how long it lasts (perfect knowledge, like the oracle), but it runs on the real model: new
// replicas take startupSeconds, every membership change pauses the group, and it holds whole replicas, at
// least one while records arrive (as the daemon does for an active group). Its schedule:
//   - from `leadSeconds` before each burst until the burst ends: `burstReplicas`;
//   - after it, the same until lag time is down to `drainedSeconds`, then `baseReplicas` (the fewest whole
//     replicas that keep up with the quiet rate between bursts).
// `prescient-0` may also park between bursts (what the oracle does): at zero replicas until lag time passes
// `parkUntilSeconds`, then one replica until the backlog is gone (lag time under half a second), and so on.
// bestPrescient() tries every partition-step burst count, both leads (none, the start-up delay, so the
// replicas join as the burst starts) and three drain points (and, parking, four restart points), and keeps
// the cheapest run with no second over the SLO. So it answers: what would a policy that could not be surprised still pay for start-ups and
// rebalances? The gap oracle → prescient-1 is what those cost (no causal policy can avoid it); prescient-1 →
// slo is what reacting instead of knowing costs. Bursts are metrics.ts's (rate above 1.5 × the trace's
// 25th-percentile rate).
import { efficientCounts } from '../scaling/slo-plan.ts'
import type { Action, Controller } from './controller.ts'
import type { GroupModel } from './group.ts'
import { bursts } from './metrics.ts'
import { simulate } from './run.ts'
import type { Production } from './trace.ts'
import type { ModelParams, RunMetrics } from './types.ts'

export interface PrescientPlan {
  burstReplicas: number
  baseReplicas: number
  leadSeconds: number
  drainedSeconds: number
  /** Parking between bursts: restart one replica when lag time passes this; null: never park. */
  parkUntilSeconds: number | null
}

/** A parked group's replica restarts once lag time is below this (the backlog is gone). */
const PARK_BELOW_SECONDS = 0.5

export class PrescientController implements Controller {
  readonly name: string
  readonly #bursts: ReadonlyArray<{ from: number; to: number }>
  readonly #plan: PrescientPlan

  constructor(bursts: ReadonlyArray<{ from: number; to: number }>, plan: PrescientPlan) {
    this.#bursts = bursts
    this.#plan = plan
    this.name = plan.parkUntilSeconds === null ? 'prescient-1' : 'prescient-0'
  }

  tick(t: number, group: GroupModel): Action | null {
    const { burstReplicas, baseReplicas, leadSeconds, drainedSeconds } = this.#plan
    const inBurst = this.#bursts.some((b) => t >= b.from - leadSeconds - 1e-9 && t < b.to - 1e-9)
    if (inBurst) return { replicas: burstReplicas, reason: 'PrescientBurst' }
    const lag = group.trueLag().seconds
    if (group.replicas > baseReplicas && lag > drainedSeconds) return null
    const park = this.#plan.parkUntilSeconds
    if (park === null || baseReplicas !== 1) return { replicas: baseReplicas, reason: 'PrescientBase' }
    if (group.replicas === 0) return lag > park ? { replicas: 1, reason: 'PrescientUnpark' } : null
    return lag < PARK_BELOW_SECONDS ? { replicas: 0, reason: 'PrescientPark' } : null
  }
}

/** The burst intervals of a production (the same definition as the drain figures). */
export function productionBursts(production: Production, step: number): Array<{ from: number; to: number }> {
  const steps = Math.ceil(production.end / step - 1e-9)
  const rate = new Float64Array(steps)
  for (let k = 0; k < steps; k++) rate[k] = production.rate(k * step)
  return bursts(rate, step)
}

/** The fewest partition-step replicas whose busiest member keeps up with `rate` spread evenly (at least 1). */
export function keepUpReplicas(rate: number, partitions: number, throughputPerReplica: number): number {
  const counts = efficientCounts(partitions)
  const perPartition = rate / partitions
  return counts.find((n) => Math.ceil(partitions / n) * perPartition <= throughputPerReplica) ?? partitions
}

/** The cheapest prescient schedule with no second over the SLO (else the fewest seconds over); null: no burst. */
export function bestPrescient(
  production: Production,
  params: ModelParams,
  maxReplicas: number,
  options: { park?: boolean } = {},
): { plan: PrescientPlan; metrics: RunMetrics } | null {
  const list = productionBursts(production, params.stepSeconds)
  if (list.length === 0) return null
  const P = production.partitions
  // The quiet rate: the trace's rate outside bursts, at its highest.
  let quiet = 0
  const steps = Math.ceil(production.end / params.stepSeconds - 1e-9)
  for (let k = 0; k < steps; k++) {
    const t = k * params.stepSeconds
    if (!list.some((b) => t >= b.from && t < b.to)) quiet = Math.max(quiet, production.rate(t))
  }
  const baseReplicas = Math.min(maxReplicas, keepUpReplicas(quiet, P, params.throughputPerReplica))
  const parks = options.park ? [0.1, 0.2, 0.3, 0.5].map((share) => share * params.sloSeconds) : [null]
  let best: { plan: PrescientPlan; metrics: RunMetrics } | null = null
  const better = (m: RunMetrics) =>
    best === null ||
    m.secondsOverSlo < best.metrics.secondsOverSlo ||
    (m.secondsOverSlo === best.metrics.secondsOverSlo && m.replicaSeconds < best.metrics.replicaSeconds)
  for (const burstReplicas of efficientCounts(P).filter((n) => n > baseReplicas && n <= maxReplicas)) {
    for (const leadSeconds of [0, params.startupSeconds]) {
      for (const drainedSeconds of [1, params.sloSeconds / 3, params.sloSeconds / 2]) {
        for (const parkUntilSeconds of parks) {
          const plan = { burstReplicas, baseReplicas, leadSeconds, drainedSeconds, parkUntilSeconds }
          const metrics = simulate(production, params, new PrescientController(list, plan)).metrics
          if (better(metrics)) best = { plan, metrics }
        }
      }
    }
  }
  return best
}
