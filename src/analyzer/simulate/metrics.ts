// Bursts in a trace and how long each run took to drain after them.
//
// A burst is a maximal interval where the rate is above 1.5 × the trace's 25th-percentile rate (its usual
// quiet level; any rate above 0 when it is mostly idle). After a burst ends, the backlog counts as drained
// once the oldest unconsumed record is at most DRAINED_SECONDS old. A run that does not get there before the
// next burst starts (or the trace ends) gets null for that burst.
import type { BurstDrain } from './types.ts'

export const DRAINED_SECONDS = 1

export interface StepSeries {
  step: number
  /** Records/s during each step. */
  rate: Float64Array
  /** True lag time at the end of each step. */
  lagSeconds: Float64Array
}

export function bursts(rate: Float64Array, step: number): Array<{ from: number; to: number }> {
  if (rate.length === 0) return []
  const sorted = Float64Array.from(rate).sort()
  const quiet = sorted[Math.floor((sorted.length - 1) * 0.25)] as number
  const threshold = 1.5 * quiet
  const out: Array<{ from: number; to: number }> = []
  let start = -1
  for (let k = 0; k <= rate.length; k++) {
    const high = k < rate.length && (rate[k] as number) > threshold + 1e-9
    if (high && start < 0) start = k
    if (!high && start >= 0) {
      out.push({ from: start, to: k })
      start = -1
    }
  }
  return out.map((b) => ({ from: b.from * step, to: b.to * step }))
}

export function burstDrains(series: StepSeries): BurstDrain[] {
  const { step, lagSeconds } = series
  const list = bursts(series.rate, step)
  return list.map((b, i) => {
    const end = Math.round(b.to / step)
    const limit = i + 1 < list.length ? Math.round((list[i + 1]?.from as number) / step) : lagSeconds.length
    let drain: number | null = null
    // lagSeconds[k] is the lag at the end of step k, i.e. at (k + 1) × step.
    for (let k = Math.max(0, end - 1); k < limit; k++) {
      if ((lagSeconds[k] as number) <= DRAINED_SECONDS) {
        drain = Math.max(0, (k + 1 - end) * step)
        break
      }
    }
    return { from: b.from, to: b.to, drainSeconds: drain === null ? null : Math.round(drain * 100) / 100 }
  })
}

/** Mean and max drain time over bursts that drained, and how many did not. */
export function drainSummary(drains: readonly BurstDrain[]): {
  mean: number | null
  max: number | null
  undrained: number
} {
  const done = drains.flatMap((d) => (d.drainSeconds === null ? [] : [d.drainSeconds]))
  return {
    mean: done.length === 0 ? null : Math.round((done.reduce((a, b) => a + b, 0) / done.length) * 10) / 10,
    max: done.length === 0 ? null : Math.max(...done),
    undrained: drains.length - done.length,
  }
}
