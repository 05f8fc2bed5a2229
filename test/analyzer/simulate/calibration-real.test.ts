// The model against real runs on the local stack (src/sim/calibrate.ts, src/sim/calibrate-daemon.ts; the
// recordings are in test/fixtures/simulate/). These are the tolerances docs/simulate.md states: a change
// to the model or its defaults that moves it away from the real consumer group fails here.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DecideController } from '../../../src/analyzer/simulate/autopilot.ts'
import { compareWithObserved } from '../../../src/analyzer/simulate/calibration.ts'
import { FixedController } from '../../../src/analyzer/simulate/controller.ts'
import { modelParams } from '../../../src/analyzer/simulate/params.ts'
import { parseTraceCsv } from '../../../src/analyzer/simulate/trace.ts'
import { parseConfig } from '../../../src/config/load.ts'

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/simulate/${name}`, import.meta.url), 'utf8')

describe('model vs the real consumer group (defaults, fixed workers)', () => {
  it.each([
    // 2 workers, 200/s → 1500/s for 60 s → 200/s.
    { file: 'fixed.csv', meanShare: 0.03, peakShare: 0.1, lagSeconds: 3 },
    // 2 workers, 200/s → 1000/s for 60 s with a third worker joining at 45 s and leaving at 75 s.
    { file: 'rebalance.csv', meanShare: 0.1, peakShare: 0.25, lagSeconds: 3 },
  ])(
    '$file: lag within $meanShare of the real peak on average, peak within $peakShare, lag time within $lagSeconds s',
    ({ file, meanShare, peakShare, lagSeconds }) => {
      const trace = parseTraceCsv(fixture(file), file)
      const c = compareWithObserved(trace, modelParams(), new FixedController(trace))
      expect(c.lag.meanAbs).toBeLessThanOrEqual(meanShare * c.lag.observedPeak)
      expect(Math.abs(c.lag.simulatedPeak - c.lag.observedPeak)).toBeLessThanOrEqual(
        peakShare * c.lag.observedPeak,
      )
      expect(c.lagSeconds.meanAbs).toBeLessThanOrEqual(lagSeconds)
    },
  )
})

describe.each(['lag', 'slo'] as const)(
  'replay of an autoscaled run (autopilot run, %s policy, demo bursts)',
  (policy) => {
    const trace = parseTraceCsv(fixture(`daemon-${policy}.csv`), `daemon-${policy}.csv`)
    const scaler = parseConfig(fixture(`daemon-${policy}.yaml`)).config.scalers[0]
    const initial = trace.observed[0]?.replicas ?? 1
    const c = compareWithObserved(
      trace,
      modelParams({ initialReplicas: initial }),
      new DecideController(policy, scaler!),
    )

    it('replica count within ±1 of the real one on at least 70 % of decisions', () => {
      const close = c.rows.filter((r) => Math.abs(r.simulatedReplicas - (r.observedReplicas ?? 0)) <= 1)
      expect(close.length / c.rows.length).toBeGreaterThanOrEqual(0.7)
    })

    it('replica-seconds within 20 %, lag peak within 35 %', () => {
      let real = 0
      let simulated = 0
      for (const [i, r] of c.rows.entries()) {
        const next = c.rows[i + 1]
        if (!next) break
        real += (r.observedReplicas ?? 0) * (next.t - r.t)
        simulated += r.simulatedReplicas * (next.t - r.t)
      }
      expect(Math.abs(simulated / real - 1)).toBeLessThanOrEqual(0.2)
      expect(Math.abs(c.lag.simulatedPeak / c.lag.observedPeak - 1)).toBeLessThanOrEqual(0.35)
    })
  },
)
