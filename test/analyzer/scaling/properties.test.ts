// Property tests with a seeded generator: random configurations, random lag and random outages, checked
// against the rules every decision must keep. A failure prints the seed; rerun it with that seed.
import { describe, expect, it } from 'vitest'
import { decide } from '../../../src/analyzer/scaling/decide.ts'
import { initialScalerState } from '../../../src/analyzer/scaling/state.ts'
import type { Decision, LagView } from '../../../src/analyzer/scaling/types.ts'
import { config, Driver, T0, unreadable, view } from './fixtures.ts'

/** mulberry32: small, fast, good enough to spread test inputs. */
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  }
}
type Rng = ReturnType<typeof rng>

const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i * 7919)

function randomMetadata(r: Rng) {
  const mode = r.pick(['any', 'divisor', 'balanced', 'withLag', 'idle'] as const)
  return {
    lagThreshold: r.int(1, 500),
    activationLagThreshold: r.pick([0, 0, 5, 100]),
    offsetResetPolicy: r.pick(['latest', 'earliest']),
    excludePersistentLag: r.chance(0.2),
    persistentLagSeconds: r.pick([0, 30]),
    ...(mode === 'divisor' ? { ensureEvenDistributionOfPartitions: true } : {}),
    ...(mode === 'balanced' ? { partitionDistribution: 'balanced' } : {}),
    ...(mode === 'withLag' ? { limitToPartitionsWithLag: true } : {}),
    ...(mode === 'idle' ? { allowIdleConsumers: true } : {}),
  }
}

function randomConfig(r: Rng) {
  const min = r.pick([0, 0, 1, 2, 5])
  const idle = min > 0 && r.chance(0.3) ? r.int(0, min - 1) : undefined
  const max = Math.max(min, 1) + r.int(0, 40)
  const withFallback = r.chance(0.5)
  const policy = r.chance(0.3)
    ? {
        type: 'slo',
        maxLagSeconds: r.pick([5, 30, 120]),
        ...(r.chance(0.5) ? { initialThroughputPerReplica: r.int(10, 1000) } : {}),
      }
    : { type: 'lag' }
  return config({
    metadata: randomMetadata(r),
    minReplicaCount: min,
    maxReplicaCount: max,
    ...(idle === undefined ? {} : { idleReplicaCount: idle }),
    cooldownPeriod: r.pick([0, 30, 300]),
    policy,
    ...(withFallback ? { fallback: { failureThreshold: r.int(0, 3), replicas: r.int(0, max) } } : {}),
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: r.pick([0, 0, 60]),
        selectPolicy: r.pick(['Max', 'Min', 'Max']),
        tolerance: r.pick([0, 0.1]),
      },
      scaleDown: {
        stabilizationWindowSeconds: r.pick([0, 60, 300]),
        selectPolicy: r.pick(['Max', 'Min', 'Disabled']),
      },
    },
  })
}

function randomView(r: Rng, partitions: number, committed: number[]): LagView {
  if (r.chance(0.1)) return unreadable
  const specs = Array.from({ length: partitions }, (_, p) => {
    if (r.chance(0.03)) return null
    if (r.chance(0.05)) return { committed: null, retained: r.int(0, 1000) }
    if (r.chance(0.7)) committed[p] = (committed[p] ?? 0) + r.int(0, 500)
    return { committed: committed[p] ?? 0, lag: r.chance(0.3) ? 0 : r.int(0, r.pick([10, 1000, 100_000])) }
  })
  return view(specs, {
    productionRate: r.chance(0.8) ? r.int(0, 5000) : null,
    consumptionRate: r.chance(0.8) ? r.int(0, 5000) : null,
    lagSeconds: r.chance(0.5) ? r.int(0, 600) : null,
  })
}

describe('invariants over random runs', () => {
  it.each(SEEDS)('seed %i', (seed) => {
    const r = rng(seed)
    const cfg = randomConfig(r)
    const partitions = r.int(1, 64)
    const committed: number[] = []
    const driver = new Driver(cfg, r.int(0, cfg.maxReplicaCount))
    const min = cfg.minReplicaCount
    const rest = cfg.idleReplicaCount ?? (min === 0 ? 0 : null)
    for (let i = 0; i < 150; i++) {
      const v = randomView(r, partitions, committed)
      const current = driver.current
      const d: Decision = driver.tick(v, r.pick([1, 5, 5, 15, 60]))
      const where = `seed ${seed}, step ${i}: ${current} → ${d.desired} ${d.reason} (${d.message})`
      expect(Number.isInteger(d.desired), where).toBe(true)
      // never above maxReplicaCount
      expect(d.desired, where).toBeLessThanOrEqual(cfg.maxReplicaCount)
      // never below min, except resting at zero/idle, or holding a count during an outage
      if (d.desired < min) {
        const resting = (d.reason === 'Deactivated' || d.reason === 'Inactive') && d.desired <= (rest ?? -1)
        const holding = d.reason === 'FallbackHold' && d.desired === current
        expect(resting || holding, where).toBe(true)
      }
      // an outage never takes a running group to zero
      if (!v.readable && current > 0) expect(d.desired, where).toBeGreaterThan(0)
      // partial data never scales down
      if (d.lag !== null && d.lag.unknownPartitions > 0)
        expect(d.desired, where).toBeGreaterThanOrEqual(current)
      // the reason is the last limit applied
      expect(d.reason, where).toBe(d.limits.at(-1)?.reason ?? 'DesiredWithinRange')
    }
  })
})

describe('the partition cap is monotone in lag and never exceeds the partitions', () => {
  it.each(SEEDS)('seed %i', (seed) => {
    const r = rng(seed)
    const cfg = config({ metadata: randomMetadata(r) })
    const md = cfg.trigger.metadata
    const partitions = r.int(1, 64)
    let lags = Array.from({ length: partitions }, () => (r.chance(0.5) ? 0 : r.int(0, 200)))
    let previous = -1
    for (let i = 0; i < 60; i++) {
      // From zero replicas: no tolerance, so the proposal is a function of the lag alone.
      const { decision } = decide({
        view: view(lags),
        current: 0,
        state: initialScalerState(T0),
        config: cfg,
        now: T0,
      })
      const proposal = decision.proposal ?? -1
      const where = `seed ${seed}, step ${i}, lag ${lags.reduce((a, b) => a + b, 0)}: ${decision.message}`
      expect(proposal, where).toBeGreaterThanOrEqual(previous)
      if (!md.allowIdleConsumers || md.partitionDistribution !== 'any') {
        expect(proposal, where).toBeLessThanOrEqual(partitions)
      }
      previous = proposal
      lags = lags.map((l) => (r.chance(0.3) ? l + r.int(0, r.pick([5, 50, 5000])) : l))
    }
  })
})
