import { describe, expect, it } from 'vitest'
import { GroupModel } from '../../../src/analyzer/simulate/group.ts'
import { Production } from '../../../src/analyzer/simulate/trace.ts'
import { at, params, record, Schedule, steps } from './helpers.ts'

describe('consumer-group model: keeping up', () => {
  it.each([
    { name: '1 replica, 4 partitions, 80/s of 100/s', partitions: 4, replicas: 1, rate: 80, batch: 0 },
    { name: '3 replicas, 12 partitions, 240/s', partitions: 12, replicas: 3, rate: 240, batch: 0 },
    {
      name: '5 replicas, 12 partitions, 380/s (busiest has 3)',
      partitions: 12,
      replicas: 5,
      rate: 380,
      batch: 0,
    },
    { name: 'batch service, 1 replica, 95/s', partitions: 4, replicas: 1, rate: 95, batch: 300_000 },
    { name: 'with commits every second', partitions: 4, replicas: 2, rate: 150, batch: 0, commit: 1 },
  ])(
    'a constant rate below capacity never builds lag: $name',
    ({ partitions, replicas, rate, batch, commit }) => {
      const p = params({ partitions, fetchBatchRecords: batch, commitIntervalSeconds: commit ?? 0 })
      const { result } = record(steps([[0, rate]], 600), p, new Schedule(replicas))
      expect(result.metrics.maxLagRecords).toBe(0)
      expect(result.metrics.maxLagSeconds).toBe(0)
      expect(result.metrics.secondsOverSlo).toBe(0)
    },
  )

  it('5 replicas on 12 partitions cannot keep up with 420/s: the busiest member owns 3 partitions', () => {
    // 420/s is 35/s per partition; 3 × 35 = 105 > 100, although 5 × 100 = 500 > 420.
    const { result } = record(steps([[0, 420]], 100), params({ partitions: 12 }), new Schedule(5))
    expect(result.metrics.maxLagRecords).toBeGreaterThan(100)
  })
})

describe('consumer-group model: bursts', () => {
  // Backlog B = (r1 − n·C)·D; it drains at n·C − r0; lag time falls to 1 s once r0 records are left.
  it.each([
    { name: '1 replica, 50/s, burst 200/s for 20 s', n: 1, r0: 50, r1: 200, D: 20 },
    { name: '2 replicas, 100/s, burst 400/s for 10 s', n: 2, r0: 100, r1: 400, D: 10 },
    { name: '3 replicas on 6 partitions, 150/s, burst 600/s for 30 s', n: 3, r0: 150, r1: 600, D: 30, P: 6 },
  ])('a burst drains in the expected time: $name', ({ n, r0, r1, D, P }) => {
    const p = params({ partitions: P ?? 4 })
    const trace = steps(
      [
        [0, r0],
        [60, r1],
        [60 + D, r0],
      ],
      600,
    )
    const { result } = record(trace, p, new Schedule(n))
    const backlog = (r1 - n * 100) * D
    expect(result.metrics.maxLagRecords).toBeGreaterThanOrEqual(backlog - r1 * 0.25)
    expect(result.metrics.maxLagRecords).toBeLessThanOrEqual(backlog + 1)
    const drain = result.metrics.drains[0]?.drainSeconds
    expect(drain).toBeCloseTo((backlog - r0) / (n * 100 - r0), 0)
  })
})

