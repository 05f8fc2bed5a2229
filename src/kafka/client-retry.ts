// Request timeout, retry and backoff of the producer and consumer ports. A frozen broker (SIGSTOP, a long GC
// pause) keeps its TCP connection open, so a request to it fails only when the client's request timeout fires.
// @platformatic/kafka 2.12 has what is needed per request: `requestTimeout` (the request fails with a retryable
// timeout and the connection is dropped), `retries` with a `retryDelay` function (used for an exponential
// backoff), and a forced metadata refresh before a produce or fetch is retried. What it lacks is written here by
// hand: which errors are worth retrying at all (`isTransient`), and the budget the ports' own outer retries use
// (backoff.ts runs them): a whole send is retried until a delivery deadline, because the library retries each
// leader's share of a batch with the grouping it made before the leader moved (a batch whose frozen leader's
// partitions moved to two brokers still fails), and a consumer's fetch stream that broke is restarted.
import type { BaseOptions } from '@platformatic/kafka'
import { AutopilotError } from '../errors.ts'
import { leafErrors } from './error-mapping.ts'
import type { RetryOptions } from './port.ts'

/** Request timeout of the producer and consumer ports, ms: a frozen leader is given up on after this long. */
export const CLIENT_REQUEST_TIMEOUT_MS = 10_000
/** How long a send (or a consumer's broken fetch stream) is retried before the port gives up, ms. */
export const DEFAULT_RETRY_TIMEOUT_MS = 60_000
/**
 * First backoff between retries, ms; doubles up to the maximum (like Kafka's retry.backoff.ms / .max.ms, whose
 * 100 ms is too short here: a transaction begun right after the previous one ended meets CONCURRENT_TRANSACTIONS
 * while the coordinator writes the markers, and the library's two retries must outlast that, as the former fixed
 * 2 × 250 ms did).
 */
export const DEFAULT_RETRY_BACKOFF_MS = 250
export const DEFAULT_RETRY_BACKOFF_MAX_MS = 2_000
/** The library's own retries of each request (each after a metadata refresh where it applies). */
const LIBRARY_RETRIES = 2

export interface ResolvedRetry {
  retryTimeoutMs: number
  retryBackoffMs: number
  retryBackoffMaxMs: number
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) {
    throw new AutopilotError('AP_ERR_CONFIG', `${field} must be a positive number of milliseconds`, { field })
  }
  return value
}

export function resolveRetry(options: RetryOptions): ResolvedRetry {
  const retryBackoffMs = positive(options.retryBackoffMs, DEFAULT_RETRY_BACKOFF_MS, 'retryBackoffMs')
  const retryBackoffMaxMs = positive(
    options.retryBackoffMaxMs,
    Math.max(DEFAULT_RETRY_BACKOFF_MAX_MS, retryBackoffMs),
    'retryBackoffMaxMs',
  )
  if (retryBackoffMaxMs < retryBackoffMs) {
    throw new AutopilotError('AP_ERR_CONFIG', 'retryBackoffMaxMs must not be below retryBackoffMs', {
      field: 'retryBackoffMaxMs',
    })
  }
  return {
    retryTimeoutMs: positive(options.retryTimeoutMs, DEFAULT_RETRY_TIMEOUT_MS, 'retryTimeoutMs'),
    retryBackoffMs,
    retryBackoffMaxMs,
  }
}

/** Wait before retry number `retry` (1-based): the base, doubling, at most the maximum. */
export function backoffDelay(retry: number, retryOptions: ResolvedRetry): number {
  const exponent = Math.min(30, Math.max(0, retry - 1))
  return Math.min(retryOptions.retryBackoffMaxMs, retryOptions.retryBackoffMs * 2 ** exponent)
}

/** The library's retry options: a few retries per request, with the same exponential backoff. */
export function libraryRetryOptions(
  retryOptions: ResolvedRetry,
): Pick<BaseOptions, 'retries' | 'retryDelay'> {
  return {
    retries: LIBRARY_RETRIES,
    retryDelay: (_client, _operation, attempt) => backoffDelay(attempt, retryOptions),
  }
}

const NETWORK_CODES = new Set(['PLT_KFK_NETWORK', 'PLT_KFK_TIMEOUT'])
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

/**
 * True when retrying later can succeed: every failure in the error tree is a timeout or a lost connection, or a
 * Kafka error the protocol marks retriable (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, LEADER_NOT_AVAILABLE…).
 * A closed client, a bad record, an unknown topic or an authorization error is not.
 */
export function isTransient(error: unknown): boolean {
  const leaves = leafErrors(error)
  if (leaves.length === 0) return false
  return leaves.every((e) => {
    if (e.apiId) return e.canRetry === true
    if ((e as { closed?: boolean }).closed === true) return false
    return (
      NETWORK_CODES.has(e.code ?? '') || SOCKET_CODES.has(e.code ?? '') || LEFT_METADATA.test(e.message ?? '')
    )
  })
}

/**
 * The library's fetch retry asks the broker it first chose when the partitions it fetched now have different
 * leaders; once the controller fenced that broker it is gone from the metadata and the library says this (a
 * UserError, no code of its own). A new fetch, grouped by the current leaders, succeeds.
 */
const LEFT_METADATA = /^Cannot find broker with node id \d+/

/**
 * Options for retryWithBackoff (backoff.ts) of a port's outer retry: transient failures, within the budget.
 * `reachedOnce` (when given) must hold too: a client that never got an answer (a wrong bootstrap address, a
 * cluster that is down) fails at once, as before, instead of retrying for the whole budget.
 */
export function outerRetry(retry: ResolvedRetry, signal?: AbortSignal, reachedOnce?: () => boolean) {
  return {
    firstDelayMs: retry.retryBackoffMs,
    maxDelayMs: retry.retryBackoffMaxMs,
    budgetMs: retry.retryTimeoutMs,
    retryable: (error: unknown) => isTransient(error) && (reachedOnce?.() ?? true),
    ...(signal ? { signal } : {}),
  }
}
