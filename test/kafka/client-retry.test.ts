import { describe, expect, it } from 'vitest'
import {
  backoffDelay,
  isTransient,
  libraryRetryOptions,
  outerRetry,
  resolveRetry,
} from '../../src/kafka/client-retry.ts'

/** The shapes @platformatic/kafka throws: MultipleErrors trees with network or protocol leaves. */
const timeout = { message: 'Request timed out', code: 'PLT_KFK_NETWORK', canRetry: true }
const protocol = (apiId: string, canRetry: boolean) => ({
  message: apiId,
  apiId,
  code: 'PLT_KFK_PROTOCOL',
  canRetry,
})
const multiple = (...errors: unknown[]) => ({
  message: 'produce failed 3 times.',
  code: 'PLT_KFK_MULTIPLE',
  errors,
})

describe('isTransient: which failures a port retries', () => {
  const rows: Array<{ name: string; error: unknown; transient: boolean }> = [
    {
      name: 'requests to a frozen leader timed out',
      error: multiple(timeout, timeout, timeout),
      transient: true,
    },
    { name: 'the leader moved', error: multiple(protocol('NOT_LEADER_OR_FOLLOWER', true)), transient: true },
    {
      name: 'too few in-sync replicas',
      error: multiple(protocol('NOT_ENOUGH_REPLICAS', true)),
      transient: true,
    },
    {
      name: 'a timeout, then the leader moved',
      error: multiple(timeout, protocol('NOT_LEADER_OR_FOLLOWER', true)),
      transient: true,
    },
    {
      name: 'connection refused',
      error: {
        message: 'Connection error',
        code: 'PLT_KFK_NETWORK',
        cause: { message: 'x', code: 'ECONNREFUSED' },
      },
      transient: true,
    },
    {
      name: 'a fetch retried on a broker the controller fenced meanwhile',
      error: multiple(timeout, timeout, {
        message: 'Cannot find broker with node id 1',
        code: 'PLT_KFK_USER',
      }),
      transient: true,
    },
    {
      name: 'the client was closed',
      error: { message: 'Client is closed.', code: 'PLT_KFK_NETWORK', canRetry: false, closed: true },
      transient: false,
    },
    { name: 'record too large', error: multiple(protocol('MESSAGE_TOO_LARGE', false)), transient: false },
    {
      name: 'a retriable error next to a fatal one',
      error: multiple(timeout, protocol('TOPIC_AUTHORIZATION_FAILED', false)),
      transient: false,
    },
    {
      name: 'an unknown topic (library UserError)',
      error: { message: 'Unknown topic t.', code: 'PLT_KFK_USER' },
      transient: false,
    },
    { name: 'not an error object', error: 'boom', transient: false },
  ]
  for (const row of rows) {
    it(row.name, () => expect(isTransient(row.error)).toBe(row.transient))
  }
})

describe('retry options', () => {
  it('defaults: 250 ms doubling to 2 s, within a 60 s retry budget', () => {
    expect(resolveRetry({})).toEqual({
      retryTimeoutMs: 60_000,
      retryBackoffMs: 250,
      retryBackoffMaxMs: 2_000,
    })
  })

  it('doubles the backoff up to its maximum', () => {
    const retry = resolveRetry({ retryBackoffMs: 200, retryBackoffMaxMs: 1_000 })
    expect([1, 2, 3, 4, 5, 40].map((n) => backoffDelay(n, retry))).toEqual([
      200, 400, 800, 1_000, 1_000, 1_000,
    ])
  })

  it('a backoff above the default maximum raises the maximum with it', () => {
    expect(resolveRetry({ retryBackoffMs: 5_000 }).retryBackoffMaxMs).toBe(5_000)
  })

  it('rejects bad values naming the field', () => {
    expect(() => resolveRetry({ retryTimeoutMs: 0 })).toThrow(
      expect.objectContaining({ field: 'retryTimeoutMs' }),
    )
    expect(() => resolveRetry({ retryBackoffMs: Number.NaN })).toThrow(
      expect.objectContaining({ field: 'retryBackoffMs' }),
    )
    expect(() => resolveRetry({ retryBackoffMs: 500, retryBackoffMaxMs: 100 })).toThrow(
      expect.objectContaining({ field: 'retryBackoffMaxMs' }),
    )
  })

  it('gives the library the same backoff, per attempt', () => {
    const { retries, retryDelay } = libraryRetryOptions(resolveRetry({}))
    expect(retries).toBe(2)
    const delay = retryDelay as (c: object, op: string, attempt: number, retries: number, e: Error) => number
    expect([1, 2].map((n) => delay({}, 'produce', n, 2, new Error('x')))).toEqual([250, 500])
  })

  it('the outer retry retries transient failures only, within the budget', () => {
    const options = outerRetry(resolveRetry({ retryTimeoutMs: 30_000 }))
    expect(options).toMatchObject({ firstDelayMs: 250, maxDelayMs: 2_000, budgetMs: 30_000 })
    expect(options.retryable(multiple(timeout))).toBe(true)
    expect(options.retryable(multiple(protocol('MESSAGE_TOO_LARGE', false)))).toBe(false)
  })

  it('a client that never reached the cluster is not retried', () => {
    let reached = false
    const options = outerRetry(resolveRetry({}), undefined, () => reached)
    expect(options.retryable(multiple(timeout))).toBe(false)
    reached = true
    expect(options.retryable(multiple(timeout))).toBe(true)
  })
})
