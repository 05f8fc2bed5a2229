import { describe, expect, it } from 'vitest'
import { GroupModel } from '../../../src/analyzer/simulate/group.ts'
import { movedPartitions } from '../../../src/analyzer/simulate/group-protocol.ts'
import { modelParams } from '../../../src/analyzer/simulate/params.ts'
import { Production } from '../../../src/analyzer/simulate/trace.ts'
import { at, params, record, Schedule, steps } from './helpers.ts'

const consumer = (overrides: Parameters<typeof params>[0] = {}) =>
  params({ groupProtocol: 'consumer', movedPauseSeconds: 3, ...overrides })

describe('consumer protocol: which partitions move', () => {
  it.each([
    {
      name: '12 partitions, 2 → 3: the new member takes its share',
      P: 12,
      before: 2,
      after: 3,
      moved: [2, 5, 8, 11],
    },
    { name: '12 partitions, 2 → 4', P: 12, before: 2, after: 4, moved: [2, 3, 6, 7, 10, 11] },
    { name: '12 partitions, 3 → 2: the removed member’s', P: 12, before: 3, after: 2, moved: [2, 5, 8, 11] },
    { name: '0 → 2: everything gets an owner', P: 4, before: 0, after: 2, moved: [0, 1, 2, 3] },
    { name: '4 partitions, 4 → 6: new members beyond the partitions', P: 4, before: 4, after: 6, moved: [] },
    { name: 'no change', P: 4, before: 2, after: 2, moved: [] },
  ])('$name', ({ P, before, after, moved }) => {
    expect(movedPartitions(P, before, after)).toEqual(moved)
  })
})

describe('consumer protocol in the group model', () => {
  // 4 partitions, 100/s per replica, always saturated (1000/s, 250/s a partition).
  const saturated = steps([[0, 1000]], 40)

  it('a scale-up pauses only the moved partitions; the others keep being consumed', () => {
    // 2 → 3 members at 10 (start-up 2 s: joins at 12): partition 2 moves (p mod 3 = 2), 0, 1, 3 do not.
    const p = consumer({ startupSeconds: 2, rebalancePauseSeconds: 100 })
    const production = new Production(saturated, p.partitions)
    const g = new GroupModel(production, p, 2)
    const snapshots: Float64Array[] = []
    while (g.t < 20 - 1e-9) {
      if (Math.abs(g.t - 10) < 1e-9) g.setReplicas(3)
      g.advance()
      for (const t of [12, 15]) if (Math.abs(g.t - t) < 1e-9) snapshots.push(Float64Array.from(g.consumed))
    }
    const [join, end] = snapshots as [Float64Array, Float64Array]
    expect(g.paused).toBe(false) // no group-wide stop
    expect(g.rebalances).toBe(1)
    // 12 → 15 (the moved pause): partition 2 waits for its new owner, the rest go on.
    expect((end[2] as number) - (join[2] as number)).toBeCloseTo(0, 6)
    for (const q of [0, 1, 3]) expect((end[q] as number) - (join[q] as number)).toBeGreaterThan(50)
    // Members 0 and 1 (p mod 3) own 0, 3 and 1: all their capacity is used, 200/s for 3 s.
    const others = [0, 1, 3].reduce((s, q) => s + (end[q] as number) - (join[q] as number), 0)
    expect(others).toBeCloseTo(600, 6)
  })

  it('after the moved pause the new member consumes: 3 members × 100/s', () => {
    const p = consumer({ startupSeconds: 2 })
    const { steps: s } = record(saturated, p, new Schedule(2, [[10, 3]]))
    expect(at(s, 15).consumed - at(s, 12).consumed).toBeCloseTo(600, 6) // pause: the old members only
    expect(at(s, 20).consumed - at(s, 15).consumed).toBeCloseTo(1500, 6)
  })

  it('a scale-down pauses the removed member’s partitions only', () => {
    // 3 → 2 at 10: partition 2 (member 2's) moves; members 0 and 1 go on at full capacity.
    const p = consumer()
    const { result, steps: s } = record(saturated, p, new Schedule(3, [[10, 2]]))
    expect(at(s, 13).consumed - at(s, 10).consumed).toBeCloseTo(600, 6)
    expect(result.metrics.rebalances).toBe(1)
  })

  it('classic stops the whole group on the same scale-up (the reference)', () => {
    const p = params({ startupSeconds: 2, rebalancePauseSeconds: 3 })
    const { steps: s } = record(saturated, p, new Schedule(2, [[10, 3]]))
    expect(at(s, 15).consumed - at(s, 12).consumed).toBeCloseTo(0, 6)
  })

  it('a pause that ends inside a step resumes the partition for the rest of the step', () => {
    const p = consumer({ startupSeconds: 2, movedPauseSeconds: 3.1 })
    const { steps: s } = record(saturated, p, new Schedule(2, [[10, 3]]))
    // 12 → 15.25: 200/s throughout, plus member 2 on partition 2 from 15.1 (0.15 s × 100/s).
    expect(at(s, 15.25).consumed - at(s, 12).consumed).toBeCloseTo(3.25 * 200 + 15, 6)
  })

  it.each([
    { name: '3 replicas, 12 partitions, 240/s', partitions: 12, replicas: 3, rate: 240, batch: 0 },
    { name: 'batch service, 2 replicas, 190/s', partitions: 4, replicas: 2, rate: 190, batch: 300_000 },
  ])('a constant rate below capacity never builds lag: $name', ({ partitions, replicas, rate, batch }) => {
    const p = consumer({ partitions, fetchBatchRecords: batch })
    const { result } = record(steps([[0, rate]], 600), p, new Schedule(replicas))
    expect(result.metrics.maxLagRecords).toBe(0)
    expect(result.metrics.secondsOverSlo).toBe(0)
  })

  it('gives the same numbers on every run', () => {
    const trace = steps(
      [
        [0, 150],
        [30, 600],
        [90, 150],
      ],
      200,
    )
    const schedule = () =>
      new Schedule(2, [
        [35, 4],
        [60, 6],
        [100, 3],
      ])
    const p = consumer({ partitions: 12, startupSeconds: 2, movedPauseSeconds: 7.5, fetchBatchRecords: 500 })
    const a = record(trace, p, schedule())
    const b = record(trace, p, schedule())
    expect(a.result).toEqual(b.result)
    expect(a.steps).toEqual(b.steps)
    expect(a.result.metrics.rebalances).toBe(3)
  })
})

describe('model parameters: group protocol', () => {
  it('classic by default, consumer with the measured moved pause', () => {
    expect(modelParams().groupProtocol).toBe('classic')
    const p = modelParams({ groupProtocol: 'consumer' })
    expect(p.movedPauseSeconds).toBe(7.5)
    expect(modelParams({ groupProtocol: 'consumer', movedPauseSeconds: 10 }).movedPauseSeconds).toBe(10)
  })

  it.each([
    {
      name: 'unknown protocol',
      o: { groupProtocol: 'eager' },
      flag: '--group-protocol',
      message: /classic or consumer/,
    },
    {
      name: 'negative moved pause',
      o: { groupProtocol: 'consumer', movedPauseSeconds: -1 },
      flag: '--moved-pause',
      message: /from 0 to 3600/,
    },
    {
      name: 'moved pause with classic',
      o: { movedPauseSeconds: 5 },
      flag: '--moved-pause',
      message: /applies to --group-protocol consumer/,
    },
  ])('rejects $name, naming the flag', ({ o, flag, message }) => {
    let error: unknown
    try {
      modelParams(o as Parameters<typeof modelParams>[0])
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ field: flag })
    expect(String((error as Error).message)).toMatch(message)
  })
})
