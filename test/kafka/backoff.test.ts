// The one retry-with-backoff loop on a virtual clock (sleeping advances it): doubling pauses up to a cap, each
// retry announced before its pause, bounded by a budget (the last pause ends at it) or by attempts, only
// retryable failures retried, and an abort ends it.
import { describe, expect, it } from 'vitest'
import { type RetryEvent, retryWithBackoff } from '../../src/kafka/backoff.ts'
import type { WaitClock } from '../../src/kafka/wait.ts'

function clock(onSleep?: (count: number) => void) {
  let t = 0
  const sleeps: number[] = []
  const c: WaitClock & { sleeps: number[] } = {
    sleeps,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms)
      t += ms
      onSleep?.(sleeps.length)
    },
  }
  return c
}

/** Fails the first `times` attempts (message `attempt N`), then answers 'ok'; records attempt numbers. */
function flaky(times: number) {
  const attempts: number[] = []
  const fn = async (attempt: number) => {
    attempts.push(attempt)
    if (attempts.length <= times) throw new Error(`attempt ${attempt}`)
    return 'ok'
  }
  return { fn, attempts }
}

describe('retryWithBackoff', () => {
  it('retries with doubling pauses up to the cap, announcing each retry before its pause', async () => {
    const c = clock()
    const f = flaky(5)
    const events: RetryEvent[] = []
    const value = await retryWithBackoff(f.fn, {
      firstDelayMs: 1_000,
      maxDelayMs: 5_000,
      maxAttempts: 10,
      clock: c,
      onRetry: (e) => {
        events.push(e)
        expect(c.sleeps).toHaveLength(e.attempt - 1)
      },
    })
    expect(value).toBe('ok')
    expect(f.attempts).toEqual([1, 2, 3, 4, 5, 6])
    expect(c.sleeps).toEqual([1_000, 2_000, 4_000, 5_000, 5_000])
    expect(events.map((e) => [e.attempt, e.delayMs, (e.error as Error).message])).toEqual([
      [1, 1_000, 'attempt 1'],
      [2, 2_000, 'attempt 2'],
      [3, 4_000, 'attempt 3'],
      [4, 5_000, 'attempt 4'],
      [5, 5_000, 'attempt 5'],
    ])
  })

  it('keeps the first pause as given even above the cap, then the cap', async () => {
    const c = clock()
    await retryWithBackoff(flaky(2).fn, {
      firstDelayMs: 40_000,
      maxDelayMs: 30_000,
      maxAttempts: 5,
      clock: c,
    })
    expect(c.sleeps).toEqual([40_000, 30_000])
  })

  it('throws the last error once the budget is spent, its last pause ending at the budget', async () => {
    const c = clock()
    const f = flaky(100)
    const events: RetryEvent[] = []
    const retrying = retryWithBackoff(f.fn, {
      firstDelayMs: 1_000,
      maxDelayMs: 8_000,
      budgetMs: 30_000,
      clock: c,
      onRetry: (e) => events.push(e),
    })
    await expect(retrying).rejects.toThrow('attempt 7')
    expect(c.sleeps).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 7_000])
    expect(c.now()).toBe(30_000)
    expect(events).toHaveLength(6)
  })

  it('tries once with a budget of 0', async () => {
    const c = clock()
    const f = flaky(1)
    await expect(
      retryWithBackoff(f.fn, { firstDelayMs: 1, maxDelayMs: 1, budgetMs: 0, clock: c }),
    ).rejects.toThrow('attempt 1')
    expect(f.attempts).toEqual([1])
  })

  it('gives up after maxAttempts without announcing a retry for the last failure', async () => {
    const c = clock()
    const f = flaky(100)
    const events: RetryEvent[] = []
    const retrying = retryWithBackoff(f.fn, {
      firstDelayMs: 10,
      maxDelayMs: 1_000,
      maxAttempts: 3,
      clock: c,
      onRetry: (e) => events.push(e),
    })
    await expect(retrying).rejects.toThrow('attempt 3')
    expect(events.map((e) => e.attempt)).toEqual([1, 2])
    expect(c.sleeps).toEqual([10, 20])
  })

  it('throws a failure that is not retryable at once', async () => {
    const c = clock()
    const f = flaky(3)
    const retrying = retryWithBackoff(f.fn, {
      firstDelayMs: 10,
      maxDelayMs: 10,
      maxAttempts: 10,
      retryable: (err) => (err as Error).message !== 'attempt 2',
      clock: c,
    })
    await expect(retrying).rejects.toThrow('attempt 2')
    expect(f.attempts).toEqual([1, 2])
  })

  it('stops on abort: the next attempt is not made, and a failure after the abort is not retried', async () => {
    const controller = new AbortController()
    const c = clock((count) => {
      if (count === 2) controller.abort(new Error('stopping'))
    })
    const f = flaky(100)
    const options = { firstDelayMs: 10, maxDelayMs: 10, maxAttempts: 10, signal: controller.signal, clock: c }
    await expect(retryWithBackoff(f.fn, options)).rejects.toThrow('stopping')
    expect(f.attempts).toEqual([1, 2])

    const late = new AbortController()
    const fails = async () => {
      late.abort(new Error('stopping'))
      throw new Error('failed while stopping')
    }
    await expect(
      retryWithBackoff(fails, { ...options, signal: late.signal, clock: clock() }),
    ).rejects.toThrow('failed while stopping')
  })

  it('refuses to run unbounded', async () => {
    await expect(retryWithBackoff(async () => 1, { firstDelayMs: 1, maxDelayMs: 1 })).rejects.toThrow(
      'budgetMs or maxAttempts',
    )
  })
})
