// The closed-form lower bounds (bounds.ts header) against hand-worked rows and against the planner itself.
import { describe, expect, it } from 'vitest'
import {
  addBrokersLowerBound,
  countBound,
  removeBrokersLowerBound,
} from '../../../src/analyzer/rebalance/bounds.ts'
import { planReassignment } from '../../../src/analyzer/rebalance/plan.ts'
import { bandAround } from '../../../src/analyzer/rebalance/targets.ts'
import { brokers, countsOf, striped } from './fixtures.ts'

describe('bandAround (±1 of the mean)', () => {
  it.each([
    ['whole mean 9', 36, 4, [8, 10]],
    ['fractional mean 4.29', 30, 7, [4, 5]],
    ['mean 0 (never below 0)', 0, 3, [0, 1]],
    ['mean below 1', 2, 3, [0, 1]],
  ])('%s', (_name, total, n, band) => expect(bandAround(total, n)).toEqual(band))
})

describe('addBrokersLowerBound', () => {
  it.each([
    // [name, replicas, brokers, added, bound]
    ['3 → 4, 36 replicas: mean 9, the new broker needs 8', 36, 3, 1, 8],
    ['6 → 7, 3000 replicas: mean 428.6, floor', 3000, 6, 1, 428],
    ['6 → 7, 42 replicas: mean 6 (whole), 6 − 1', 42, 6, 1, 5],
    ['3 → 5, 30 replicas: two brokers × 5', 30, 3, 2, 10],
    ['1 → 4, 12 replicas: the old broker sheds 8 (surplus beats 3 × 2)', 12, 1, 3, 8],
  ])('%s', (_name, replicas, brokerCount, added, bound) => {
    expect(addBrokersLowerBound({ replicas, brokers: brokerCount, added })).toBe(bound)
  })

  it.each([
    [3, 12, 3],
    [6, 1000, 3],
    [5, 333, 2],
    [4, 97, 1],
  ])('the planner reaches it: %i brokers, %i partitions, RF %i, one broker added', (b, p, rf) => {
    const ids = Array.from({ length: b }, (_, i) => i + 1)
    const report = planReassignment({ brokers: brokers(b + 1), partitions: striped('t', p, rf, ids) })
    expect(report.moves).toBe(addBrokersLowerBound({ replicas: p * rf, brokers: b }))
    expect(report.lowerBound.moves).toBe(report.moves)
  })
})

describe('removeBrokersLowerBound', () => {
  it('from a balanced start it is exactly the replicas on the removed broker', () => {
    const partitions = striped('t', 100, 3, [1, 2, 3, 4, 5])
    const counts = countsOf(partitions)
    expect(removeBrokersLowerBound(counts, [5])).toBe(counts.get(5))
    const report = planReassignment({ brokers: brokers(5), partitions }, { remove: [5] })
    expect(report.moves).toBe(counts.get(5))
  })

  it('from a skewed start the surplus elsewhere can dominate', () => {
    const counts = new Map([
      [1, 30],
      [2, 0],
      [3, 0],
      [4, 3],
    ])
    // 33 replicas on 3 brokers: band [10, 12]; broker 1 must shed 18, broker 4 its 3.
    expect(removeBrokersLowerBound(counts, [4])).toBe(21)
  })
})

describe('countBound', () => {
  it('is max(Σ deficits, Σ surpluses)', () => {
    expect(countBound([10, 0, 5], [4, 4, 4], [6, 6, 6])).toBe(4)
    expect(countBound([0, 0, 12], [4, 4, 4], [4, 4, 4])).toBe(8)
  })
})
