import { describe, expect, it } from 'vitest'
import { recordRecommendation, stabilize } from '../../../src/analyzer/scaling/stabilization.ts'
import { config, T0 } from './fixtures.ts'

const behavior = config({
  behavior: { scaleUp: { stabilizationWindowSeconds: 60 }, scaleDown: { stabilizationWindowSeconds: 300 } },
}).behavior

/** History given as [seconds ago, replicas]. */
const history = (entries: ReadonlyArray<readonly [number, number]>) =>
  entries.map(([ago, replicas]) => ({ at: T0 - ago * 1000, replicas }))

describe('stabilize (HPA stabilization windows)', () => {
  it.each([
    ['no history: proposal as is', 5, 3, [], 5, null],
    [
      'scale up only to the lowest in the up window',
      8,
      3,
      [
        [30, 5],
        [50, 9],
      ],
      5,
      'ScaleUpStabilized',
    ],
    ['entries older than the up window do not hold scale-up', 8, 3, [[61, 4]], 8, null],
    [
      'scale down only to the highest in the down window',
      2,
      6,
      [
        [100, 5],
        [200, 4],
      ],
      5,
      'ScaleDownStabilized',
    ],
    ['the down window can hold at current', 2, 6, [[299, 7]], 6, 'ScaleDownStabilized'],
    ['older than the down window: free to go down', 2, 6, [[300, 7]], 2, null],
    ['steady: equal proposal', 4, 4, [[10, 9]], 4, null],
  ] as const)('%s', (_name, proposal, current, entries, expected, reason) => {
    const got = stabilize(proposal, current, history(entries), behavior, T0)
    expect(got.replicas).toBe(expected)
    expect(got.limit?.reason ?? null).toBe(reason)
  })

  it('keeps entries only as long as the longest window', () => {
    const kept = recordRecommendation(
      history([
        [400, 1],
        [299, 2],
      ]),
      3,
      behavior,
      T0,
    )
    expect(kept.map((r) => r.replicas)).toEqual([2, 3])
  })
})
