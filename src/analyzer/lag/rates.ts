// Production and consumption rates (records/s) from two successive polls.

/**
 * (current − previous) per second. Null when either value is unknown, when no time passed, or when the
 * offset went backwards (offset reset, recreated topic): a negative "rate" is a discontinuity, not a speed.
 */
export function offsetRate(
  previous: number | null | undefined,
  current: number | null | undefined,
  elapsedMs: number,
): number | null {
  if (previous === null || previous === undefined || current === null || current === undefined) return null
  if (previous < 0 || current < 0 || elapsedMs <= 0 || current < previous) return null
  return round3(((current - previous) * 1000) / elapsedMs)
}

/** Sum of the known rates; null when none is known. */
export function sumRates(rates: Array<number | null>): number | null {
  let total: number | null = null
  for (const r of rates) if (r !== null) total = (total ?? 0) + r
  return total === null ? null : round3(total)
}

/** Largest known value; null when none is known. */
export function maxKnown(values: Array<number | null>): number | null {
  let max: number | null = null
  for (const v of values) if (v !== null && (max === null || v > max)) max = v
  return max
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000
}
