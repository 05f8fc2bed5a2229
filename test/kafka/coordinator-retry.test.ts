import { describe, expect, it } from 'vitest'
import {
  coordinatorRetryDelay,
  isCoordinatorNotReady,
  retryWhileCoordinatorLoads,
} from '../../src/kafka/coordinator-retry.ts'

/** The shape @platformatic/kafka throws: a MultipleErrors tree with ProtocolError leaves. */
const kafkaError = (...apiIds: string[]) => ({
  message: 'Kafka JoinGroup failed',
  errors: apiIds.map((apiId) => ({ message: apiId, apiId, code: 'PLT_KFK_PROTOCOL', canRetry: true })),
})

describe('isCoordinatorNotReady: the retry classification', () => {
  const rows: Array<{ name: string; error: unknown; retriable: boolean }> = [
    { name: 'coordinator not available', error: kafkaError('COORDINATOR_NOT_AVAILABLE'), retriable: true },
    { name: 'not the coordinator', error: kafkaError('NOT_COORDINATOR'), retriable: true },
    {
      name: 'what a fresh cluster answers: a mix of coordinator errors',
      error: kafkaError('NOT_COORDINATOR', 'NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS'),
      retriable: true,
    },
    {
      name: 'nested under a cause',
      error: { message: 'outer', cause: kafkaError('COORDINATOR_LOAD_IN_PROGRESS') },
      retriable: true,
    },
    { name: 'bad group id', error: kafkaError('INVALID_GROUP_ID'), retriable: false },
    { name: 'fenced transactional producer', error: kafkaError('PRODUCER_FENCED'), retriable: false },
    { name: 'authorization', error: kafkaError('GROUP_AUTHORIZATION_FAILED'), retriable: false },
    {
      name: 'a coordinator error next to a fatal one',
      error: kafkaError('NOT_COORDINATOR', 'GROUP_AUTHORIZATION_FAILED'),
      retriable: false,
    },
    {
      name: 'unreachable brokers (no Kafka answer at all)',
      error: { message: 'connect failed', errors: [{ message: 'refused', code: 'ECONNREFUSED' }] },
      retriable: false,
    },
    { name: 'a plain error', error: new Error('boom'), retriable: false },
    { name: 'not an error', error: undefined, retriable: false },
  ]
  for (const row of rows) {
    it(`${row.name}: ${row.retriable ? 'retried' : 'fails at once'}`, () => {
      expect(isCoordinatorNotReady(row.error)).toBe(row.retriable)
    })
  }
})

describe('coordinatorRetryDelay', () => {
  it('doubles from 250 ms and stays at 2 s', () => {
    expect([0, 1, 2, 3, 4, 10].map(coordinatorRetryDelay)).toEqual([250, 500, 1000, 2000, 2000, 2000])
  })
})

/** A fake clock: waiting advances it, so loops run instantly and their waits are recorded. */
function fakeTime() {
  let t = 0
  const waits: number[] = []
  return {
    now: () => t,
    wait: async (ms: number) => {
      waits.push(ms)
      t += ms
    },
    waits,
  }
}

/** An attempt that fails with the given errors in turn, then succeeds. */
function attempts(...failures: unknown[]) {
  let calls = 0
  return {
    run: async () => {
      const failure = failures[calls++]
      if (failure !== undefined) throw failure
      return 'joined'
    },
    calls: () => calls,
  }
}

describe('retryWhileCoordinatorLoads', () => {
  it('retries coordinator errors with backoff until the join succeeds', async () => {
    const time = fakeTime()
    const a = attempts(kafkaError('COORDINATOR_NOT_AVAILABLE'), kafkaError('NOT_COORDINATOR'))
    expect(await retryWhileCoordinatorLoads(a.run, { deadline: 30_000, ...time })).toBe('joined')
    expect([a.calls(), time.waits]).toEqual([3, [250, 500]])
  })

  it('a non-retriable error fails at once, unchanged', async () => {
    const time = fakeTime()
    const fatal = kafkaError('INVALID_GROUP_ID')
    const a = attempts(fatal)
    await expect(retryWhileCoordinatorLoads(a.run, { deadline: 30_000, ...time })).rejects.toBe(fatal)
    expect([a.calls(), time.waits]).toEqual([1, []])
  })

  it('stops at the deadline with the last error: no attempt starts after it', async () => {
    const time = fakeTime()
    const errors = Array.from({ length: 50 }, () => kafkaError('COORDINATOR_LOAD_IN_PROGRESS'))
    const a = attempts(...errors)
    await expect(retryWhileCoordinatorLoads(a.run, { deadline: 5_000, ...time })).rejects.toBe(errors[4])
    // 250 + 500 + 1000 + 2000 = 3750; the next 2 s wait would end past 5 s
    expect([a.calls(), time.waits, time.now()]).toEqual([5, [250, 500, 1000, 2000], 3750])
  })

  it('stops when the consumer is closed meanwhile', async () => {
    const time = fakeTime()
    let closed = false
    const error = kafkaError('NOT_COORDINATOR')
    const a = attempts(error, error, error)
    const run = async () => {
      const result = a.run()
      closed = a.calls() === 2
      return result
    }
    await expect(
      retryWhileCoordinatorLoads(run, { deadline: 30_000, stopped: () => closed, ...time }),
    ).rejects.toBe(error)
    expect(a.calls()).toBe(2)
  })
})
