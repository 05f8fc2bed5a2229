// The keda baseline against keda-hpa-spec.md: scaler metric (§1.3–1.5), HPA legacy path (§3.3, §3.6, §3.7),
// KEDA's poll loop (§2.3) and the two clocks (§2.2).
import { describe, expect, it } from 'vitest'
import { SIM_EPOCH_MS } from '../../../src/analyzer/simulate/autopilot.ts'
import { KedaController } from '../../../src/analyzer/simulate/keda/controller.ts'
import { type HpaMemory, hpaReconcile } from '../../../src/analyzer/simulate/keda/hpa.ts'
import { kedaRequestScale } from '../../../src/analyzer/simulate/keda/loop.ts'
import { kedaMetric } from '../../../src/analyzer/simulate/keda/scaler.ts'
import { simScaler } from '../../../src/analyzer/simulate/lab.ts'
import { config, view } from '../scaling/fixtures.ts'
import { params, record, steps } from './helpers.ts'

describe('KEDA kafka scaler metric', () => {
  it.each([
    // §1.5 worked example: 6 partitions, T=100, lags 500, 0, 0, 20, (no commit), 0.
    { name: '§1.5 default', md: {}, specs: [500, 0, 0, 20, { committed: null }, 0], metric: 521 },
    {
      name: '§1.5 limitToPartitionsWithLag',
      md: { limitToPartitionsWithLag: 'true' },
      specs: [500, 0, 0, 20, { committed: null }, 0],
      metric: 300,
    },
    {
      name: '§1.5 ensureEven',
      md: { ensureEvenDistributionOfPartitions: 'true' },
      specs: [500, 0, 0, 20, { committed: null }, 0],
      metric: 600,
    },
    // §1.4 off-by-one: P=3, T=10: L=39 is not capped (floor 3 is not > 3), L=40 is capped to 30.
    { name: 'P=3 T=10 L=39 leaks past the cap', T: 10, md: {}, specs: [13, 13, 13], metric: 39 },
    { name: 'P=3 T=10 L=40 capped', T: 10, md: {}, specs: [14, 13, 13], metric: 30 },
    {
      name: 'allowIdleConsumers: no cap',
      T: 10,
      md: { allowIdleConsumers: 'true' },
      specs: [14, 13, 13],
      metric: 40,
    },
    {
      name: 'ensureEven with no lag reports one replica',
      md: { ensureEvenDistributionOfPartitions: 'true' },
      specs: [0, 0, 0],
      metric: 100,
    },
  ])('$name → $metric', ({ md, specs, metric, T }) => {
    const c = config({ metadata: { lagThreshold: String(T ?? 100), ...md } })
    expect(kedaMetric(view(specs), c.trigger.metadata, {}).metric).toBe(metric)
  })

  it('activation uses the uncapped lag, strictly above the threshold', () => {
    const c = config({ metadata: { lagThreshold: '10', activationLagThreshold: '5' } })
    expect(kedaMetric(view([3, 2]), c.trigger.metadata, {}).active).toBe(false)
    expect(kedaMetric(view([3, 3]), c.trigger.metadata, {}).active).toBe(true)
  })

  it('excludePersistentLag: an offset unchanged since the previous call (by anyone) counts 0, activation keeps it', () => {
    const c = config({ metadata: { lagThreshold: '100', excludePersistentLag: 'true' } })
    const first = kedaMetric(view([50]), c.trigger.metadata, {})
    expect(first.metric).toBe(50)
    const second = kedaMetric(view([50]), c.trigger.metadata, first.memory)
    expect(second.metric).toBe(0)
    expect(second.lagWithPersistent).toBe(50)
  })
})

