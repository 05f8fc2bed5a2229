import { describe, expect, it } from 'vitest'
import type { LagSnapshot } from '../../src/analyzer/lag/types.ts'
import { LagCollector } from '../../src/monitor/lag-collector.ts'

const snapshot = (at: number): LagSnapshot => ({
  at,
  policy: 'latest',
  groups: [],
  partitions: [],
  probes: [],
})

describe('LagCollector', () => {
  it('collects at once, then on its cadence, never two polls at a time', async () => {
    let active = 0
    let maxActive = 0
    let n = 0
    const collector = new LagCollector(
      async () => {
        active++
        maxActive = Math.max(maxActive, active)
        await new Promise((r) => setImmediate(r))
        active--
        return snapshot(++n)
      },
      { intervalMs: 5 },
    )
    const first = collector.nextCollection()
    collector.start()
    await first
    expect(collector.current().snapshot?.at).toBe(1)
    await collector.nextCollection()
    await collector.nextCollection()
    await collector.stop()
    const { health } = collector.current()
    expect(health.collections).toBeGreaterThanOrEqual(3)
    expect([health.up, health.failures, maxActive]).toEqual([true, 0, 1])
  })

  it('keeps the last snapshot after a failure and reports it', async () => {
    let fail = false
    const errors: unknown[] = []
    let t = 1000
    const collector = new LagCollector(
      async () => {
        t += 250
        if (fail) throw new Error('connection refused')
        return snapshot(t)
      },
      { intervalMs: 1000, now: () => t, onError: (e) => errors.push(e) },
    )
    await collector.collectOnce()
    fail = true
    await collector.collectOnce()
    const { snapshot: last, health } = collector.current()
    expect(last?.at).toBe(1250)
    expect(health).toEqual({
      up: false,
      lastSuccessAt: 1250,
      lastDurationMs: 250,
      lastError: 'connection refused',
      collections: 2,
      failures: 1,
    })
    expect(errors).toHaveLength(1)
  })

  it('stop waits for the poll in flight and schedules nothing after', async () => {
    let release: () => void = () => {}
    let polls = 0
    const collector = new LagCollector(
      () => {
        polls++
        return new Promise<LagSnapshot>((resolve) => {
          release = () => resolve(snapshot(polls))
        })
      },
      { intervalMs: 1 },
    )
    collector.start()
    const stopped = collector.stop()
    release()
    await stopped
    expect(polls).toBe(1)
    expect(collector.current().snapshot?.at).toBe(1)
  })
})
