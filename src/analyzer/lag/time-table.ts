// The fallback for lag in seconds when a record probe fails: a short per-partition history of
// (log-end offset, time) samples from successive polls, and a lookup of when the log end passed an offset.
// Same idea as kafka-lag-exporter's lookup table, without its faults:
// - no NaN: 0 s when caught up, `unknown` (null) when nothing can be said;
// - no extrapolation: a position older than every sample gives a lower bound (age of the oldest sample);
// - flat stretches (idle producer) keep the LAST time the end was seen at an offset, so a record appended
//   after a long pause is dated from the end of the pause, not its start;
// - a log end that goes backwards (truncated or recreated topic) restarts the history.
import type { EndOffsetSample } from './types.ts'

export const DEFAULT_MAX_SAMPLES = 60

/** Adds one sample; returns a new array (the input is not modified). */
export function addSample(
  history: readonly EndOffsetSample[],
  sample: EndOffsetSample,
  maxSamples = DEFAULT_MAX_SAMPLES,
): EndOffsetSample[] {
  const last = history.at(-1)
  if (last === undefined) return [sample]
  if (sample.time <= last.time) return [...history]
  if (sample.offset < last.offset) return [sample]
  const beforeLast = history.at(-2)
  if (sample.offset === last.offset && beforeLast !== undefined && beforeLast.offset === last.offset) {
    // flat stretch: keep its first and its latest sample only
    return [...history.slice(0, -1), sample]
  }
  const next = [...history, sample]
  return next.length > maxSamples ? next.slice(next.length - maxSamples) : next
}

export interface TimeEstimate {
  /** Estimated append time (ms) of the record at the offset. */
  time: number
  /** True when the record is older than the history: the real append time is at most `time`. */
  lowerBound: boolean
}

/**
 * Estimated append time of the record at `offset`: it was appended when the log end moved past `offset`, so
 * between the last sample whose end was ≤ offset and the first sample whose end was > offset; linear in between.
 * Null when no sample has seen the log end past `offset`, or when the only such sample is the first one ever
 * taken (nothing is known about what came before it).
 */
export function estimateAppendTime(history: readonly EndOffsetSample[], offset: number): TimeEstimate | null {
  const after = history.findIndex((s) => s.offset > offset)
  if (after < 0) return null
  const r = history[after]!
  if (after === 0) return history.length >= 2 ? { time: r.time, lowerBound: true } : null
  const l = history[after - 1]!
  const fraction = (offset + 1 - l.offset) / (r.offset - l.offset)
  return { time: l.time + fraction * (r.time - l.time), lowerBound: false }
}