describe('consumer-group model: rebalances and start-up', () => {
  // 4 partitions, 100/s per replica, always saturated (1000/s), so consumption = members × 100 unless paused.
  const saturated = steps([[0, 1000]], 40)
  const consumedBetween = (s: ReturnType<typeof record>['steps'], from: number, to: number) =>
    at(s, to).consumed - at(s, from).consumed

  it('a new replica consumes only after start-up, and its join pauses the whole group', () => {
    const p = params({ startupSeconds: 2, rebalancePauseSeconds: 3 })
    const { result, steps: s } = record(saturated, p, new Schedule(2, [[10, 3]]))
    expect(consumedBetween(s, 5, 10)).toBeCloseTo(1000, 6) // 2 members
    expect(consumedBetween(s, 10, 12)).toBeCloseTo(400, 6) // starting: the old members go on
    expect(consumedBetween(s, 12, 15)).toBeCloseTo(0, 6) // the join: everyone stops for 3 s
    expect(consumedBetween(s, 15, 20)).toBeCloseTo(1500, 6) // 3 members
    expect(at(s, 11).members).toBe(2)
    expect(at(s, 11).replicas).toBe(3) // a starting replica costs already
    expect(result.metrics.replicaSeconds).toBeCloseTo(2 * 10 + 3 * 30, 6)
    expect(result.metrics.rebalances).toBe(1)
  })

  it('a replica leaving pauses the group, then the rest consume', () => {
    const p = params({ rebalancePauseSeconds: 3 })
    const { result, steps: s } = record(saturated, p, new Schedule(3, [[10, 2]]))
    expect(consumedBetween(s, 10, 13)).toBeCloseTo(0, 6)
    expect(consumedBetween(s, 13, 18)).toBeCloseTo(1000, 6)
    expect(result.metrics.rebalances).toBe(1)
  })

  it('removing a replica that has not joined yet costs no rebalance', () => {
    const p = params({ startupSeconds: 5, rebalancePauseSeconds: 3 })
    const { result, steps: s } = record(
      saturated,
      p,
      new Schedule(2, [
        [10, 3],
        [12, 2],
      ]),
    )
    expect(result.metrics.rebalances).toBe(0)
    expect(consumedBetween(s, 10, 20)).toBeCloseTo(2000, 6)
  })

  it('a join during a pause restarts it; changes at the same instant are one rebalance', () => {
    const p = params({ startupSeconds: 0, rebalancePauseSeconds: 3 })
    const { result, steps: s } = record(
      saturated,
      p,
      new Schedule(1, [
        [10, 3],
        [11.5, 4],
      ]),
    )
    expect(consumedBetween(s, 10, 14.5)).toBeCloseTo(0, 6)
    expect(consumedBetween(s, 14.5, 16.5)).toBeCloseTo(800, 6)
    expect(result.metrics.rebalances).toBe(2)
  })
})

describe('consumer-group model: what policies see', () => {
  it.each([
    { name: 'continuous commits', commit: 0, expected: 0 },
    // Commits half an interval before each reading: 0.5 s of 100/s not committed yet.
    { name: 'commits every second', commit: 1, expected: 50 },
    { name: 'commits every 4 seconds', commit: 4, expected: 200 },
  ])('committed lag of a group that keeps up: $name', ({ commit, expected }) => {
    const p = params({ commitIntervalSeconds: commit })
    const { steps: s } = record(steps([[0, 100]], 60), p, new Schedule(2))
    const readings = s.filter((x) => Math.abs(x.t % 4) < 1e-9 && x.t > 10).map((x) => x.committedLag)
    for (const lag of readings) expect(lag).toBeCloseTo(expected, -1)
  })

  it.each([
    { delay: 0, at: 11, logEnd: 1300 },
    { delay: 2, at: 9, logEnd: 900 },
  ])('a metric delay of $delay s shows the offsets of that long ago', ({ delay, at: readAt, logEnd }) => {
    const p = params({ metricDelaySeconds: delay })
    const group = new GroupModel(
      new Production(
        steps(
          [
            [0, 100],
            [10, 300],
          ],
          30,
        ),
        4,
      ),
      p,
      4,
    )
    while (group.t < 11 - 1e-9) group.advance()
    const obs = group.observe()
    expect(obs.at).toBeCloseTo(readAt, 9)
    expect(obs.logEnd.reduce((a, b) => a + b, 0)).toBe(logEnd)
  })

  it('batch service starves partitions under a backlog: same lag in records, far older oldest record', () => {
    const trace = steps(
      [
        [0, 80],
        [10, 180],
        [70, 80],
      ],
      200,
    )
    const fair = record(trace, params({ partitions: 12, fetchBatchRecords: 0 }), new Schedule(1)).result
      .metrics
    const batch = record(trace, params({ partitions: 12, fetchBatchRecords: 300_000 }), new Schedule(1))
      .result.metrics
    expect(batch.maxLagRecords).toBeCloseTo(fair.maxLagRecords, -1)
    expect(batch.maxLagSeconds).toBeGreaterThan(1.5 * fair.maxLagSeconds)
  })
})
