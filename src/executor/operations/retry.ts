// Bounded retry of the broker operations' idempotent Kafka reads (and of starting a reassignment, which only
// reads before it returns). A frozen active KRaft controller stalls every request the brokers forward to it
// for controller.socket.timeout.ms (30 s by default) until they switch controller; the port's own any-broker
// retries end sooner, so without this an upScale fails exactly when it should heal. Only errors marked
// retryable (or AP_ERR_KAFKA_UNREACHABLE) are retried: anything else, and writes whose effect is unknown,
// fail at once. Each retry is journaled (`KafkaRetry`); when the budget is spent the last error is thrown.
// The loop itself is the shared one (src/kafka/backoff.ts).
import { AutopilotError, describeCause } from '../../errors.ts'
import { retryWithBackoff } from '../../kafka/backoff.ts'
import { realClock } from '../../kafka/wait.ts'
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
export function withKafkaRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? realClock.sleep
  return retryWithBackoff(() => fn(), {
    firstDelayMs: FIRST_DELAY_MS,
    maxDelayMs: MAX_DELAY_MS,
    budgetMs: options.budgetMs ?? DEFAULT_KAFKA_RETRY_MS,
    retryable: isRetryable,
    ...(options.signal ? { signal: options.signal } : {}),
    clock: { now: options.now ?? realClock.now, sleep },
    onRetry: ({ attempt, error, delayMs }) =>
      options.step?.(
        'KafkaRetry',
        `${options.what} failed (attempt ${attempt}), retrying in ${Math.round(delayMs / 100) / 10} s: ${describeCause(error)}`,
        {
          kind: 'event',
          inputs: {
            what: options.what,
            attempt,
            delayMs,
            error: { code: (error as AutopilotError).code, message: describeCause(error) },
          },
        },
      ),
  })
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
