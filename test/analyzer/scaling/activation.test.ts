// Scale to zero / idle and back, KEDA's executor table (spec §2.3, scale_scaledobjects_test.go, §4.3).
import { describe, expect, it } from 'vitest'
import { config, Driver, view } from './fixtures.ts'

const quiet = view([0, 0, 0, 0])
const busy = view([40, 40, 40, 40])
const noStabilization = { scaleDown: { stabilizationWindowSeconds: 0 } }

describe('KEDA executor table', () => {
  it.each([
    ['inactive, min 0: to zero (cooldown 0)', { cooldownPeriod: 0 }, 3, quiet, 0, 'Deactivated'],
    [
      'inactive, current below min (no idle): up to min',
      { minReplicaCount: 3 },
      1,
      quiet,
      3,
      'TooFewReplicas',
    ],
    [
      'active at min: from min by the lag (capped at 4 partitions)',
      { minReplicaCount: 2 },
      2,
      busy,
      4,
      'PartitionCap',
    ],
    [
      'inactive with idle: to idle',
      { minReplicaCount: 2, idleReplicaCount: 0, cooldownPeriod: 0 },
      3,
      quiet,
      0,
      'Deactivated',
    ],
    [
      'active at idle: straight to min',
      { minReplicaCount: 3, idleReplicaCount: 0 },
      0,
      view([1]),
      3,
      'Activated',
    ],
    ['active from zero: at least one', {}, 0, view([1]), 1, 'Activated'],
    ['active from zero with a big lag: as far as the scale-up policies allow', {}, 0, busy, 4, 'Activated'],
    ['inactive at zero: stays', {}, 0, quiet, 0, 'Inactive'],
    ['inactive at idle: stays', { minReplicaCount: 2, idleReplicaCount: 1 }, 1, quiet, 1, 'Inactive'],
  ] as const)('%s', (_name, settings, current, v, desired, reason) => {
    const driver = new Driver(config({ metadata: { lagThreshold: 10 }, ...settings }), current)
    const d = driver.tick(v)
    expect([d.desired, d.reason]).toEqual([desired, reason])
  })
})

describe('activation with an even partition spread', () => {
  it('from zero the Pods 4 step lands on 4 of 10 partitions: steps back to the divisor 2', () => {
    const cfg = config({ metadata: { lagThreshold: 1, ensureEvenDistributionOfPartitions: true } })
    const d = new Driver(cfg, 0).tick(view(Array.from({ length: 10 }, () => 50)))
    expect([d.proposal, d.desired, d.reason]).toEqual([10, 2, 'Activated'])
  })

  it('but never below minReplicaCount', () => {
    const cfg = config({
      metadata: { lagThreshold: 1, ensureEvenDistributionOfPartitions: true },
      minReplicaCount: 3,
    })
    expect(new Driver(cfg, 0).tick(view(Array.from({ length: 10 }, () => 50))).desired).toBe(4)
  })
})

describe('cooldown', () => {
  it('holds the running floor until cooldownPeriod after the last activity, then goes to zero directly', () => {
    const driver = new Driver(config({ cooldownPeriod: 120, behavior: noStabilization }), 0)
    driver.tick(busy)
    expect(driver.current).toBe(4)
    const activeAt = driver.now - 5000
    const during = driver.run(quiet, 110)
    expect([during.desired, during.reason]).toEqual([1, 'CooldownHold'])
    driver.run(quiet, 15)
    const zeroed = driver.decisions.filter((d) => d.reason === 'Deactivated')
    expect(zeroed.map((d) => [d.current, d.desired])).toEqual([[1, 0]])
    expect((zeroed[0]?.at ?? 0) - activeAt).toBe(120_000)
    expect(driver.decisions.at(-1)?.reason).toBe('Inactive')
  })

  it('scale to zero bypasses scale-down stabilization and rate policies (as KEDA writes N → 0)', () => {
    const driver = new Driver(config({ cooldownPeriod: 0 }), 8)
    expect(driver.tick(quiet).desired).toBe(0)
  })

  it('activity during cooldown restarts it', () => {
    const driver = new Driver(config({ cooldownPeriod: 60, behavior: noStabilization }), 2)
    driver.run(quiet, 50)
    driver.tick(view([5, 0, 0, 0]))
    const d = driver.run(quiet, 50)
    expect(d.desired).toBeGreaterThan(0)
  })

  it('a fresh state (daemon restart) waits a full cooldown before zeroing a group it has not seen active', () => {
    const driver = new Driver(config({ cooldownPeriod: 300 }), 5)
    expect(driver.run(quiet, 295).desired).toBeGreaterThan(0)
    expect(driver.run(quiet, 10).desired).toBe(0)
  })

  it('with min > 0 and no idle there is no scale to zero at all', () => {
    const driver = new Driver(config({ minReplicaCount: 1, cooldownPeriod: 0 }), 1)
    expect(driver.run(quiet, 600).desired).toBe(1)
  })
})

describe('activation ignores caps and persistent-lag exclusion', () => {
  it('stuck lag keeps one consumer (activation) but does not scale out', () => {
    const cfg = config({
      metadata: { excludePersistentLag: true, persistentLagSeconds: 0, lagThreshold: 1 },
      cooldownPeriod: 0,
    })
    const driver = new Driver(cfg, 0)
    const stuck = view([{ committed: 7, lag: 50 }])
    const decisions = [driver.tick(stuck), driver.tick(stuck), driver.tick(stuck)]
    expect(decisions.map((d) => d.desired)).toEqual([1, 1, 1])
    expect(decisions[2]?.lag).toMatchObject({ totalLag: 0, activationLag: 50 })
  })
})
