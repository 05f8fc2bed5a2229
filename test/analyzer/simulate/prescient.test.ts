import { describe, expect, it } from 'vitest'
import { OracleController } from '../../../src/analyzer/simulate/oracle.ts'
import {
  bestPrescient,
  keepUpReplicas,
  PrescientController,
  productionBursts,
} from '../../../src/analyzer/simulate/prescient.ts'
import { simulate } from '../../../src/analyzer/simulate/run.ts'
import { Production } from '../../../src/analyzer/simulate/trace.ts'
import { params, steps } from './helpers.ts'

// 4 partitions, 100/s per replica, SLO 10 s: 50/s quiet, two 20 s bursts of 350/s.
const trace = steps(
  [
    [0, 50],
    [60, 350],
    [80, 50],
    [160, 350],
    [180, 50],
  ],
  260,
)

describe('prescient reference', () => {
  it('finds the bursts and the quiet count', () => {
    const production = new Production(trace, 4)
    expect(productionBursts(production, 0.25)).toEqual([
      { from: 60, to: 80 },
      { from: 160, to: 180 },
    ])
    expect(keepUpReplicas(50, 4, 100)).toBe(1)
    // 350/s over 4 partitions: 2 members own 2 partitions each (175/s) — too much; 4 members keep up.
    expect(keepUpReplicas(350, 4, 100)).toBe(4)
  })

  it('runs the burst count from the lead before each burst, then the base count once drained', () => {
    const p = params({ startupSeconds: 2, rebalancePauseSeconds: 1 })
    const production = new Production(trace, 4)
    const plan = {
      burstReplicas: 4,
      baseReplicas: 1,
      leadSeconds: 2,
      drainedSeconds: 1,
      parkUntilSeconds: null,
    }
    const run = simulate(production, p, new PrescientController(productionBursts(production, 0.25), plan))
    const ups = run.events.filter((e) => e.to === 4).map((e) => e.t)
    expect(ups).toEqual([58, 158])
    expect(run.events.filter((e) => e.to === 1).every((e) => e.t >= 80)).toBe(true)
    expect(run.metrics.secondsOverSlo).toBe(0)
  })

  it('meets the SLO, costs at least the oracle, and parking costs no more than holding one replica', () => {
    const p = params({ startupSeconds: 2, rebalancePauseSeconds: 1 })
    const production = new Production(trace, 4)
    const held = bestPrescient(production, p, 4)
    const parked = bestPrescient(production, p, 4, { park: true })
    const free = { ...p, startupSeconds: 0, rebalancePauseSeconds: 0 }
    const oracle = simulate(production, free, new OracleController(production, free, 4)).metrics
    expect(held?.metrics.secondsOverSlo).toBe(0)
    expect(held?.metrics.replicaSeconds).toBeGreaterThan(oracle.replicaSeconds)
    expect(parked?.plan.parkUntilSeconds).not.toBeNull()
    expect(parked?.metrics.replicaSeconds).toBeLessThan(held?.metrics.replicaSeconds ?? 0)
  })

  it('has nothing to say about a trace without bursts', () => {
    const flat = new Production(steps([[0, 50]], 100), 4)
    expect(bestPrescient(flat, params(), 4)).toBeNull()
  })
})
