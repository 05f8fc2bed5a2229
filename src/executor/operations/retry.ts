// Bounded retry of the broker operations' idempotent Kafka reads (and of starting a reassignment, which only
// reads before it returns). A frozen active KRaft controller stalls every request the brokers forward to it
// for controller.socket.timeout.ms (30 s by default) until they switch controller; the port's own any-broker
// retries end sooner, so without this an upScale fails exactly when it should heal. Only errors marked
// retryable (or AP_ERR_KAFKA_UNREACHABLE) are retried: anything else, and writes whose effect is unknown,
// fail at once. Each retry is journaled (`KafkaRetry`); when the budget is spent the last error is thrown.
import { setTimeout as delay } from 'node:timers/promises'
import { AutopilotError, describeCause } from '../../errors.ts'
import { type Step, waitsOf } from './common.ts'
import type { BrokerOpsContext } from './types.ts'

export const DEFAULT_KAFKA_RETRY_MS = 60_000
const FIRST_DELAY_MS = 1_000
const MAX_DELAY_MS = 8_000

export interface RetryOptions {
  /** What is being read, for the journal (`metadata`, `start of the reassignment`). */
  what: string
  /** Total time to keep trying, ms; 0 tries once. */
  budgetMs?: number
  signal?: AbortSignal
  step?: Step
  /** Injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  now?: () => number
}

/** True for a failure a later attempt may not have: unreachable brokers, timeouts, retriable Kafka errors. */
export function isRetryable(err: unknown): boolean {
  return AutopilotError.is(err) && (err.retryable || err.code === 'AP_ERR_KAFKA_UNREACHABLE')
}

/** Runs `fn`, retrying retryable failures with backoff (1 s, 2 s, 4 s, 8 s, …) while the budget lasts. */
export async function withKafkaRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const budgetMs = options.budgetMs ?? DEFAULT_KAFKA_RETRY_MS
  const sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : {}))
  const now = options.now ?? Date.now
  const start = now()
  let wait = FIRST_DELAY_MS
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted()
    try {
      return await fn()
    } catch (err) {
      if (!isRetryable(err) || options.signal?.aborted) throw err
      const left = start + budgetMs - now()
      if (left <= 0) throw err
      const pause = Math.min(wait, left)
      options.step?.(
        'KafkaRetry',
        `${options.what} failed (attempt ${attempt}), retrying in ${Math.round(pause / 100) / 10} s: ${describeCause(err)}`,
        {
          kind: 'event',
          inputs: {
            what: options.what,
            attempt,
            delayMs: pause,
            error: { code: (err as AutopilotError).code, message: describeCause(err) },
          },
        },
      )
      await sleep(pause, options.signal)
      wait = Math.min(wait * 2, MAX_DELAY_MS)
    }
  }
}

/** withKafkaRetry with the operation's signal and budget (`waits.kafkaRetryMs`), journaled through `step`. */
export function retryRead<T>(
  ctx: BrokerOpsContext,
  step: Step | undefined,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  return withKafkaRetry(fn, {
    what,
    budgetMs: waitsOf(ctx).kafkaRetryMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(step ? { step } : {}),
  })
}
