import { describe, expect, it } from 'vitest'
import { compareWithObserved, fitModel } from '../../../src/analyzer/simulate/calibration.ts'
import { FixedController } from '../../../src/analyzer/simulate/controller.ts'
import { formatTraceCsv, parseTraceCsv, type TraceRow } from '../../../src/analyzer/simulate/trace.ts'
import type { Trace } from '../../../src/analyzer/simulate/types.ts'
import { params, Schedule, steps } from './helpers.ts'

/** A "recording" made by the model itself, with known parameters: fixed replicas, a burst, one scale-up. */
function recording(throughputPerReplica: number): Trace {
  const p = params({ throughputPerReplica, rebalancePauseSeconds: 2, startupSeconds: 1 })
  const trace = steps(
    [
      [0, 80],
      [20, 400],
      [60, 80],
    ],
    180,
  )
  const observedAt = Array.from({ length: 180 }, (_, i) => i)
  const rows: TraceRow[] = observedAt.map((t) => ({
    t,
    recordsPerSecond: t < 20 || t >= 60 ? 80 : 400,
    replicas: t < 40 ? 2 : 3,
    lag: null,
    lagSeconds: null,
  }))
  const withReplicas = parseTraceCsv(formatTraceCsv(rows))
  const measured = compareWithObserved(withReplicas, p, new FixedController(withReplicas))
  return {
    ...trace,
    observed: measured.rows.map((r) => ({
      t: r.t,
      replicas: r.t < 40 ? 2 : 3,
      lag: r.simulatedLag,
      lagSeconds: r.simulatedLagSeconds,
    })),
  }
}

describe('calibration', () => {
  it('a recording made by the model itself is matched exactly by the same parameters', () => {
    const trace = recording(100)
    const p = params({ throughputPerReplica: 100, rebalancePauseSeconds: 2, startupSeconds: 1 })
    const c = compareWithObserved(trace, p, new FixedController(trace))
    expect(c.lag.maxAbs).toBe(0)
    expect(c.lagSeconds.maxAbs).toBe(0)
    expect(c.replicasMatch).toBe(1)
    expect(c.lag.observedPeak).toBeGreaterThan(1000)
  })

  it('a wrong throughput shows as lag error', () => {
    const trace = recording(100)
    const c = compareWithObserved(trace, params({ throughputPerReplica: 120 }), new FixedController(trace))
    expect(c.lag.meanAbs).toBeGreaterThan(100)
  })

  it('the fit finds the throughput and pause the recording was made with', () => {
    const trace = recording(100)
    const fit = fitModel(
      trace,
      params(),
      { throughputPerReplica: [80, 90, 100, 110], rebalancePauseSeconds: [0, 2, 4], startupSeconds: [1] },
      () => new FixedController(trace),
    )
    expect(fit.params.throughputPerReplica).toBe(100)
    expect(fit.params.rebalancePauseSeconds).toBe(2)
    expect(fit.tried).toHaveLength(12)
  })

  it('the fixed policy follows the recorded replicas from the recorded start', () => {
    const trace = recording(100)
    const fixed = new FixedController(trace)
    expect(fixed.initialReplicas).toBe(2)
    expect(new Schedule(2).initialReplicas).toBe(2)
  })
})
