// The daemon's restart recovery on an in-memory cluster: which clusters it reads from the config, what it
// journals when Kafka holds nothing, when it finishes left-over work, when Kafka cannot be reached, and that
// stop() reverts a recovery still running. The real restart runs in restart-reassignment.int.test.ts.
import { setTimeout as delay } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { RECOVERY_SCALER, recoveryClusters, startRecovery } from '../../src/daemon/recovery.ts'
import { AutopilotError } from '../../src/errors.ts'
import type { JournalEntryInput } from '../../src/journal/journal.ts'
import { FakeCluster, kafkaDown } from '../executor/reassignment/fake-cluster.ts'
import { FakeClock, settle } from './fake-clock.ts'

const RATES = { 'leader.replication.throttled.rate': '1024', 'follower.replication.throttled.rate': '1024' }

/** a-0 being moved [1,2] → [3,1] with throttles set, as a killed run leaves it. */
async function leftover(pollsToComplete = 3): Promise<FakeCluster> {
  const c = new FakeCluster({ a: [[1, 2]], b: [[2, 4]] })
  c.pollsToComplete = pollsToComplete
  await c.port.alterPartitionReassignments([{ topic: 'a', partition: 0, replicas: [3, 1] }])
  for (const b of [1, 2, 3]) c.configs.set(`broker ${b}`, { ...RATES })
  c.configs.set('topic a', { 'follower.replication.throttled.replicas': '0:3' })
  return c
}

function run(
  c: FakeCluster,
  extra: {
    mode?: 'complete' | 'cancel'
    retryMs?: number
    clock?: { now(): number; sleep(ms: number, s?: AbortSignal): Promise<void> }
  } = {},
) {
  const entries: JournalEntryInput[] = []
  const handle = startRecovery([{ name: 'main', bootstrapServers: ['127.0.0.1:9092'] }], {
    journal: {
      append: (e) => {
        entries.push(e)
        return { id: entries.length, scaler: null, target: null, inputs: null, outcome: null, ...e }
      },
    },
    openAdminPort: () => c.port,
    clock: c.clock,
    readBackMs: 0,
    retryMs: 10,
    ...extra,
  })
  return { handle, entries, reasons: () => entries.map((e) => e.reason) }
}

describe('recoveryClusters', () => {
  it('lists the clusters of the config with their bootstrap servers, and none without a clusters section', () => {
    expect(
      recoveryClusters({
        clusters: {
          main: { bootstrapServers: ['a:1', 'b:2'] },
          other: { bootstrapServers: 'c:3, d:4', reassignment: { timeoutSeconds: 90 } },
          broken: { bootstrapServers: [] },
        },
      }),
    ).toEqual([
      { name: 'main', bootstrapServers: ['a:1', 'b:2'] },
      { name: 'other', bootstrapServers: ['c:3', 'd:4'], timeoutMs: 90_000 },
    ])
    expect(recoveryClusters({ scalers: [] })).toEqual([])
  })
})

