// The consumer port's read loop: a fetch stream that broke on a transient failure is reopened; anything else ends
// reading. Streams are plain objects here: this checks the loop, not Kafka.
import { describe, expect, it } from 'vitest'
import { resolveRetry } from '../../src/kafka/client-retry.ts'
import { readWithRestarts } from '../../src/kafka/stream-restart.ts'

const timeout = {
  message: 'fetch failed 3 times.',
  errors: [{ message: 'Request timed out', code: 'PLT_KFK_NETWORK' }],
}
const fatal = {
  message: 'x',
  errors: [{ message: 'TOPIC_AUTHORIZATION_FAILED', apiId: 'TOPIC_AUTHORIZATION_FAILED' }],
}
const retry = resolveRetry({ retryTimeoutMs: 50, retryBackoffMs: 1, retryBackoffMaxMs: 2 })

/** Streams named by number; `ends[n]` is what draining stream n gives (null: it ended). */
function harness(ends: unknown[], reopenFailures = 0) {
  const read: number[] = []
  const current: number[] = []
  const restarts: unknown[] = []
  let opened = 0
  let failures = reopenFailures
  const controller = new AbortController()
  const run = readWithRestarts<number>({
    first: 0,
    drain: async (s) => {
      read.push(s)
      return ends[s] ?? null
    },
    reopen: async () => {
      if (failures-- > 0) throw timeout
      return ++opened
    },
    onStream: (s) => current.push(s),
    closeStream: async () => {},
    retry,
    signal: controller.signal,
    onRestart: (e) => restarts.push(e),
  })
  return { run, read, current, restarts, controller }
}

describe('readWithRestarts', () => {
  it('reopens a stream that broke on timeouts, until one ends', async () => {
    const h = harness([timeout, timeout, null])
    await h.run
    expect(h.read).toEqual([0, 1, 2])
    expect(h.current).toEqual([1, 2])
    expect(h.restarts).toEqual([timeout, timeout])
  })

  it('retries the reopening itself with backoff', async () => {
    const h = harness([timeout, null], 2)
    await h.run
    expect(h.read).toEqual([0, 1])
  })

  it('a failure that is not transient ends reading with that error', async () => {
    const h = harness([fatal])
    await expect(h.run).rejects.toBe(fatal)
    expect(h.read).toEqual([0])
  })

  it('gives up when the stream cannot be reopened within the budget', async () => {
    const h = harness([timeout], Number.POSITIVE_INFINITY)
    await expect(h.run).rejects.toBe(timeout)
  })

  it('a closed consumer is not reopened', async () => {
    const h = harness([timeout])
    h.controller.abort()
    await h.run
    expect(h.read).toEqual([0])
    expect(h.current).toEqual([])
  })
})
