// The one retry-with-backoff loop, for Kafka calls that may fail for a while and then work again (a stalled
// controller, a cluster still starting). The caller says which errors are worth another attempt, how long or how
// many times to try, and hears of every retry before its pause so it can journal it. The clock is injectable
// (src/kafka/wait.ts), so unit tests drive time instead of sleeping. Used by the broker operations' Kafka retry
// (src/executor/operations/retry.ts) and the daemon's restart recovery (src/daemon/recovery.ts).
import { pause, realClock, type WaitClock } from './wait.ts'

export interface RetryEvent {
  /** The failed attempt, from 1. */
  attempt: number
  error: unknown
  /** The pause before the next attempt, ms. */
  delayMs: number
}

export interface BackoffOptions {
  /** Pause after the first failure, ms; doubled after each further one (up to maxDelayMs). */
  firstDelayMs: number
  /** Longest pause, ms. */
  maxDelayMs: number
  /** Time to keep trying from the first attempt, ms; no attempt starts after it, the last pause ends at it. */
  budgetMs?: number
  /** Attempts at most. At least one of budgetMs and maxAttempts must be given. */
  maxAttempts?: number
  /** Whether a failure is worth another attempt (default: every failure). */
  retryable?: (error: unknown) => boolean
  /** Called before each pause (not when giving up); a throwing callback ends the retry with its error. */
  onRetry?: (event: RetryEvent) => void
  /** Checked before each attempt (rejects with its reason); a failure after it aborted is not retried. */
  signal?: AbortSignal
  clock?: WaitClock
}

/**
 * Runs `fn` (given the attempt number, from 1) until it succeeds. A failure that is not retryable, or that comes
 * when the attempts or the budget are spent, is thrown as is.
 */
export async function retryWithBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  options: BackoffOptions,
): Promise<T> {
  if (options.budgetMs === undefined && options.maxAttempts === undefined)
    throw new TypeError('retryWithBackoff needs budgetMs or maxAttempts')
  const clock = options.clock ?? realClock
  const start = clock.now()
  let nextDelayMs = options.firstDelayMs
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted()
    try {
      return await fn(attempt)
    } catch (error) {
      if (options.signal?.aborted) throw error
      if (options.retryable && !options.retryable(error)) throw error
      if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) throw error
      let delayMs = nextDelayMs
      if (options.budgetMs !== undefined) {
        const left = start + options.budgetMs - clock.now()
        if (left <= 0) throw error
        delayMs = Math.min(delayMs, left)
      }
      options.onRetry?.({ attempt, error, delayMs })
      await pause(clock, delayMs, options.signal)
      nextDelayMs = Math.min(nextDelayMs * 2, options.maxDelayMs)
    }
  }
}