describe('startRecovery', () => {
  it('journals that nothing was found when Kafka holds no reassignment and no throttle', async () => {
    const c = new FakeCluster({ a: [[1, 2]] })
    const { handle, entries } = run(c)
    expect(await handle.done).toEqual([{ cluster: 'main', status: 'nothing', result: null }])
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      scaler: RECOVERY_SCALER,
      target: 'cluster main',
      reason: 'RecoveryNothingFound',
      kind: 'event',
    })
  })

  it('finishes the left-over move, then clears every throttle, journaling each step', async () => {
    const c = await leftover()
    const { handle, entries, reasons } = run(c)
    const [outcome] = await handle.done
    expect(outcome).toMatchObject({ status: 'recovered', result: { state: 'completed' } })
    expect(c.partition('a', 0)!.replicas).toEqual([3, 1])
    expect(c.configLines()).toEqual([])
    expect(reasons()).toEqual([
      'reassignment-planned',
      'RecoveryStarted',
      'reassignment-progress',
      'reassignment-throttles-cleared',
      'reassignment-verified',
      'RecoveryCompleted',
    ])
    expect(entries.every((e) => e.scaler === RECOVERY_SCALER && e.target === 'cluster main')).toBe(true)
    expect(entries[1]!.inputs).toMatchObject({
      reassignments: [{ topic: 'a', partition: 0 }],
      throttles: { brokers: [1, 2, 3], topics: ['a'] },
      mode: 'complete',
    })
  })

  it("mode 'cancel' reverts the left-over move instead", async () => {
    const c = await leftover(Number.POSITIVE_INFINITY)
    const { handle, reasons } = run(c, { mode: 'cancel' })
    const [outcome] = await handle.done
    expect(outcome).toMatchObject({ status: 'recovered', result: { state: 'cancelled' } })
    expect(c.partition('a', 0)!.replicas).toEqual([1, 2])
    expect(c.configLines()).toEqual([])
    expect(reasons().at(-1)).toBe('RecoveryEnded')
  })

  it('retries an unreachable cluster with a bounded backoff, then gives up visibly', async () => {
    const c = new FakeCluster({ a: [[1, 2]] })
    c.fault = (method) => (method === 'metadata' ? kafkaDown(method) : undefined)
    const { handle, entries, reasons } = run(c)
    expect(await handle.done).toEqual([{ cluster: 'main', status: 'unreachable', result: null }])
    expect(reasons()).toEqual([...Array(5).fill('RecoveryRetry'), 'RecoveryFailed'])
    expect(entries.at(-1)).toMatchObject({ outcome: 'failed' })
  })

  it('journals each retry with its pause, doubling from retryMs up to 30 s, on the daemon clock', async () => {
    const c = new FakeCluster({ a: [[1, 2]] })
    c.fault = (method) => (method === 'metadata' ? kafkaDown(method) : undefined)
    const sleeps: number[] = []
    const clock = { now: () => 0, sleep: async (ms: number) => void sleeps.push(ms) }
    const { handle, entries } = run(c, { retryMs: 10_000, clock })
    await handle.done
    expect(sleeps).toEqual([10_000, 20_000, 30_000, 30_000, 30_000])
    expect(entries[1]).toMatchObject({
      reason: 'RecoveryRetry',
      message:
        'cluster main: attempt 2 failed, retrying in 20000 ms: Kafka metadata failed: connection refused',
      inputs: { attempt: 2 },
      outcome: null,
    })
    expect(entries.at(-1)).toMatchObject({
      reason: 'RecoveryFailed',
      message: 'cluster main: gave up: Kafka metadata failed: connection refused',
      inputs: { attempt: 6 },
    })
  })

  it('gives up at once on bad input', async () => {
    const c = new FakeCluster({ a: [[1, 2]] })
    c.fault = () => new AutopilotError('AP_ERR_INPUT', 'bad bootstrap server', { field: 'bootstrapServers' })
    const { handle, entries, reasons } = run(c)
    expect(await handle.done).toEqual([{ cluster: 'main', status: 'unreachable', result: null }])
    expect(reasons()).toEqual(['RecoveryFailed'])
    expect(entries[0]).toMatchObject({ inputs: { attempt: 1 }, outcome: 'failed' })
  })

  it('stop() during a pause between attempts ends the recovery as stopped', async () => {
    const c = new FakeCluster({ a: [[1, 2]] })
    c.fault = (method) => (method === 'metadata' ? kafkaDown(method) : undefined)
    const clock = new FakeClock()
    const { handle, reasons } = run(c, { clock })
    await settle()
    expect(reasons()).toEqual(['RecoveryRetry'])
    expect(clock.pending()).toEqual([10])
    await handle.stop()
    expect(await handle.done).toEqual([{ cluster: 'main', status: 'stopped', result: null }])
    expect(reasons()).toEqual(['RecoveryRetry'])
  })

  it('stop() while the move still runs reverts it and clears the throttles', async () => {
    const c = await leftover(Number.POSITIVE_INFINITY)
    // Real 1 ms sleeps on a still clock: the move neither completes nor times out before stop().
    const still = {
      now: () => 0,
      sleep: (_ms: number, signal?: AbortSignal) => delay(1, undefined, { signal }).catch(() => {}),
    }
    const { handle, reasons } = run(c, { clock: still })
    while (!reasons().includes('RecoveryStarted')) await new Promise((r) => setImmediate(r))
    await handle.stop()
    const [outcome] = await handle.done
    expect(outcome).toMatchObject({
      status: 'recovered',
      result: { state: 'cancelled', cancelReason: 'aborted' },
    })
    expect(c.partition('a', 0)!.replicas).toEqual([1, 2])
    expect(c.configLines()).toEqual([])
  })
})
