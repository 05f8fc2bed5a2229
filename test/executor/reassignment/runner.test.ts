// The executor's state machine on an in-memory cluster with a virtual clock: failure paths that the real
// cluster cannot produce on demand (Kafka unreachable mid-run, a revert that cannot be confirmed, configs that
// cannot be deleted), timeouts, aborts and external cancels. What each leaves behind is the point.
import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import type { ReassignmentEvent } from '../../../src/executor/reassignment/events.ts'
import { type ExecuteOptions, executePlan } from '../../../src/executor/reassignment/index.ts'
import { FakeCluster, kafkaDown } from './fake-cluster.ts'

const PLAN = {
  version: 1,
  partitions: [
    { topic: 't', partition: 0, replicas: [3, 1] }, // copy: 3 gains, 2 loses
    { topic: 't', partition: 1, replicas: [3, 2] }, // reorder only
    { topic: 't', partition: 2, replicas: [1, 2] }, // already there
  ],
}

function cluster(): FakeCluster {
  return new FakeCluster({
    t: [
      [1, 2],
      [2, 3],
      [1, 2],
    ],
  })
}

async function run(c: FakeCluster, options: ExecuteOptions = {}, plan: unknown = PLAN) {
  const events: ReassignmentEvent[] = []
  const execution = await executePlan(c.port, plan, {
    clock: c.clock,
    pollIntervalMs: 1_000,
    readBackMs: 0,
    throttleBytesPerSec: 1_000,
    trackBytes: false,
    ...options,
    journal: async (event) => {
      events.push(event)
      await options.journal?.(event)
    },
  })
  const result = await execution.done
  return { result, events, kinds: events.map((e) => e.kind) }
}

