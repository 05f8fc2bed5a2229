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
const figures = (totalLag: number): LagFigures => ({
  totalLag,
  activationLag: totalLag,
  partitions: 24,
  partitionsWithLag: totalLag > 0 ? 24 : 0,
  unknownPartitions: 0,
  persistentPartitions: 0,
})
const learned = (perReplica: number) => ({ perReplica, samples: 3, at: T0 })

describe('slo policy formula: (arrival / utilisation + backlog / maxLagSeconds) / per-replica throughput', () => {
  it.each([
    ['keeping up: 1000/s at 80 % of 250/s each', {}, 1000, 0, 250, 5],
    ['plus a backlog to drain in 30 s', {}, 1000, 30_000, 250, 9],
    ['utilisation 1: no headroom', { targetUtilization: 1 }, 1000, 0, 250, 4],
    ['nothing arriving, nothing queued', {}, 0, 0, 250, 0],
    ['backlog only', {}, 0, 6000, 100, 2],
  ])('%s', (_name, policy, production, backlog, perReplica, replicas) => {
    const r = sloPolicy(slo(policy), {
      lag: figures(backlog),
      productionRate: production,
      consumptionRate: null,
      lagSeconds: null,
      estimate: learned(perReplica),
      current: 3,
    })
    expect(r.mode).toBe('learned')
    expect(r.replicas).toBeCloseTo(replicas, 9)
  })

  it('initialThroughputPerReplica sizes the group until a throughput is learned', () => {
    const r = sloPolicy(slo({ initialThroughputPerReplica: 500 }), {
      lag: figures(0),
      productionRate: 2000,
      consumptionRate: null,
      lagSeconds: null,
      estimate: null,
      current: 1,
    })
    expect([r.mode, r.replicas]).toEqual(['initial', 5])
  })

  it('the consumption rate stands in for an unknown production rate', () => {
    const r = sloPolicy(slo(), {
      lag: figures(0),
      productionRate: null,
      consumptionRate: 800,
      lagSeconds: null,
      estimate: learned(100),
      current: 1,
    })
    expect([r.arrivalRate, r.replicas]).toEqual([800, 10])
  })

  describe('bootstrap: nothing learned and no initial value', () => {
    it.each([
      ['lag time within the SLO: hold', 10, 4, 4],
      ['lag time 2× the SLO: double', 60, 4, 8],
      ['lag time unknown: hold', null, 4, 4],
      ['never below current, even with no lag', 0, 4, 4],
    ])('%s', (_name, lagSeconds, current, replicas) => {
      const r = sloPolicy(slo(), {
        lag: figures(100),
        productionRate: null,
        consumptionRate: null,
        lagSeconds,
        estimate: null,
        current,
      })
      expect([r.mode, r.replicas]).toEqual(['bootstrap', replicas])
    })
  })
})

describe('slo policy in a closed loop (toy group: 24 partitions, 100 records/s per replica)', () => {
  function simulate(options: {
    production: number
    seconds: number
    start: number
    policy?: Record<string, unknown>
  }) {
    const world = new World({ partitions: 24, capacity: 100, production: options.production })
    const driver = new Driver(
      config({ policy: { type: 'slo', maxLagSeconds: 30, ...options.policy }, maxReplicaCount: 50 }),
      options.start,
    )
    const lagSeconds: number[] = []
    for (let t = 0; t < options.seconds; t += 5) {
      driver.tick(world.view())
      world.advance(driver.current, 5)
      lagSeconds.push(world.view().lagSeconds ?? 0)
    }
    return { world, driver, lagSeconds }
  }

  it('learns the throughput from the backlog it starts with and settles at ceil(1000 / 0.8 / 100) = 13', () => {
    const { driver, lagSeconds } = simulate({ production: 1000, seconds: 900, start: 2 })
    expect(driver.current).toBe(13)
    expect(driver.state.throughput?.perReplica).toBeCloseTo(100, 6)
    expect(Math.max(...lagSeconds.slice(-60))).toBeLessThanOrEqual(1)
  })

  it('adds consumers when traffic rises, from the arrival rate, before lag breaks the SLO', () => {
    const { world, driver } = simulate({ production: 1000, seconds: 900, start: 2 })
    world.production = 1600
    const worst: number[] = []
    for (let t = 0; t < 120; t += 5) {
      driver.tick(world.view())
      world.advance(driver.current, 5)
      worst.push(world.view().lagSeconds ?? 0)
    }
    expect(driver.current).toBe(20)
    expect(Math.max(...worst)).toBeLessThan(30)
  })

  it('a group that is never saturated, with nothing learned, keeps its count (never scales down on a guess)', () => {
    const { driver } = simulate({ production: 100, seconds: 900, start: 6 })
    expect(driver.current).toBe(6)
    expect(driver.state.throughput).toBeNull()
    expect(driver.decisions.at(-1)?.policy).toMatchObject({ type: 'slo', mode: 'bootstrap' })
  })

  it('with initialThroughputPerReplica it sizes such a group from the start', () => {
    const { driver } = simulate({
      production: 100,
      seconds: 900,
      start: 6,
      policy: { initialThroughputPerReplica: 100 },
    })
    expect(driver.current).toBe(2)
  })
})
