import { describe, expect, it } from 'vitest'
import { applyRateLimits, scaleDownLimit, scaleUpLimit } from '../../../src/analyzer/scaling/rate-limit.ts'
import type { ScaleEvent } from '../../../src/analyzer/scaling/types.ts'
import { config, T0 } from './fixtures.ts'

const defaults = config().behavior
const events = (entries: ReadonlyArray<readonly [number, number]>): ScaleEvent[] =>
  entries.map(([ago, delta]) => ({ at: T0 - ago * 1000, delta }))

describe('scale-up limit (defaults: Pods 4 and Percent 100 per 15 s, Max)', () => {
  it.each([
    ['from 1: Pods wins, 5', 1, [], 5],
    ['from 10: Percent wins, 20', 10, [], 20],
    ['just scaled 1 → 5: period start is 1, so 5 is the limit', 5, [[5, 4]], 5],
    ['event exactly one period old no longer counts', 5, [[15, 4]], 10],
    ['a scale-down in the period raises the start', 4, [[5, -2]], 12],
  ] as const)('%s', (_name, current, history, expected) => {
    expect(scaleUpLimit(current, events(history), defaults.scaleUp, T0)).toBe(expected)
  })

  it.each([
    ['Min picks the smaller change', 'Min', 10, 14],
    ['Max picks the larger change', 'Max', 10, 20],
  ] as const)('%s', (_name, selectPolicy, current, expected) => {
    const rules = { ...defaults.scaleUp, selectPolicy }
    expect(scaleUpLimit(current, [], rules, T0)).toBe(expected)
  })

  it('Disabled allows nothing', () => {
    expect(scaleUpLimit(3, [], { ...defaults.scaleUp, selectPolicy: 'Disabled' }, T0)).toBeNull()
  })
})

describe('scale-down limit', () => {
  const rules = config({
    behavior: {
      scaleDown: {
        policies: [
          { type: 'Pods', value: 2, periodSeconds: 60 },
          { type: 'Percent', value: 10, periodSeconds: 60 },
        ],
      },
    },
  }).behavior.scaleDown
  it.each([
    ['Max = the largest change: Pods 2 of 10 beats 10 %', 'Max', 10, [], 8],
    ['Min = the smallest change: 10 % of 10', 'Min', 10, [], 9],
    ['removed earlier in the period count', 'Max', 8, [[30, -2]], 8],
    ['default Percent 100 allows zero', 'default', 5, [], 0],
  ] as const)('%s', (_name, selectPolicy, current, history, expected) => {
    const r = selectPolicy === 'default' ? defaults.scaleDown : { ...rules, selectPolicy }
    expect(scaleDownLimit(current, events(history), r, T0)).toBe(expected)
  })
})

describe('applyRateLimits: reasons as the HPA gives them', () => {
  it.each([
    ['within range', 6, 4, { min: 1, max: 10 }, 6, null],
    ['faster than the policies', 30, 4, { min: 1, max: 100 }, 8, 'ScaleUpLimit'],
    ['above max, policies would allow it', 12, 8, { min: 1, max: 10 }, 10, 'TooManyReplicas'],
    ['below min', 0, 4, { min: 2, max: 10 }, 2, 'TooFewReplicas'],
    ['below min while cooling down', 0, 4, { min: 1, max: 10, minReason: 'CooldownHold' }, 1, 'CooldownHold'],
  ] as const)('%s', (_name, desired, current, bounds, expected, reason) => {
    const got = applyRateLimits(desired, current, [], defaults, bounds, T0)
    expect([got.replicas, got.limit?.reason ?? null]).toEqual([expected, reason])
  })

  it('Disabled scale-down holds the count', () => {
    const b = config({ behavior: { scaleDown: { selectPolicy: 'Disabled' } } }).behavior
    const got = applyRateLimits(1, 5, [], b, { min: 1, max: 10 }, T0)
    expect([got.replicas, got.limit?.reason]).toEqual([5, 'ScaleDownDisabled'])
  })
})
