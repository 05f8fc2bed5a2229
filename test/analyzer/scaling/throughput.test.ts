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

describe('learnThroughput: saturation, not just lag', () => {
  const withBusy = { ...settings, throughputSampleSeconds: 10, busyLagSeconds: 10 }
  /** 4 partitions, 2 replicas consuming `rate`/s while `production`/s arrive; total lag per step given. */
  function run(lags: number[], rate: number, production: number, estimate: ThroughputEstimate | null = null) {
    let window: ThroughputWindow | null = null
    let current = estimate
    let committed = 0
    for (const [i, lag] of lags.entries()) {
      const out = learnThroughput({
        window,
        estimate: current,
        partitions: partitions([0, 1, 2, 3].map(() => ({ committed: 1000 + committed / 4, lag: lag / 4 }))),
        busy: lag > 0,
        totalLag: lag,
        productionRate: production,
        current: 2,
        lastScaleAt: null,
        now: T0 + i * 5000,
        settings: withBusy,
      })
      window = out.window
      current = out.estimate
      committed += rate * 5
    }
    return current
  }

  it('a group that keeps up, with a second of lag from commit timing, is not taken for saturated', () => {
    // 400/s arrive and are consumed; the lag is what one second of commits leaves (400), never growing.
    expect(run(Array(30).fill(400), 400, 400)).toBeNull()
  })

  it('a known estimate is not dragged down to what such a group consumes', () => {
    const known = { perReplica: 380, samples: 3, at: T0 }
    expect(run(Array(30).fill(400), 400, 400, known)?.perReplica).toBe(380)
  })

  it('lag growing by more than a second of production from a start already behind: a first estimate at once', () => {
    // 2 replicas consume 760/s while 1800/s arrive: lag grows by 5200 per 5 s.
    const estimate = run([2000, 7200, 12_400], 760, 1800)
    expect(estimate?.perReplica).toBe(380)
  })

  it('lag time above busyLagSeconds at both ends: busy, learned over throughputSampleSeconds', () => {
    // Steady backlog of 20 s of production, consumption 760/s (2 × 380): saturated though not growing.
    expect(run(Array(4).fill(36_000), 760, 1800)?.perReplica).toBe(380)
  })
})
