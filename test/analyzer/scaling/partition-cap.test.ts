import { describe, expect, it } from 'vitest'
import {
  balancedCount,
  divisors,
  isEvenCount,
  nextDivisor,
  roundReplicas,
  snapToEven,
} from '../../../src/analyzer/scaling/partition-cap.ts'

describe('divisors (KEDA TestFindFactors)', () => {
  it.each([
    [10, [1, 2, 5, 10]],
    [13, [1, 13]],
    [17, [1, 17]],
    [25, [1, 5, 25]],
    [50, [1, 2, 5, 10, 25, 50]],
    [100, [1, 2, 4, 5, 10, 20, 25, 50, 100]],
  ])('%i → %j', (n, expected) => expect(divisors(n)).toEqual(expected))
})

describe('nextDivisor (KEDA TestGetNextFactor, P=100, T=10)', () => {
  it.each([
    [10, 1],
    [20, 2],
    [40, 4],
    [50, 5],
    [99, 10],
    [100, 10],
    [101, 20],
  ])('lag %i → %i replicas', (lag, expected) => expect(nextDivisor(lag / 10, 100)).toBe(expected))

  it.each([
    [1, 1],
    [10, 1],
    [11, 2],
    [20, 2],
    [21, 5],
    [50, 5],
    [51, 10],
  ])('docs ladder P=10, T=10: lag %i → %i', (lag, expected) =>
    expect(roundReplicas(lag / 10, 10, 'divisor')).toBe(expected),
  )
})

describe('balanced spread: never a count whose busiest consumer has as many partitions as a smaller count', () => {
  it.each([
    ['12 partitions, 4 replicas worth', 4, 12, 4],
    ['12 partitions, 4.5 → 6 (5 would leave 3 on the busiest, like 4)', 4.5, 12, 6],
    ['12 partitions, 5 → 6', 5, 12, 6],
    ['10 partitions, 3 → 4: 3 replicas leave 4 partitions (0.4) on the busiest, more than a third', 3, 10, 4],
    ['10 partitions, 3.4 → 5 (busiest 2)', 3.4, 10, 5],
    ['10 partitions, 2.5 → 3 (busiest 4 = 1/2.5)', 2.5, 10, 3],
    ['10 partitions, 2.1 → 3: divisor would say 5', 2.1, 10, 3],
    ['10 partitions, 6 → 10', 6, 10, 10],
    ['below one replica', 0.2, 10, 1],
    ['nothing to do', 0, 10, 0],
  ])('%s', (_name, x, p, expected) => expect(balancedCount(x, p)).toBe(expected))

  it('every balanced count is an even count, and the smallest giving its busiest load', () => {
    for (let p = 1; p <= 40; p++) {
      for (let x = 0.25; x <= p; x += 0.25) {
        const n = balancedCount(x, p)
        expect(isEvenCount(n, p, 'balanced')).toBe(true)
        expect(Math.ceil(p / n)).toBeLessThanOrEqual(p / x + 1e-9)
      }
    }
  })
})

describe('roundReplicas', () => {
  it.each([
    ['any: ceil', 3.2, 12, 'any', 4],
    ['any: exact stays exact (no float drift)', 30 / 10, 12, 'any', 3],
    ['beyond the partitions, left to the cap', 20, 12, 'balanced', 20],
  ] as const)('%s', (_name, x, p, mode, expected) => expect(roundReplicas(x, p, mode)).toBe(expected))
})

describe('snapToEven', () => {
  it.each([
    ['rate limit gave 5 of 12 on the way up: back to 4', 5, 1, 12, 'balanced', 4],
    ['5 of 12 from 4: no even count between, keep 5 (progress)', 5, 4, 12, 'balanced', 5],
    ['7 of 12 on the way down from 12: 12 is current, keep 7', 7, 12, 12, 'divisor', 7],
    ['9 of 12 down from 12: nearest even above is 12 (current): keep', 9, 12, 12, 'balanced', 9],
    ['5 of 12 down from 8: up to 6', 5, 8, 12, 'balanced', 6],
    ['mode any never moves', 5, 1, 12, 'any', 5],
  ] as const)('%s', (_name, desired, current, p, mode, expected) => {
    expect(snapToEven(desired, current, p, mode)).toBe(expected)
  })
})
