// The scheduler on a fake clock: first run jittered within the interval, fixed rate, a tick that comes while
// the previous run is still going is skipped (never overlapped or queued), and stop() aborts and waits.
import { describe, expect, it } from 'vitest'
import { Scheduler } from '../../src/daemon/scheduler.ts'
import { FakeClock, settle } from './fake-clock.ts'

/** A job whose runs the test finishes by hand. */
function gatedJob(clock: FakeClock, id = 'job', intervalMs = 1_000) {
  const starts: number[] = []
  const releases: Array<() => void> = []
  const signals: AbortSignal[] = []
  let active = 0
  let maxActive = 0
  return {
    starts,
    signals,
    get maxActive() {
      return maxActive
    },
    finish: () => releases.shift()?.(),
    job: {
      id,
      intervalMs,
      run: (signal: AbortSignal) => {
        starts.push(clock.now())
        signals.push(signal)
        active++
        maxActive = Math.max(maxActive, active)
        return new Promise<void>((resolve) => {
          const done = () => {
            active--
            resolve()
          }
          releases.push(done)
          signal.addEventListener('abort', done, { once: true })
        })
      },
    },
  }
}

function instantJob(clock: FakeClock, intervalMs = 1_000) {
  const starts: number[] = []
  return { starts, job: { id: 'instant', intervalMs, run: async () => void starts.push(clock.now()) } }
}

describe('Scheduler', () => {
  const jitters = [
    { name: 'random 0 runs at once', random: 0, interval: 1_000, first: 0 },
    { name: 'random 0.5 of a 1 s interval waits 500 ms', random: 0.5, interval: 1_000, first: 500 },
    {
      name: 'jitter is capped by maxJitterMs (5 s) for long intervals',
      random: 0.5,
      interval: 60_000,
      first: 2_500,
    },
  ]
  for (const row of jitters) {
    it(`first run: ${row.name}`, async () => {
      const clock = new FakeClock()
      const t0 = clock.now()
      const s = new Scheduler({ clock, random: () => row.random })
      const { starts, job } = instantJob(clock, row.interval)
      s.schedule(job)
      await clock.advance(row.first === 0 ? 0 : row.first - 1)
      expect(starts.length, '1 ms before').toBe(row.first === 0 ? 1 : 0)
      await clock.advance(1)
      expect(starts).toEqual([t0 + row.first])
      await s.stop()
    })
  }

  it('runs at a fixed rate: planned times stay an interval apart', async () => {
    const clock = new FakeClock()
    const t0 = clock.now()
    const s = new Scheduler({ clock, random: () => 0.25 })
    const { starts, job } = instantJob(clock, 1_000)
    s.schedule(job)
    await clock.advance(3_300)
    expect(starts.map((t) => t - t0)).toEqual([250, 1_250, 2_250, 3_250])
    await s.stop()
  })

  it('skips the ticks that come while a run is still going, and never overlaps runs', async () => {
    const clock = new FakeClock()
    const t0 = clock.now()
    const skipped: string[] = []
    const s = new Scheduler({ clock, random: () => 0, onSkip: (id) => skipped.push(id) })
    const g = gatedJob(clock)
    s.schedule(g.job)
    await clock.advance(0)
    expect(g.starts).toHaveLength(1)
    // 1. the run lasts 2.5 intervals: the ticks at 1 s and 2 s are skipped
    await clock.advance(2_500)
    expect(skipped).toEqual(['job', 'job'])
    expect(s.isRunning('job')).toBe(true)
    g.finish()
    await settle()
    expect(s.isRunning('job')).toBe(false)
    // 2. the next tick (3 s) runs; nothing ran in between, nothing was queued
    await clock.advance(500)
    expect(g.starts.map((t) => t - t0)).toEqual([0, 3_000])
    expect(g.maxActive).toBe(1)
    g.finish()
    await s.stop()
  })

  it('reports each run with its duration and error; a failing run does not stop the schedule', async () => {
    const clock = new FakeClock()
    const runs: Array<{ ms: number; error: string | undefined }> = []
    const s = new Scheduler({
      clock,
      random: () => 0,
      onRun: (_id, ms, error) => runs.push({ ms, error: (error as Error | undefined)?.message }),
    })
    let n = 0
    s.schedule({
      id: 'flaky',
      intervalMs: 1_000,
      run: async () => {
        n++
        if (n === 1) throw new Error('kafka down')
        await clock.sleep(300)
      },
    })
    await clock.advance(1_500)
    expect(runs).toEqual([
      { ms: 0, error: 'kafka down' },
      { ms: 300, error: undefined },
    ])
    await s.stop()
  })

  it('after falling behind by more than an interval, resumes an interval from now instead of bursting', async () => {
    const clock = new FakeClock()
    const t0 = clock.now()
    const s = new Scheduler({ clock, random: () => 0 })
    const g = gatedJob(clock)
    s.schedule(g.job)
    await clock.advance(0)
    g.finish()
    await settle()
    // the clock jumps 10 s at once (a suspended VM): one tick fires, then the cadence resumes from there
    await clock.jump(10_000)
    g.finish()
    await settle()
    await clock.advance(1_000)
    expect(g.starts.map((t) => t - t0)).toEqual([0, 10_000, 11_000])
    g.finish()
    await s.stop()
  })

  it('stop() cancels the timers, aborts the running job and waits for it', async () => {
    const clock = new FakeClock()
    const s = new Scheduler({ clock, random: () => 0 })
    const g = gatedJob(clock)
    s.schedule(g.job)
    await clock.advance(0)
    let stopped = false
    const stopping = s.stop().then(() => {
      stopped = true
    })
    await stopping
    expect(g.signals[0]?.aborted).toBe(true)
    expect(stopped).toBe(true)
    expect(clock.pending()).toEqual([])
    await clock.advance(5_000)
    expect(g.starts).toHaveLength(1)
  })

  it('refuses a duplicate id and a non-positive interval', () => {
    const clock = new FakeClock()
    const s = new Scheduler({ clock })
    s.schedule(instantJob(clock).job)
    expect(() => s.schedule(instantJob(clock).job)).toThrow(/already scheduled/)
    expect(() => s.schedule({ id: 'zero', intervalMs: 0, run: async () => {} })).toThrow(/intervalMs/)
  })
})
