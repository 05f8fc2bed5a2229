import { describe, expect, it } from 'vitest'
import { ewma, learnThroughput } from '../../../src/analyzer/scaling/throughput.ts'
import type { ThroughputEstimate, ThroughputWindow } from '../../../src/analyzer/scaling/types.ts'
import { partitions, T0 } from './fixtures.ts'

const settings = { throughputHalfLifeSeconds: 60, throughputSampleSeconds: 30, warmupSeconds: 30 }

/**
 * Feeds learnThroughput one evaluation every 5 s: 4 partitions whose committed offsets advance by `rate`
 * records/s in total, each with `lag` (0 means idle). Returns the final estimate.
 */
function feed(options: {
  seconds: number
  rate: number
  replicas: number
  lag: number
  estimate?: ThroughputEstimate | null
  lastScaleAt?: number | null
  stallAt?: number
}) {
  let window: ThroughputWindow | null = null
  let estimate = options.estimate ?? null
  let committed = 0
  const samples: number[] = []
  for (let t = 0; t <= options.seconds; t += 5) {
    const specs = [0, 1, 2, 3].map(() => ({ committed: 1000 + committed / 4, lag: options.lag }))
    const out = learnThroughput({
      window,
      estimate,
      partitions: partitions(specs),
      busy: options.lag > 0,
      current: options.replicas,
      lastScaleAt: options.lastScaleAt ?? null,
      now: T0 + t * 1000,
      settings,
    })
    window = out.window
    estimate = out.estimate
    if (out.sample !== null) samples.push(out.sample)
    if (options.stallAt === undefined || t < options.stallAt) committed += options.rate * 5
  }
  return { estimate, samples }
}

describe('learnThroughput', () => {
  it.each([
    [
      'busy for 30 s at 400/s with 2 replicas: 200 each',
      { seconds: 30, rate: 400, replicas: 2, lag: 50 },
      200,
    ],
    ['more replicas than partitions: only 4 consume', { seconds: 30, rate: 400, replicas: 8, lag: 50 }, 100],
    ['not long enough for a sample', { seconds: 25, rate: 400, replicas: 2, lag: 50 }, null],
    ['idle consumers teach nothing', { seconds: 120, rate: 400, replicas: 2, lag: 0 }, null],
    ['busy but nothing committed: stuck, not slow', { seconds: 60, rate: 0, replicas: 2, lag: 50 }, null],
    [
      'within warm-up after a scale change: skipped',
      { seconds: 50, rate: 400, replicas: 2, lag: 50, lastScaleAt: T0 + 20_000 },
      null,
    ],
  ] as const)('%s', (_name, options, expected) => {
    const { estimate } = feed(options)
    expect(estimate?.perReplica ?? null).toBe(expected)
  })

  it('idle intervals may raise a known estimate (a lower bound), never lower it', () => {
    const low = { perReplica: 50, samples: 1, at: T0 }
    expect(feed({ seconds: 60, rate: 400, replicas: 2, lag: 0, estimate: low }).estimate?.perReplica).toBe(
      200,
    )
    const high = { perReplica: 500, samples: 1, at: T0 }
    expect(feed({ seconds: 60, rate: 400, replicas: 2, lag: 0, estimate: high }).estimate?.perReplica).toBe(
      500,
    )
  })

  it('a stall inside a busy window lowers that sample (it is real lost capacity) but not to zero', () => {
    const { samples } = feed({ seconds: 30, rate: 400, replicas: 2, lag: 50, stallAt: 15 })
    expect(samples).toEqual([100])
  })
})

describe('ewma', () => {
  it.each([
    ['first sample is the estimate', null, 80, 0, 80],
    ['one half-life later: halfway', { perReplica: 100, samples: 1, at: T0 }, 200, 60, 150],
    ['two half-lives: three quarters', { perReplica: 100, samples: 1, at: T0 }, 200, 120, 175],
    ['no time elapsed: unchanged', { perReplica: 100, samples: 1, at: T0 }, 200, 0, 100],
  ] as const)('%s', (_name, previous, sample, seconds, expected) => {
    expect(ewma(previous, sample, T0 + seconds * 1000, 60).perReplica).toBeCloseTo(expected, 9)
  })
})