describe('executor state machine', () => {
  it('completes: throttles only for the copy move, set before and deleted after, leaders elected', async () => {
    const c = cluster()
    let during: string[] = []
    const { result, kinds } = await run(c, {
      journal: (e) => {
        if (e.kind === 'started') during = c.configLines()
      },
    })
    expect(result).toMatchObject({ state: 'completed', outcome: null, error: null, warnings: [] })
    expect(kinds).toEqual([
      'planned',
      'throttles-set',
      'started',
      'progress', // the reorder: applied by Kafka at once
      'progress', // the copy
      'throttles-cleared',
      'verified',
    ])
    expect(during).toEqual([
      'broker 1 follower.replication.throttled.rate=1000',
      'broker 1 leader.replication.throttled.rate=1000',
      'broker 2 follower.replication.throttled.rate=1000',
      'broker 2 leader.replication.throttled.rate=1000',
      'broker 3 follower.replication.throttled.rate=1000',
      'broker 3 leader.replication.throttled.rate=1000',
      'topic t follower.replication.throttled.replicas=0:3',
      'topic t leader.replication.throttled.replicas=0:1,0:2',
    ])
    expect(c.configLines()).toEqual([])
    expect(c.partition('t', 0)!.replicas).toEqual([3, 1])
    expect(c.partition('t', 1)!.replicas).toEqual([3, 2])
    const elect = c.calls.find((x) => x.method === 'electPreferredLeaders')!
    expect(elect.args[0]).toEqual([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ])
    // The no-op partition was never submitted.
    const submitted = c.calls
      .filter((x) => x.method === 'alterPartitionReassignments')
      .flatMap((x) => (x.args[0] as Array<{ partition: number }>).map((m) => m.partition))
    expect(submitted).toEqual([0, 1])
  })

  it('throttles that fail to set (one broker took them): nothing submitted, the keys that were set are deleted', async () => {
    const c = cluster()
    c.fault = (method, args) => {
      const resources = args[0] as Array<{ name: string; set?: Record<string, string> }>
      if (method !== 'incrementalAlterConfigs' || !resources.some((r) => r.set)) return undefined
      c.configs.set('broker 1', { ...resources[0]!.set! }) // broker 1 applied its part
      return new AutopilotError(
        'AP_ERR_KAFKA',
        'Kafka IncrementalAlterConfigs failed on broker 3: POLICY_VIOLATION',
      )
    }
    const { result, kinds } = await run(c)
    expect(result).toMatchObject({
      state: 'failed',
      outcome: 'unchanged',
      error: { step: 'set-throttles', code: 'AP_ERR_KAFKA' },
      throttles: { cleared: true },
    })
    expect(kinds).toEqual(['planned', 'throttles-cleared', 'failed'])
    expect(c.calls.some((x) => x.method === 'alterPartitionReassignments')).toBe(false)
    expect(c.configLines()).toEqual([])
  })

  it('Kafka unreachable while moving: fails the run, keeps the throttles, says the moves may still be in flight', async () => {
    const c = cluster()
    c.pollsToComplete = Number.POSITIVE_INFINITY
    let down = false
    c.fault = (method) => (down && method !== 'alterPartitionReassignments' ? kafkaDown(method) : undefined)
    const { result, events } = await run(c, {
      maxPollErrors: 3,
      journal: (e) => {
        if (e.kind === 'started') down = true
      },
    })
    expect(result).toMatchObject({
      state: 'failed',
      outcome: 'in-flight-left',
      error: { step: 'poll', code: 'AP_ERR_KAFKA_UNREACHABLE' },
      throttles: { set: true, cleared: false },
    })
    expect(events.at(-1)).toMatchObject({ kind: 'failed', outcome: 'in-flight-left' })
    expect(c.configLines()).toHaveLength(8)
  })

  it('a few failed polls are tolerated', async () => {
    const c = cluster()
    let failures = 0
    c.fault = (method) =>
      method === 'listPartitionReassignments' && failures-- > 0 ? kafkaDown(method) : undefined
    const { result } = await run(c, {
      maxPollErrors: 3,
      journal: (e) => {
        if (e.kind === 'started') failures = 2
      },
    })
    expect(result.state).toBe('completed')
  })

  it('timeout: in-flight moves are reverted and throttles cleared', async () => {
    const c = cluster()
    c.pollsToComplete = Number.POSITIVE_INFINITY
    const { result, kinds } = await run(c, { timeoutMs: 5_000 })
    expect(result).toMatchObject({
      state: 'failed',
      outcome: 'partly-moved', // the reorder finished at once; the copy was reverted
      error: { step: 'timeout', code: 'AP_ERR_TIMEOUT' },
      throttles: { cleared: true },
    })
    expect(result.progress.moves.map((m) => m.state)).toEqual(['reverted', 'done', 'done'])
    expect(c.partition('t', 0)!.replicas).toEqual([1, 2])
    expect(c.ongoing.size).toBe(0)
    expect(kinds.slice(-2)).toEqual(['throttles-cleared', 'failed'])
    expect(c.configLines()).toEqual([])
  })

  it('AbortSignal: cancelled as "aborted", reverted, throttles cleared', async () => {
    const c = cluster()
    c.pollsToComplete = Number.POSITIVE_INFINITY
    const abort = new AbortController()
    const { result } = await run(c, {
      signal: abort.signal,
      journal: (e) => {
        if (e.kind === 'started') abort.abort()
      },
    })
    expect(result).toMatchObject({
      state: 'cancelled',
      cancelReason: 'aborted',
      throttles: { cleared: true },
    })
    expect(c.partition('t', 0)!.replicas).toEqual([1, 2])
    expect(c.configLines()).toEqual([])
  })

  it('a revert puts the original replica order back (Kafka’s cancel returns the set, target-ordered)', async () => {
    const c = new FakeCluster({ t: [[1, 2]] })
    c.pollsToComplete = Number.POSITIVE_INFINITY
    const abort = new AbortController()
    const plan = { version: 1, partitions: [{ topic: 't', partition: 0, replicas: [3, 2] }] }
    const { result } = await run(
      c,
      {
        signal: abort.signal,
        journal: (e) => {
          if (e.kind === 'started') abort.abort()
        },
      },
      plan,
    )
    expect(result).toMatchObject({ state: 'cancelled', outcome: 'unchanged', warnings: [] })
    const submitted = c.calls
      .filter((x) => x.method === 'alterPartitionReassignments')
      .map((x) => (x.args[0] as Array<{ replicas: number[] | null }>)[0]!.replicas)
    expect(submitted).toEqual([[3, 2], null, [1, 2]]) // move, cancel (→ [2, 1]), reorder back
    expect(c.partition('t', 0)!.replicas).toEqual([1, 2])
  })

  it('someone else cancels the reassignment: detected after 3 polls, the run stops as cancelled "external"', async () => {
    const c = cluster()
    c.pollsToComplete = Number.POSITIVE_INFINITY
    const { result, events } = await run(c, {
      journal: async (e) => {
        if (e.kind === 'started')
          await c.port.alterPartitionReassignments([{ topic: 't', partition: 0, replicas: null }])
      },
    })
    expect(result).toMatchObject({ state: 'cancelled', cancelReason: 'external' })
    expect(events.at(-1)).toMatchObject({ kind: 'cancelled', diverged: [{ topic: 't', partition: 0 }] })
    expect(c.configLines()).toEqual([])
  })

  it('throttles that cannot be deleted: the moves are done but the run fails at clear-throttles', async () => {
    const c = cluster()
    c.fault = (method, args) =>
      method === 'incrementalAlterConfigs' && (args[0] as Array<{ delete?: string[] }>).some((r) => r.delete)
        ? kafkaDown(method)
        : undefined
    const { result, events } = await run(c, { cleanupAttempts: 2 })
    expect(result).toMatchObject({
      state: 'failed',
      outcome: 'moved',
      error: { step: 'clear-throttles' },
      throttles: { cleared: false },
    })
    expect(events.at(-1)).toMatchObject({ kind: 'failed', outcome: 'moved' })
    expect(c.partition('t', 0)!.replicas).toEqual([3, 1])
  })

  it('cancel() after the last move finished changes nothing: the run still completes', async () => {
    const c = cluster()
    let execution: Awaited<ReturnType<typeof executePlan>> | null = null
    execution = await executePlan(c.port, PLAN, {
      clock: c.clock,
      readBackMs: 0,
      trackBytes: false,
      journal: (e) => {
        if (e.kind === 'throttles-cleared') void execution!.cancel()
      },
    })
    const result = await execution.done
    expect(result).toMatchObject({ state: 'completed', cancelReason: null })
  })

  it('a journal that throws does not stop the run; the errors are warnings', async () => {
    const c = cluster()
    const { result } = await run(c, {
      journal: () => {
        throw new Error('disk full')
      },
    })
    expect(result.state).toBe('completed')
    expect(result.warnings[0]).toMatch(/journal \(planned\): disk full/)
  })

  it('updates() yields snapshots and ends with the final one', async () => {
    const c = cluster()
    const execution = await executePlan(c.port, PLAN, {
      clock: c.clock,
      readBackMs: 0,
      trackBytes: false,
      pollIntervalMs: 1_000,
    })
    const states: string[] = []
    for await (const s of execution.updates()) states.push(s.state)
    expect(states.at(-1)).toBe('completed')
    expect((await execution.done).progress.state).toBe('completed')
  })
})

