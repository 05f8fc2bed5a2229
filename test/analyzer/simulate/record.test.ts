import { describe, expect, it } from 'vitest'
import { traceRowsFromDecisions } from '../../../src/analyzer/simulate/record.ts'

const decision = (
  at: number,
  outcome: string,
  current: number,
  desired: number,
  production: number | null,
) => ({
  at,
  outcome,
  inputs: {
    current,
    desired,
    replicas: { desired: current, current, ready: current },
    lag: { totalLag: current * 100 },
    rates: { production, consumption: 7, lagSeconds: current / 2 },
  },
})

describe('trace rows from journaled decisions', () => {
  it('shifts rates to the interval they describe, takes scaled counts, orders by time', () => {
    const rows = traceRowsFromDecisions([
      decision(1_000_010_000, 'hold', 2, 2, 300),
      decision(1_000_000_000, 'hold', 2, 2, null),
      decision(1_000_005_000, 'scale', 2, 4, 200),
    ])
    expect(rows).toEqual([
      { t: 0, recordsPerSecond: 200, replicas: 2, lag: 200, lagSeconds: 1 },
      { t: 5, recordsPerSecond: 300, replicas: 4, lag: 200, lagSeconds: 1 },
      { t: 10, recordsPerSecond: 300, replicas: 2, lag: 200, lagSeconds: 1 },
    ])
  })

  it('falls back to the consumption rate, skips entries without inputs and repeated times', () => {
    const rows = traceRowsFromDecisions([
      decision(0, 'hold', 1, 1, null),
      { at: 500, outcome: null, inputs: null },
      decision(1000, 'hold', 1, 1, null),
      decision(1000, 'hold', 1, 1, 5),
    ])
    expect(rows.map((r) => [r.t, r.recordsPerSecond])).toEqual([
      [0, 7],
      [1, 5],
    ])
  })

  it('no decisions, no rows', () => {
    expect(traceRowsFromDecisions([])).toEqual([])
  })
})
