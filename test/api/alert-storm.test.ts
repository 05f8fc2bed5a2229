// The alert storm (bench/alert-storm.ts) at a smaller size: real HTTP on loopback, duplicates, flapping,
// distinct fingerprints past the dedupe cap and malformed bodies. No 5xx, at most one start per target per
// cooldown, dedupe memory capped.
import { describe, expect, it } from 'vitest'
import { runAlertStorm } from '../../bench/alert-storm.ts'

describe('alert storm', () => {
  it('2,000 posts: no 5xx, one start per target per cooldown, dedupe memory capped', async () => {
    const r = await runAlertStorm({
      posts: 2_000,
      inFlight: 8,
      stepMs: 50,
      cooldownSeconds: 30,
      maxTrackedAlerts: 50,
    })
    expect(Object.keys(r.statuses).sort()).toEqual(['200', '400'])
    expect(r.statuses['400']).toBe(200)
    expect(Object.keys(r.starts).sort()).toEqual(['notify flap', 'notify many', 'upScale local'])
    expect(r.minGapMs).toBeGreaterThanOrEqual(30_000)
    for (const list of Object.values(r.starts))
      expect(list.length).toBeLessThanOrEqual(Math.ceil(r.virtualMs / 30_000))
    // the never-resolving duplicate is evicted from the capped dedupe memory by the distinct fingerprints; the
    // cooldown is then what keeps it to one start per window
    expect(r.starts['upScale local']!.length).toBeGreaterThanOrEqual(1)
    expect(r.tracked).toBeLessThanOrEqual(50)
    expect(r.evicted).toBeGreaterThan(0)
  }, 30_000)
})