describe('HPA legacy path', () => {
  const settings = { minReplicas: 1, maxReplicas: 100, tolerance: 0.1, downscaleStabilizationSeconds: 300 }
  const reconcile = (metric: number, current: number, memory: HpaMemory = null, now = 0, max = 100) =>
    hpaReconcile({
      metric,
      target: 100,
      specReplicas: current,
      statusReplicas: current,
      settings: { ...settings, maxReplicas: max },
      memory,
      now,
    })

  it.each([
    { name: '§3.7 lag 430 on 4: ratio 1.075 is within tolerance', metric: 430, current: 4, desired: 4 },
    { name: '§3.7 lag 450 on 4: ceil(4.5)', metric: 450, current: 4, desired: 5 },
    { name: 'legacy scale-up limit from 1 is 4 (not 5)', metric: 6400, current: 1, desired: 4 },
    { name: 'legacy scale-up limit is 2 × current above 4', metric: 6400, current: 8, desired: 16 },
    { name: 'spec 0 with minReplicas 1: ScalingDisabled', metric: 6400, current: 0, desired: 0 },
  ])('$name', ({ metric, current, desired }) => {
    expect(reconcile(metric, current).desired).toBe(desired)
  })

  it('§3.7 legacy ladder 1 → 4 → 8 → 16 → 32 → 64, one step per sync', () => {
    let current = 1
    let memory: HpaMemory = null
    const ladder = [current]
    for (let sync = 0; sync < 6; sync++) {
      const r = reconcile(6400, current, memory, sync * 15_000)
      memory = r.memory
      current = r.desired
      ladder.push(current)
    }
    expect(ladder).toEqual([1, 4, 8, 16, 32, 64, 64])
  })

  it('§3.7 cap + tolerance stall: 63 replicas on 64 partitions stay at 63', () => {
    // KEDA caps the metric at P × T = 64 × 3000; 192000 / (3000 × 63) = 1.016, inside the band.
    const r = hpaReconcile({
      metric: 192_000,
      target: 3000,
      specReplicas: 63,
      statusReplicas: 63,
      settings,
      memory: null,
      now: 0,
    })
    expect(r.desired).toBe(63)
  })

  it('scales down only to the highest recommendation of the last 300 s, counting the first sight', () => {
    let memory: HpaMemory = null
    const desired: number[] = []
    for (let t = 0; t <= 330; t += 15) {
      const r = reconcile(100, 10, memory, t * 1000) // wants 1
      memory = r.memory
      desired.push(r.desired)
    }
    // First sight records 10 at t=0; it leaves the window after 300 s.
    expect(desired.slice(0, 21).every((d) => d === 10)).toBe(true)
    expect(desired.at(-1)).toBe(1)
  })

  it('a recent higher recommendation can scale up beyond the current proposal (legacy max over the window)', () => {
    const first = reconcile(600, 1, null, 0) // wants 6, limited to 4
    expect(first.desired).toBe(4)
    const next = reconcile(300, 4, first.memory, 15_000) // wants 3, but 6 is in the window
    expect(next.desired).toBe(6)
  })
})

describe('KEDA poll loop', () => {
  const s = { minReplicaCount: 0, idleReplicaCount: undefined, cooldownPeriod: 300, initialCooldownPeriod: 0 }
  it.each([
    { name: 'active at 0 → 1', active: true, current: 0, last: null, now: 10, replicas: 1 },
    { name: 'active at 3 → HPA owns it', active: true, current: 3, last: null, now: 10, replicas: null },
    {
      name: 'inactive, never active, initialCooldown 0 → 0 at once',
      active: false,
      current: 3,
      last: null,
      now: 10,
      replicas: 0,
    },
    { name: 'inactive within cooldown → hold', active: false, current: 3, last: 0, now: 300, replicas: null },
    {
      name: 'inactive after cooldown → 0, bypassing the HPA',
      active: false,
      current: 3,
      last: 0,
      now: 301,
      replicas: 0,
    },
  ])('$name', ({ active, current, last, now, replicas }) => {
    const r = kedaRequestScale(
      active,
      current,
      s,
      { createdAt: 0, lastActiveAt: last === null ? null : last * 1000 },
      now * 1000,
    )
    expect(r.replicas).toBe(replicas)
  })

  it('with minReplicaCount 2 and no idle count, below min goes to min', () => {
    const r = kedaRequestScale(
      false,
      1,
      { ...s, minReplicaCount: 2 },
      { createdAt: 0, lastActiveAt: null },
      1000,
    )
    expect(r.replicas).toBe(2)
  })
})

describe('KEDA + HPA on their clocks', () => {
  it('the HPA acts only on 15 s syncs and scales up 1 → 4 → 8', () => {
    const p = params({ partitions: 12, throughputPerReplica: 100, initialReplicas: 1 })
    const scaler = simScaler(p, { metadata: { lagThreshold: '100' } })
    const trace = steps([[0, 2000]], 60)
    const { result } = record(trace, p, new KedaController('keda', scaler))
    const changes = result.events.map((e) => [e.t, e.to])
    for (const [t] of changes) expect((t as number) % 15).toBe(0)
    expect(changes.slice(0, 2)).toEqual([
      [15, 4],
      [30, 8],
    ])
  })

  it('activation from zero happens on the 30 s poll, not on the 15 s syncs before it', () => {
    const p = params({ partitions: 4, initialReplicas: 0 })
    const scaler = simScaler(p, { metadata: { lagThreshold: '100' } })
    // Nothing for 40 s, then records: the first poll after 40 s is at 60 s.
    const { result } = record(
      steps(
        [
          [0, 0],
          [40, 50],
        ],
        90,
      ),
      { ...p },
      new KedaController('keda', scaler),
    )
    // KEDA writes 1 and the HPA, syncing at the same instant, takes it on from there: lag 1000 capped at
    // 4 partitions × 100 → 4.
    expect(result.events[0]).toMatchObject({
      t: 60,
      from: 0,
      to: 4,
      reason: 'KedaActivated+HpaDesiredWithinRange',
    })
  })

  it('uses the simulated clock only', () => {
    expect(SIM_EPOCH_MS).toBe(Date.UTC(2025, 0, 1))
  })
})
