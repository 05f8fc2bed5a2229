// The broker operations' bounded Kafka retry: retryable failures (a stalled controller) are retried with
// backoff and journaled, others fail at once, the budget and the abort signal end it. Then on the in-memory
// cluster: an upScale heal whose reassignment start hits an unreachable controller still heals.
import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import { type BrokerOpsContext, scaleOut } from '../../../src/executor/operations/index.ts'
import { isRetryable, withKafkaRetry } from '../../../src/executor/operations/retry.ts'
import type { JournalEntryInput } from '../../../src/journal/journal.ts'
import { FakeCluster, kafkaDown } from '../reassignment/fake-cluster.ts'
import { FakeBackend } from './fake-backend.ts'

/** A virtual clock: sleeping advances it, recording each pause. */
function clock() {
  let t = 0
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms)
      t += ms
    },
  }
}

/** Fails with `error` the first `times` calls, then answers 'ok'. */
function flaky(times: number, error: () => Error) {
  let calls = 0
  const fn = async () => {
    calls++
    if (calls <= times) throw error()
    return 'ok'
  }
  return { fn, calls: () => calls }
}

describe('withKafkaRetry', () => {
  it('retries a retryable failure with backoff, journaling each retry', async () => {
    const c = clock()
    const steps: Array<{ reason: string; inputs: Record<string, unknown> | undefined }> = []
    const f = flaky(3, () => kafkaDown('listPartitionReassignments'))
    const value = await withKafkaRetry(f.fn, {
      what: 'metadata',
      budgetMs: 60_000,
      ...c,
      step: (reason, _message, options) => steps.push({ reason, inputs: options?.inputs }),
    })
    expect(value).toBe('ok')
    expect(f.calls()).toBe(4)
    expect(c.sleeps).toEqual([1_000, 2_000, 4_000])
    expect(steps.map((s) => s.reason)).toEqual(['KafkaRetry', 'KafkaRetry', 'KafkaRetry'])
    expect(steps[0]?.inputs).toMatchObject({
      what: 'metadata',
      attempt: 1,
      error: { code: 'AP_ERR_KAFKA_UNREACHABLE' },
    })
  })

  it('fails with the last error without a budget (no retry)', async () => {
    const c = clock()
    const f = flaky(1, () => kafkaDown('metadata'))
    await expect(withKafkaRetry(f.fn, { what: 'metadata', budgetMs: 0, ...c })).rejects.toMatchObject({
      code: 'AP_ERR_KAFKA_UNREACHABLE',
    })
    expect(f.calls()).toBe(1)
  })

  it('gives up with the last error once the budget is spent, delays capped at 8 s', async () => {
    const c = clock()
    let n = 0
    const fn = async () => {
      n++
      throw new AutopilotError('AP_ERR_KAFKA_UNREACHABLE', `attempt ${n}`, { retryable: true })
    }
    await expect(withKafkaRetry(fn, { what: 'metadata', budgetMs: 30_000, ...c })).rejects.toThrow(
      'attempt 7',
    )
    expect(c.sleeps).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 7_000])
    expect(c.now()).toBe(30_000)
  })

  it('does not retry a non-retryable error', async () => {
    const c = clock()
    const f = flaky(1, () => new AutopilotError('AP_ERR_CONFLICT', 'already being reassigned'))
    await expect(withKafkaRetry(f.fn, { what: 'start', ...c })).rejects.toMatchObject({
      code: 'AP_ERR_CONFLICT',
    })
    expect(f.calls()).toBe(1)
    expect(c.sleeps).toEqual([])
    expect(isRetryable(new Error('plain'))).toBe(false)
    expect(isRetryable(new AutopilotError('AP_ERR_TIMEOUT', 'x', { retryable: true }))).toBe(true)
    expect(isRetryable(new AutopilotError('AP_ERR_KAFKA_UNREACHABLE', 'x'))).toBe(true)
  })

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController()
    const c = clock()
    const f = flaky(10, () => kafkaDown('metadata'))
    const sleep = async (ms: number) => {
      await c.sleep(ms)
      if (c.sleeps.length === 2) controller.abort(new Error('cancelled by user'))
    }
    await expect(
      withKafkaRetry(f.fn, { what: 'metadata', now: c.now, sleep, signal: controller.signal }),
    ).rejects.toThrow('cancelled by user')
    expect(f.calls()).toBe(2)
  })
})

describe('scaleOut through a stalled controller', () => {
  it('heals when the reassignment start fails while the controller stalls', async () => {
    const cluster = new FakeCluster({
      t: [
        [1, 2, 3],
        [2, 3, 1],
        [3, 1, 2],
      ],
    })
    cluster.brokers = [1, 2]
    for (const p of cluster.topics.get('t')!) p.isr = p.replicas.filter((b) => b !== 3)
    let stalled = 1
    cluster.fault = (method) =>
      method === 'listPartitionReassignments' && stalled-- > 0 ? kafkaDown(method) : undefined
    const journal: JournalEntryInput[] = []
    const ctx: BrokerOpsContext = {
      cluster: 'test',
      admin: cluster.port,
      backend: new FakeBackend(cluster),
      reassignment: { pollIntervalMs: 10 },
      waits: { pollMs: 5, brokerJoinMs: 1_000, fenceMs: 200, verifyMs: 1_000 },
      journal: (e) => journal.push(e),
    }
    const result = await scaleOut(ctx, { dryRun: false })
    expect(result).toMatchObject({ ok: true, brokers: [4] })
    const retries = journal.filter((e) => e.reason === 'KafkaRetry')
    expect(retries).toHaveLength(1)
    expect(retries[0]?.inputs).toMatchObject({ what: 'start of the reassignment' })
  })
})
