// decide() end to end: the HPA worked examples (spec §3.7), the KEDA worked example (§1.5), the quirks we fix
// (§1.4), and what every decision carries.
import { describe, expect, it } from 'vitest'
import { decide } from '../../../src/analyzer/scaling/decide.ts'
import { initialScalerState } from '../../../src/analyzer/scaling/state.ts'
import { config, Driver, spread, T0, view } from './fixtures.ts'

const once = (cfg: ReturnType<typeof config>, lags: Parameters<typeof view>[0], current: number) =>
  decide({ view: view(lags), current, state: initialScalerState(T0), config: cfg, now: T0 }).decision

describe('HPA worked examples (§3.7)', () => {
  const t100 = config({
    metadata: { lagThreshold: 100 },
    behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
  })

  it.each([
    ['430 over 4 × 100: ratio 1.075 is within 10 %, stay at 4', 430, 4, 4, 'WithinTolerance'],
    ['450: ratio 1.125, ceil(4.5) = 5', 450, 4, 5, 'DesiredWithinRange'],
    ['370: ceil(3.7) is 4 anyway', 370, 4, 4, 'DesiredWithinRange'],
    ['340: ratio 0.85, ceil(3.4) = 4: same', 340, 4, 4, 'DesiredWithinRange'],
    ['160 over 2 × 100: ratio 0.8 is outside 10 %, but ceil(1.6) = 2', 160, 2, 2, 'DesiredWithinRange'],
    ['105 over 1: ratio 1.05 within, stay at 1 rather than 2', 105, 1, 1, 'WithinTolerance'],
    ['350: ratio 0.875, down to 4? ceil(3.5) = 4: no change needed', 350, 4, 4, 'DesiredWithinRange'],
    ['250: ceil(2.5) = 3', 250, 4, 3, 'DesiredWithinRange'],
  ] as const)('%s', (_name, lag, current, desired, reason) => {
    const d = once(t100, spread(lag, 16), current)
    expect([d.desired, d.reason]).toEqual([desired, reason])
  })

  it('64 partitions at 63 replicas with the lag at the cap reaches 64 (KEDA + HPA stall there, keda#2908)', () => {
    const cfg = config({ metadata: { lagThreshold: 3000 } })
    const atCap = once(cfg, spread(192_000, 64), 63)
    expect([atCap.desired, atCap.reason]).toEqual([64, 'DesiredWithinRange'])
    const beyond = once(cfg, spread(500_000, 64), 63)
    expect([beyond.desired, beyond.reason]).toEqual([64, 'PartitionCap'])
  })

  it('ramp 1 → 64 with the default behaviour: 5, 10, 20, 40, 64, one step per 15 s', () => {
    const driver = new Driver(config({ maxReplicaCount: 100 }), 1)
    const lag = view(spread(64 * 10 * 100, 64))
    const changes: Array<[number, number]> = []
    for (let t = 0; t <= 90; t += 5) {
      const d = driver.tick(lag)
      if (d.desired !== d.current) changes.push([t, d.desired])
    }
    expect(changes).toEqual([
      [0, 5],
      [15, 10],
      [30, 20],
      [45, 40],
      [60, 64],
    ])
  })
})

describe('KEDA worked example (§1.5): 6 partitions, T=100, lags [500, 0, 0, 20, no commit, 0]', () => {
  const lags = [500, 0, 0, 20, { committed: null }, 0]
  it.each([
    ['default: 5.21 → 6', {}, 6],
    ['limitToPartitionsWithLag: capped at 3', { limitToPartitionsWithLag: true }, 3],
    [
      'ensureEvenDistributionOfPartitions: next divisor of 6 is 6',
      { ensureEvenDistributionOfPartitions: true },
      6,
    ],
    ['balanced: 5.21 → 6', { partitionDistribution: 'balanced' }, 6],
  ])('%s', (_name, metadata, proposal) => {
    const d = once(config({ metadata: { lagThreshold: 100, ...metadata } }), lags, 1)
    expect(d.proposal).toBe(proposal)
    expect(d.lag).toMatchObject({ totalLag: 521, partitionsWithLag: 3 })
  })

  it('activationLagThreshold 600: inactive, so to zero after cooldown although the lag asks for 6', () => {
    const driver = new Driver(
      config({ metadata: { lagThreshold: 100, activationLagThreshold: 600 }, cooldownPeriod: 60 }),
      3,
    )
    const first = driver.tick(view(lags), 60)
    expect(first.active).toBe(false)
    const later = driver.tick(view(lags))
    expect([later.desired, later.reason]).toEqual([0, 'Deactivated'])
  })
})

