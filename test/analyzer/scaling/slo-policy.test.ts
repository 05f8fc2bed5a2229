import { describe, expect, it } from 'vitest'
import { sloPolicy } from '../../../src/analyzer/scaling/slo-policy.ts'
import type { LagFigures } from '../../../src/analyzer/scaling/types.ts'
import { config, Driver, T0 } from './fixtures.ts'
import { World } from './world.ts'

const slo = (policy: Record<string, unknown> = {}) => {
  const p = config({ policy: { type: 'slo', maxLagSeconds: 30, ...policy } }).policy
  if (p.type !== 'slo') throw new Error('slo policy expected')
  return p
}
const figures = (totalLag: number, partitions = 12): LagFigures => ({
  totalLag,
  activationLag: totalLag,
  partitions,
  partitionsWithLag: totalLag > 0 ? partitions : 0,
  unknownPartitions: 0,
  persistentPartitions: 0,
})
const learned = (perReplica: number) => ({ perReplica, samples: 3, at: T0 })
const inputs = (over: Partial<Parameters<typeof sloPolicy>[1]> = {}) => ({
  lag: figures(150),
  productionRate: 1800,
  consumptionRate: 1800,
  lagSeconds: 0.5,
  estimate: learned(380),
  current: 6,
  sinceScaleSeconds: null,
  pollingSeconds: 5,
  ...over,
})

describe('slo policy: the plan with the configured budget and throughput', () => {
  it('defaults: utilisation 1, half the SLO as lag budget, 10 s to settle', () => {
    expect(slo()).toMatchObject({
      targetUtilization: 1,
      lagBudget: 0.5,
      settleSeconds: 10,
      busyLagSeconds: 10,
    })
  })

  it.each([
    ['learned 380/s, 1800/s arriving, lag low: 4 with the budget', {}, {}, 'learned', 4, 'budget'],
    ['lagBudget 0: 6, the count that keeps up', { lagBudget: 0 }, {}, 'learned', 6, 'keep-up'],
    [
      'targetUtilization 0.5 plans with 190/s: 12 kept',
      { targetUtilization: 0.5 },
      { current: 12 },
      'learned',
      12,
      'keep-up',
    ],
    [
      'initialThroughputPerReplica until something is learned',
      { initialThroughputPerReplica: 380 },
      { estimate: null },
      'initial',
      4,
      'budget',
    ],
    [
      'the consumption rate stands in for an unknown production rate',
      {},
      { productionRate: null, consumptionRate: 300, current: 4 },
      'learned',
      1,
      'keep-up',
    ],
  ] as const)('%s', (_name, policy, over, mode, replicas, step) => {
    const r = sloPolicy(slo(policy), inputs(over))
    expect([r.mode, r.replicas, r.step]).toEqual([mode, replicas, step])
  })

  describe('bootstrap: nothing learned and no initial value', () => {
    it.each([
      ['lag time within the budget: hold', 10, 300, 4, 4],
      ['lag time unknown: hold', null, 300, 4, 4],
      ['never below current, even with no lag', 0, 300, 4, 4],
      ['from zero with records arriving: 1', 0, 300, 0, 1],
    ])('%s', (_name, lagSeconds, productionRate, current, replicas) => {
      const r = sloPolicy(slo(), inputs({ estimate: null, lagSeconds, productionRate, current }))
      expect([r.mode, r.replicas]).toEqual(['bootstrap', replicas])
    })

    it('lag time past the midpoint to the SLO: plans with what each saturated consumer consumes', () => {
      // 2 consumers at 380/s each while 1800/s arrive and lag is 25 s: 380/s each is a floor → 6 drain it.
      const r = sloPolicy(
        slo(),
        inputs({ estimate: null, current: 2, lagSeconds: 25, consumptionRate: 760, lag: figures(45_000) }),
      )
      expect([r.mode, r.throughputPerReplica, r.replicas]).toEqual(['bootstrap', 380, 6])
    })
  })
})

describe('slo policy in a closed loop (toy group: 12 partitions, 100 records/s per replica)', () => {
  function simulate(options: { production: number; seconds: number; start: number; policy?: object }) {
    const world = new World({ partitions: 12, capacity: 100, production: options.production })
    const driver = new Driver(
      config({ policy: { type: 'slo', maxLagSeconds: 30, ...options.policy }, maxReplicaCount: 50 }),
      options.start,
    )
    const lagSeconds: number[] = []
    const replicas: number[] = []
    for (let t = 0; t < options.seconds; t += 5) {
      driver.tick(world.view())
      world.advance(driver.current, 5)
      lagSeconds.push(world.view().lagSeconds ?? 0)
      replicas.push(driver.current)
    }
    return { world, driver, lagSeconds, replicas }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

  it('learns the throughput as lag builds, then pays about what 470/s needs (4.7), not the 6 that keep up', () => {
    const { driver, lagSeconds, replicas } = simulate({ production: 470, seconds: 1800, start: 2 })
    expect(driver.state.throughput?.perReplica).toBeCloseTo(100, 0)
    expect(Math.max(...lagSeconds)).toBeLessThan(30)
    const late = replicas.slice(-240)
    expect(mean(late)).toBeGreaterThan(4.5)
    expect(mean(late)).toBeLessThan(5.4)
    expect(new Set(late)).toEqual(new Set([4, 6]))
  })

  it('adds consumers when traffic rises, before lag breaks the SLO', () => {
    const { world, driver } = simulate({ production: 300, seconds: 900, start: 2 })
    world.production = 1000
    const worst: number[] = []
    for (let t = 0; t < 300; t += 5) {
      driver.tick(world.view())
      world.advance(driver.current, 5)
      worst.push(world.view().lagSeconds ?? 0)
    }
    expect(driver.current).toBeGreaterThanOrEqual(12)
    expect(Math.max(...worst)).toBeLessThan(30)
  })

  it('a group that is never saturated, with nothing learned, keeps its count (never scales down on a guess)', () => {
    const { driver } = simulate({ production: 100, seconds: 900, start: 6 })
    expect(driver.current).toBe(6)
    expect(driver.state.throughput).toBeNull()
    expect(driver.decisions.at(-1)?.policy).toMatchObject({ type: 'slo', mode: 'bootstrap' })
  })

  it('the bootstrap figure (what saturated consumers consume) is kept as a first estimate, so it can scale down later', () => {
    // Far behind (25 s of lag time), lag growing too slowly to teach anything yet: 2 × 450/s against 1000/s.
    const world = new World({ partitions: 12, capacity: 450, production: 1000, backlog: 25_000 })
    const driver = new Driver(config({ policy: { type: 'slo', maxLagSeconds: 30 } }), 2)
    driver.tick(world.view())
    world.advance(driver.current, 5)
    const d = driver.tick(world.view())
    expect(d.policy).toMatchObject({ mode: 'bootstrap', throughputPerReplica: 450 })
    expect(driver.state.throughput).toMatchObject({ perReplica: 450, samples: 0 })
    expect(d.desired).toBeGreaterThan(2)
  })

  it('with initialThroughputPerReplica it sizes such a group from the start', () => {
    const { driver } = simulate({
      production: 100,
      seconds: 900,
      start: 6,
      policy: { initialThroughputPerReplica: 100 },
    })
    expect(driver.current).toBe(1)
  })
})
