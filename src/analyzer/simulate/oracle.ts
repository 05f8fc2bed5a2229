// Two references with perfect knowledge and free scaling (run them on a model with no rebalance pause and no
// start-up delay):
//
// `oracle`, the lower bound on cost (issue 6: "the fewest replicas at each instant that keep lag within the
// SLO with perfect knowledge and no rebalance cost"): at every step a whole count from 0 to min(max,
// partitions), every record consumed at most the SLO after it was produced, the whole trace known, changes
// free and instant, and the model's own consumers (round-robin assignment, one member per partition, the
// per-replica throughput; run with fair sharing, lab.ts). Per partition, the latest consumption curve that
// still meets the SLO is computed backwards:
//   need(t_k) = max( produced(t_k − SLO), need(t_k+1) − throughput × dt ),  at most produced(t_k)
// (a record produced at τ must be consumed by τ + SLO, and one partition is consumed by at most one replica,
// so a later deadline can force earlier work). At each step it tries 0, 1, 2, … replicas through the model's
// own assignment and sharing (group.ts allocate) and keeps the first count that stays on or ahead of that
// curve on every partition; when none can, as many replicas as partitions (up to max). It is lazy and
// time-shares freely (1.6 replicas' worth of work becomes 1 and 2 alternating, step by step), which is what
// makes it a bound: no policy that must hold whole replicas can pay less. Its lag sits near the SLO, so
// "time to drain" means little for it, and its scale events and rebalances are meaningless. `oracle-1`
// (floorWhileArriving 1) keeps at least one replica while records arrive, as the daemon does for an active
// group.
//
// `keep-up`, a practical reference: at each instant the fewest whole replicas whose round-robin share of the
// current production rates fits one replica's throughput on every member (capacity matches demand at once,
// no backlog), or more while a backlog from an overload must be drained (then the oracle's count). The gap
// policy → keep-up is reaction and stabilisation; keep-up → oracle is time-sharing and SLO slack.
import type { Action, Controller } from './controller.ts'
import { allocate, type GroupModel } from './group.ts'
import type { Production } from './trace.ts'
import type { ModelParams } from './types.ts'

export class OracleController implements Controller {
  readonly name: string
  readonly #need: Float64Array[]
  readonly #params: ModelParams
  readonly #max: number

  readonly #floor: number

  /**
   * `floorWhileArriving`: never fewer replicas than this while records arrive (the `oracle-1` reference:
   * what the bound is for a policy that, like the daemon's, keeps a consumer while traffic flows).
   */
  constructor(production: Production, params: ModelParams, maxReplicas: number, floorWhileArriving = 0) {
    this.name = floorWhileArriving > 0 ? `oracle-${floorWhileArriving}` : 'oracle'
    this.#floor = floorWhileArriving
    this.#params = params
    this.#max = Math.max(0, Math.min(maxReplicas, production.partitions))
    const dt = params.stepSeconds
    const steps = Math.ceil(production.end / dt)
    const perStep = params.throughputPerReplica * dt
    this.#need = Array.from({ length: production.partitions }, (_, p) => {
      const need = new Float64Array(steps + 1)
      for (let k = steps; k >= 0; k--) {
        const t = k * dt
        const due = production.produced(p, t - params.sloSeconds)
        const later = k < steps ? (need[k + 1] as number) - perStep : 0
        need[k] = Math.min(production.produced(p, t), Math.max(due, later))
      }
      return need
    })
  }

  /** The count is chosen at every step; the group must have no pause and no start-up delay. */
  tick(t: number, group: GroupModel): Action {
    const dt = this.#params.stepSeconds
    const k = Math.round(t / dt) + 1
    const floor = group.production.rate(t) > 0 ? Math.min(this.#floor, this.#max) : 0
    for (let n = floor; n <= this.#max; n++) {
      const after = allocate(
        group.production,
        group.consumed,
        n,
        t + dt,
        dt,
        this.#params.throughputPerReplica,
      )
      let ok = true
      for (const [p, need] of this.#need.entries()) {
        const target = need[Math.min(k, need.length - 1)] as number
        if ((after[p] as number) < target - 1e-6) {
          ok = false
          break
        }
      }
      if (ok) return { replicas: n, reason: 'Oracle' }
    }
    return { replicas: this.#max, reason: 'OracleSaturated' }
  }
}

/** The fewest members whose round-robin share of the partition rates at t fits one replica's throughput. */
export function keepUpCount(
  production: Production,
  t: number,
  throughputPerReplica: number,
  max: number,
): number {
  const P = production.partitions
  const rates = Array.from({ length: P }, (_, p) => production.partitionRate(p, t))
  if (rates.every((r) => r <= 0)) return 0
  for (let n = 1; n <= max; n++) {
    let fits = true
    for (let member = 0; member < Math.min(n, P) && fits; member++) {
      let load = 0
      for (let p = member; p < P; p += n) load += rates[p] as number
      fits = load <= throughputPerReplica + 1e-9
    }
    if (fits) return n
  }
  return max
}

export class KeepUpController implements Controller {
  readonly name = 'keep-up'
  readonly #oracle: OracleController
  readonly #params: ModelParams
  readonly #max: number

  constructor(production: Production, params: ModelParams, maxReplicas: number) {
    this.#params = params
    this.#max = Math.max(0, Math.min(maxReplicas, production.partitions))
    this.#oracle = new OracleController(production, params, maxReplicas)
  }

  tick(t: number, group: GroupModel): Action {
    const n = keepUpCount(group.production, t, this.#params.throughputPerReplica, this.#max)
    const backlog = group.trueLag().seconds > this.#params.stepSeconds
    if (!backlog) return { replicas: n, reason: 'KeepUp' }
    return { replicas: Math.max(n, this.#oracle.tick(t, group).replicas), reason: 'KeepUpDrain' }
  }
}
