// Lag that cannot be read: hold, or the fallback count after failureThreshold; never zero.
import { describe, expect, it } from 'vitest'
import { config, Driver, spread, unreadable, view } from './fixtures.ts'

describe('fallback', () => {
  it.each([
    ['no fallback block: hold', {}, 5, [5, 5, 5, 5, 5], 'FallbackHold'],
    [
      'failureThreshold 2: hold twice, then static 3',
      { failureThreshold: 2, replicas: 3 },
      5,
      [5, 5, 3, 3],
      'FallbackReplicas',
    ],
    ['static 0 means hold, never zero', { failureThreshold: 0, replicas: 0 }, 4, [4, 4, 4], 'FallbackHold'],
    [
      'lifts a group from zero (keda#7239)',
      { failureThreshold: 0, replicas: 3 },
      0,
      [3, 3],
      'FallbackReplicas',
    ],
    [
      'currentReplicasIfHigher keeps a higher count',
      { failureThreshold: 0, replicas: 2, behavior: 'currentReplicasIfHigher' },
      5,
      [5, 5],
      'FallbackReplicas',
    ],
    [
      'currentReplicasIfLower lowers to it',
      { failureThreshold: 0, replicas: 2, behavior: 'currentReplicasIfLower' },
      5,
      [2, 2],
      'FallbackReplicas',
    ],
    [
      'currentReplicasIfLower at zero stays at zero (already there, not scaled to it)',
      { failureThreshold: 0, replicas: 2, behavior: 'currentReplicasIfLower' },
      0,
      [0, 0],
      'FallbackHold',
    ],
    [
      'currentReplicas holds',
      { failureThreshold: 0, replicas: 2, behavior: 'currentReplicas' },
      6,
      [6, 6],
      'FallbackReplicas',
    ],
  ] as const)('%s', (_name, fallback, current, expected, lastReason) => {
    const cfg = config(
      Object.keys(fallback).length > 0 ? { fallback, cooldownPeriod: 0 } : { cooldownPeriod: 0 },
    )
    const driver = new Driver(cfg, current)
    const got = expected.map(() => driver.tick(unreadable, 15))
    expect(got.map((d) => d.desired)).toEqual(expected)
    expect(got.at(-1)?.reason).toBe(lastReason)
    expect(got.every((d) => d.active === null && d.lag === null)).toBe(true)
  })

  it('the fallback count obeys the scale-up policies', () => {
    const driver = new Driver(config({ fallback: { failureThreshold: 0, replicas: 20 } }), 2)
    expect(driver.tick(unreadable, 15).desired).toBe(6)
  })

  it('a long outage never reaches zero even with min 0 and cooldown 0, and does not refresh activity', () => {
    const driver = new Driver(config({ cooldownPeriod: 0 }), 3)
    driver.tick(view(spread(30, 4)))
    for (let i = 0; i < 100; i++) expect(driver.tick(unreadable).desired).toBe(3)
    expect(driver.state.failures).toBe(100)
    const back = driver.tick(view([0, 0, 0, 0]))
    expect([back.desired, driver.state.failures]).toEqual([0, 0])
  })

  it('a topic with no partitions (missing, or partitionLimitation matching none) is a failure, not "no lag"', () => {
    const driver = new Driver(config({ metadata: { partitionLimitation: '7' }, cooldownPeriod: 0 }), 2)
    const d = driver.tick(view([0, 0]))
    expect([d.desired, d.reason]).toEqual([2, 'FallbackHold'])
    expect(d.message).toContain('no partitions to measure for topic t')
  })
})