describe('fixed KEDA quirks (§1.4)', () => {
  it('off-by-one: P=3, T=10, L=39 gives 3 replicas, not 4', () => {
    const d = once(config({ metadata: { lagThreshold: 10 } }), [13, 13, 13], 1)
    expect([d.desired, d.reason]).toEqual([3, 'PartitionCap'])
  })

  it('allowIdleConsumers: no cap, more consumers than partitions', () => {
    const d = once(config({ metadata: { lagThreshold: 10, allowIdleConsumers: true } }), [13, 13, 13], 4)
    expect(d.desired).toBe(4)
  })
})

describe('even distribution survives the rate policies', () => {
  it('from 1 toward 6 of 6 partitions, Pods 4 allows 5: balanced steps to 3 instead (5 relieves no one)', () => {
    const d = once(
      config({ metadata: { lagThreshold: 100, partitionDistribution: 'balanced' } }),
      spread(600, 6),
      1,
    )
    expect([d.proposal, d.desired, d.reason]).toEqual([6, 3, 'EvenDistribution'])
  })
})

describe('every decision explains itself', () => {
  it('carries inputs, the formula, what bounded it and the reason', () => {
    const d = once(config({ metadata: { lagThreshold: 10 }, maxReplicaCount: 8 }), spread(500, 12), 2)
    expect(d).toMatchObject({
      scaler: 'orders',
      at: T0,
      current: 2,
      desired: 6,
      reason: 'ScaleUpLimit',
      active: true,
      lag: { totalLag: 500, partitions: 12, partitionsWithLag: 12 },
      policy: { type: 'lag', replicas: 50, lagThreshold: 10 },
      proposal: 12,
    })
    expect(d.limits.map((l) => [l.reason, l.from, l.to])).toEqual([
      ['PartitionCap', 50, 12],
      ['ScaleUpLimit', 12, 6],
    ])
    expect(d.message).toBe(
      'lag 500 / lagThreshold 10 = 50 replicas; PartitionCap: 12 partitions → 12; ' +
        'ScaleUpLimit: scale-up policies allow 6 now (Pods 4/15s, Percent 100%/15s, select Max) → 6',
    )
  })

  it('max bounds after the policies allow more', () => {
    const d = once(config({ metadata: { lagThreshold: 10 }, maxReplicaCount: 5 }), spread(500, 12), 4)
    expect([d.desired, d.reason]).toEqual([5, 'TooManyReplicas'])
  })

  it('state is data: the same input gives the same output, and the input state is not mutated', () => {
    const cfg = config()
    const state = initialScalerState(T0)
    const frozen = structuredClone(state)
    const input = { view: view([50, 50]), current: 1, state, config: cfg, now: T0 }
    expect(decide(input)).toEqual(decide(input))
    expect(state).toEqual(frozen)
  })

  it('rejects a nonsensical current count with a field-naming error', () => {
    expect(() =>
      decide({ view: view([1]), current: -1, state: initialScalerState(T0), config: config(), now: T0 }),
    ).toThrow(expect.objectContaining({ code: 'AP_ERR_INPUT', field: 'current' }))
  })
})

describe('scale-down is stabilised, scale-up is not', () => {
  it('a five-minute window: scale down only once lower recommendations have lasted 300 s', () => {
    const driver = new Driver(config({ metadata: { lagThreshold: 10 } }), 1)
    driver.run(view(spread(80, 12)), 30)
    expect(driver.current).toBe(8)
    driver.run(view(spread(20, 12)), 295)
    expect(driver.current).toBe(8)
    expect(driver.decisions.at(-1)?.reason).toBe('ScaleDownStabilized')
    driver.run(view(spread(20, 12)), 10)
    expect(driver.current).toBe(2)
  })
})

describe('partial data: some partitions unreadable', () => {
  it.each([
    ['never scales down', [5, null], 4, 4, 'PartialData'],
    ['still scales up on the readable ones', [100, null, 0], 1, 3, 'PartitionCap'],
  ] as const)('%s', (_name, lags, current, desired, reason) => {
    const cfg = config({
      metadata: { lagThreshold: 10 },
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    })
    const d = once(cfg, [...lags], current)
    expect([d.desired, d.reason]).toEqual([desired, reason])
  })

  it('does not deactivate to zero', () => {
    const driver = new Driver(config({ cooldownPeriod: 0 }), 2)
    driver.run(view([0, null]), 30)
    expect(driver.current).toBeGreaterThan(0)
  })
})
