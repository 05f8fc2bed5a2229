import { describe, expect, it } from 'vitest'
import { REASON_CODES } from '../../../src/analyzer/scaling/reasons.ts'
import { DecideController, lagViewOf } from '../../../src/analyzer/simulate/autopilot.ts'
import { defaultLagThreshold, runLab, simScaler, withPolicy } from '../../../src/analyzer/simulate/lab.ts'
import { keepUpCount, OracleController } from '../../../src/analyzer/simulate/oracle.ts'
import { modelParams } from '../../../src/analyzer/simulate/params.ts'
import { profileTrace } from '../../../src/analyzer/simulate/profiles.ts'
import { Production } from '../../../src/analyzer/simulate/trace.ts'
import { params, record, steps } from './helpers.ts'

const lab = (profile: string, seconds = 1200) => {
  const p = modelParams({ stepSeconds: 0.5 })
  return runLab({
    trace: profileTrace(`${profile}${profile.includes(':') ? ',' : ':'}duration=${seconds}`),
    params: p,
    scaler: simScaler(p),
    policies: ['lag', 'slo', 'keda'],
    sampleSeconds: 10,
  })
}

describe('policy lab', () => {
  it('is deterministic: the same inputs give the same numbers', () => {
    expect(lab('spikes:seed=3')).toEqual(lab('spikes:seed=3'))
  })

  it.each(['step:at=200,hold=400', 'spikes', 'sine:period=400'])(
    'the oracle is a lower bound and meets the SLO on %s',
    (profile) => {
      const result = lab(profile)
      const oracle = result.runs.find((r) => r.metrics.policy === 'oracle')?.metrics
      expect(oracle?.secondsOverSlo).toBe(0)
      for (const run of result.runs) {
        expect(run.metrics.replicaSeconds).toBeGreaterThanOrEqual((oracle?.replicaSeconds ?? 0) - 1e-6)
      }
    },
  )

  it('lag and keda default to a lagThreshold of half the SLO of one replica’s throughput', () => {
    const p = modelParams({ throughputPerReplica: 200, sloSeconds: 30 })
    expect(defaultLagThreshold(p)).toBe(3000)
    expect(simScaler(p).trigger.metadata.lagThreshold).toBe(3000)
  })

  it('slo runs the scaler’s own slo settings, or maxLagSeconds = the SLO', () => {
    const p = modelParams({ sloSeconds: 45 })
    expect(withPolicy(simScaler(p), 'slo', p).policy).toMatchObject({ type: 'slo', maxLagSeconds: 45 })
    const own = simScaler(p, { policy: { type: 'slo', maxLagSeconds: 12, targetUtilization: 0.9 } })
    expect(withPolicy(own, 'slo', p).policy).toMatchObject({ maxLagSeconds: 12, targetUtilization: 0.9 })
  })

  it('a lag scaler switched to slo gets the slo behaviour defaults, unless its behaviour was set', () => {
    const p = modelParams()
    const switched = withPolicy(simScaler(p), 'slo', p).behavior
    expect(switched.scaleDown.stabilizationWindowSeconds).toBe(0)
    expect(switched.scaleUp.policies).toEqual([{ type: 'Pods', value: 10_000, periodSeconds: 15 }])
    const set = simScaler(p, { behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } })
    expect(withPolicy(set, 'slo', p).behavior.scaleDown.stabilizationWindowSeconds).toBe(60)
    expect(withPolicy(simScaler(p), 'lag', p).behavior.scaleDown.stabilizationWindowSeconds).toBe(300)
  })

  // The targets, held for the default slo on two profiles (npm run bench:policies has all five).
  it.each(['step', 'ramp'])(
    '%s: slo ≤ ½ keda’s seconds over the SLO, ≤ keda’s and ≤ 1.15 × the oracle’s cost',
    (name) => {
      const p = modelParams()
      const lab = runLab({
        trace: profileTrace(name),
        params: p,
        scaler: simScaler(p),
        policies: ['slo', 'keda'],
      })
      const [slo, keda, oracle] = lab.runs.map((r) => r.metrics)
      expect(slo?.secondsOverSlo).toBeLessThanOrEqual(0.5 * (keda?.secondsOverSlo ?? 0))
      expect(slo?.replicaSeconds).toBeLessThanOrEqual(keda?.replicaSeconds ?? 0)
      expect(slo?.replicaSeconds).toBeLessThanOrEqual(1.15 * (oracle?.replicaSeconds ?? 0))
    },
  )
})

describe('lag and slo run the daemon’s decide()', () => {
  it('every decision is decide()’s, with its reason codes, at the polling interval', () => {
    const p = params({ partitions: 4, initialReplicas: 1 })
    const controller = new DecideController('lag', withPolicy(simScaler(p), 'lag', p), {
      keepDecisions: true,
    })
    record(
      steps(
        [
          [0, 50],
          [60, 400],
          [120, 50],
        ],
        240,
      ),
      p,
      controller,
    )
    expect(controller.decisions.length).toBe(240 / 5)
    for (const d of controller.decisions) expect(Object.keys(REASON_CODES)).toContain(d.reason)
    expect(controller.decisions.some((d) => d.desired > d.current)).toBe(true)
  })

  it('builds the lag view with rates since the previous reading', () => {
    const previous = { at: 0, logEnd: [0, 0], committed: [0, 0], lagSeconds: 0 }
    const now = { at: 5, logEnd: [50, 50], committed: [40, 45], lagSeconds: 1 }
    const v = lagViewOf(now, previous, 'orders')
    expect(v.productionRate).toBe(20)
    expect(v.consumptionRate).toBe(17)
    expect(v.partitions.map((x) => x.lag)).toEqual([10, 5])
    expect(lagViewOf(now, null, 'orders').productionRate).toBeNull()
  })
})

describe('keep-up count', () => {
  it.each([
    { name: 'idle', rate: 0, count: 0 },
    { name: 'one replica', rate: 90, count: 1 },
    { name: '4.5 replicas’ worth on 12 partitions needs 6 (5 leave 3 on the busiest)', rate: 450, count: 6 },
    { name: 'more than the partitions can take: all of them', rate: 5000, count: 12 },
  ])('$name', ({ rate, count }) => {
    const prod = new Production(steps([[0, rate]], 10), 12)
    expect(keepUpCount(prod, 0, 100, 12)).toBe(count)
  })
})

describe('oracle', () => {
  // 4 partitions, 100/s per replica, SLO 10 s; 60/s arrive: 0.6 replicas' worth.
  const p = params()
  const trace = steps([[0, 60]], 300)
  const production = new Production(trace, p.partitions)

  it('time-shares and waits until records are nearly due: about 0.6 replicas on average, lag within the SLO', () => {
    const { result, steps: s } = record(trace, p, new OracleController(production, p, 4))
    expect(result.metrics.secondsOverSlo).toBe(0)
    expect(result.metrics.replicaSeconds / 300).toBeGreaterThan(0.55)
    expect(result.metrics.replicaSeconds / 300).toBeLessThan(0.62)
    expect(s.some((x) => x.replicas === 0)).toBe(true)
  })

  it('oracle-1 never runs zero replicas while records arrive, so it pays at least one replica', () => {
    const { result, steps: s } = record(trace, p, new OracleController(production, p, 4, 1))
    expect(result.metrics.policy).toBe('oracle-1')
    expect(s.every((x) => x.replicas >= 1)).toBe(true)
    expect(result.metrics.replicaSeconds).toBeCloseTo(300, 0)
  })
})
