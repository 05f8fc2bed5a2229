// Calibration: replay a recording (a trace with observed lag, lag time and replicas) through the model and
// measure how far the simulated timeline is from the real one; and search model parameters that fit best.
// The simulated side is read the way the real one was: committed offsets through group.observe(), at the
// recording's row times.
import { AutopilotError } from '../../errors.ts'
import type { Controller } from './controller.ts'
import type { GroupModel } from './group.ts'
import { simulate } from './run.ts'
import { Production } from './trace.ts'
import type { ModelParams, Trace } from './types.ts'

export interface ComparedRow {
  t: number
  observedLag: number | null
  simulatedLag: number
  observedLagSeconds: number | null
  simulatedLagSeconds: number
  observedReplicas: number | null
  simulatedReplicas: number
}

export interface ErrorFigures {
  rows: number
  meanAbs: number
  rmse: number
  maxAbs: number
  /** Largest observed value, so errors can be read relative to it. */
  observedPeak: number
  simulatedPeak: number
}

export interface Comparison {
  lag: ErrorFigures
  lagSeconds: ErrorFigures
  /** Share of rows where the simulated replica count equals the observed one (null: none observed). */
  replicasMatch: number | null
  rows: ComparedRow[]
}

/** Runs `controller` over the trace and compares with its observed rows. */
export function compareWithObserved(trace: Trace, params: ModelParams, controller: Controller): Comparison {
  const production = new Production(trace, params.partitions)
  const wanted = trace.observed
  const rows: ComparedRow[] = []
  let next = 0
  // Lag is read before the policy acts at a row's time (as the daemon reads, then decides); the replica count
  // is the one running from that time on, so it is taken one step later.
  let pending: ComparedRow[] = []
  const probe = (group: GroupModel) => {
    for (const row of pending) row.simulatedReplicas = group.replicas
    pending = []
    while (next < wanted.length && (wanted[next]?.t as number) <= group.t + 1e-9) {
      const o = wanted[next] as (typeof wanted)[number]
      const obs = group.observe()
      let lag = 0
      for (const [p, end] of obs.logEnd.entries()) lag += end - (obs.committed[p] as number)
      const row: ComparedRow = {
        t: o.t,
        observedLag: o.lag,
        simulatedLag: lag,
        observedLagSeconds: o.lagSeconds,
        simulatedLagSeconds: Math.round(obs.lagSeconds * 1000) / 1000,
        observedReplicas: o.replicas,
        simulatedReplicas: group.replicas,
      }
      rows.push(row)
      pending.push(row)
      next++
    }
  }
  simulate(production, params, controller, { probe })
  const replicaRows = rows.filter((r) => r.observedReplicas !== null)
  return {
    lag: errors(rows.map((r) => [r.observedLag, r.simulatedLag])),
    lagSeconds: errors(rows.map((r) => [r.observedLagSeconds, r.simulatedLagSeconds])),
    replicasMatch:
      replicaRows.length === 0
        ? null
        : replicaRows.filter((r) => r.observedReplicas === r.simulatedReplicas).length / replicaRows.length,
    rows,
  }
}

function errors(pairs: Array<[number | null, number]>): ErrorFigures {
  const known = pairs.filter((p): p is [number, number] => p[0] !== null)
  if (known.length === 0)
    return { rows: 0, meanAbs: 0, rmse: 0, maxAbs: 0, observedPeak: 0, simulatedPeak: 0 }
  let abs = 0
  let sq = 0
  let max = 0
  for (const [o, s] of known) {
    const d = Math.abs(o - s)
    abs += d
    sq += d * d
    max = Math.max(max, d)
  }
  const r = (x: number) => Math.round(x * 100) / 100
  return {
    rows: known.length,
    meanAbs: r(abs / known.length),
    rmse: r(Math.sqrt(sq / known.length)),
    maxAbs: r(max),
    observedPeak: r(Math.max(...known.map((p) => p[0]))),
    simulatedPeak: r(Math.max(...known.map((p) => p[1]))),
  }
}

export interface FitGrid {
  throughputPerReplica?: number[]
  rebalancePauseSeconds?: number[]
  startupSeconds?: number[]
}

export interface Fit {
  params: ModelParams
  comparison: Comparison
  /** Every point tried, with its lag RMSE. */
  tried: Array<{
    throughputPerReplica: number
    rebalancePauseSeconds: number
    startupSeconds: number
    rmse: number
  }>
}

/** Grid search for the parameters whose simulated lag is closest (RMSE) to the recording's. */
export function fitModel(
  trace: Trace,
  params: ModelParams,
  grid: FitGrid,
  makeController: () => Controller,
): Fit {
  let best: Fit | null = null
  const tried: Fit['tried'] = []
  for (const throughputPerReplica of grid.throughputPerReplica ?? [params.throughputPerReplica]) {
    for (const rebalancePauseSeconds of grid.rebalancePauseSeconds ?? [params.rebalancePauseSeconds]) {
      for (const startupSeconds of grid.startupSeconds ?? [params.startupSeconds]) {
        const p = { ...params, throughputPerReplica, rebalancePauseSeconds, startupSeconds }
        const comparison = compareWithObserved(trace, p, makeController())
        tried.push({ throughputPerReplica, rebalancePauseSeconds, startupSeconds, rmse: comparison.lag.rmse })
        if (best === null || comparison.lag.rmse < best.comparison.lag.rmse)
          best = { params: p, comparison, tried }
      }
    }
  }
  if (best === null) throw new AutopilotError('AP_ERR_INPUT', 'the fit grid is empty', { field: 'grid' })
  return { ...best, tried }
}
