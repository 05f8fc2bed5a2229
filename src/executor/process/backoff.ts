// Restart back-off for crashed replicas, as a pure function so the policy is tested without clocks:
// exponential from `initialMs`, capped at `maxMs`, and back to the start after a healthy run of `resetMs`
// (a replica that ran for an hour and then crashed is not in a crash loop).

export interface BackoffOptions {
  initialMs: number
  maxMs: number
  resetMs: number
}

/**
 * The crash count after a replica that had `previous` consecutive crashes ran `ranMs` and crashed again.
 * A run of at least `resetMs` counts as healthy, so this crash starts a new series.
 */
export function nextCrashCount(previous: number, ranMs: number, options: BackoffOptions): number {
  return ranMs >= options.resetMs ? 1 : previous + 1
}

/** Delay before restarting after the `crashes`-th consecutive crash (1-based): initial, 2×, 4×, … ≤ max. */
export function restartDelayMs(crashes: number, options: BackoffOptions): number {
  const exponent = Math.max(0, crashes - 1)
  // 2^exponent overflows to Infinity long before it matters; min() caps it either way.
  return Math.min(options.maxMs, options.initialMs * 2 ** Math.min(exponent, 52))
}
