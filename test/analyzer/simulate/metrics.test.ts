import { describe, expect, it } from 'vitest'
import { burstDrains, bursts, drainSummary } from '../../../src/analyzer/simulate/metrics.ts'

const series = (rates: number[], lags: number[]) => ({
  step: 1,
  rate: Float64Array.from(rates),
  lagSeconds: Float64Array.from(lags),
})

describe('bursts and drains', () => {
  it('a burst is where the rate is above 1.5 × its 25th percentile', () => {
    expect(bursts(Float64Array.from([10, 10, 10, 30, 30, 10, 10, 14, 16, 10]), 1)).toEqual([
      { from: 3, to: 5 },
      { from: 8, to: 9 },
    ])
  })

  it('drain time counts from the burst end until lag time is at most 1 s; null when it never is before the next', () => {
    //            0   1   2   3   4   5   6   7   8   9
    const rate = [10, 10, 50, 50, 10, 10, 10, 50, 10, 10]
    // lag[k] is the lag at the end of step k, i.e. at k + 1 s: 0.5 s at 7 s, 3 s after the burst ended.
    const lag = [0, 0, 2, 4, 5, 3, 0.5, 2, 3, 4]
    expect(burstDrains(series(rate, lag))).toEqual([
      { from: 2, to: 4, drainSeconds: 3 },
      { from: 7, to: 8, drainSeconds: null },
    ])
  })

  it('summarises mean and max of the drained ones', () => {
    expect(
      drainSummary([
        { from: 0, to: 1, drainSeconds: 2 },
        { from: 5, to: 6, drainSeconds: 5 },
        { from: 8, to: 9, drainSeconds: null },
      ]),
    ).toEqual({ mean: 3.5, max: 5, undrained: 1 })
  })
})