describe('refusals before any change', () => {
  it.each([
    { name: 'maxMovesPerBroker 0', options: { maxMovesPerBroker: 0 }, field: 'maxMovesPerBroker' },
    { name: 'a fractional throttle', options: { throttleBytesPerSec: 1.5 }, field: 'throttleBytesPerSec' },
    {
      name: 'a bad existingThrottles',
      options: { existingThrottles: 'keep' as 'fail' },
      field: 'existingThrottles',
    },
  ])('$name', async ({ options, field }) => {
    const c = cluster()
    const error = await executePlan(c.port, PLAN, options).catch((e) => e)
    expect(AutopilotError.is(error) && [error.code, error.field]).toEqual(['AP_ERR_INPUT', field])
    expect(c.calls).toEqual([])
  })

  it('a reassignment already running in the cluster', async () => {
    const c = cluster()
    await c.port.alterPartitionReassignments([{ topic: 't', partition: 1, replicas: [4, 3] }])
    c.calls = []
    const error = await executePlan(c.port, PLAN, { clock: c.clock }).catch((e) => e)
    expect(AutopilotError.is(error) && error.code).toBe('AP_ERR_CONFLICT')
    expect(c.calls.filter((x) => x.method === 'incrementalAlterConfigs')).toEqual([])
  })

  it("existingThrottles 'replace' overwrites them, journals the old values, deletes them at the end", async () => {
    const c = cluster()
    c.configs.set('broker 1', { 'leader.replication.throttled.rate': '5' })
    const { result, events } = await run(c, { existingThrottles: 'replace' })
    expect(result.state).toBe('completed')
    expect(events.find((e) => e.kind === 'throttles-set')).toMatchObject({
      replaced: { 'broker 1': { 'leader.replication.throttled.rate': '5' } },
    })
    expect(c.configLines()).toEqual([])
  })
})
