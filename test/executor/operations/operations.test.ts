// The broker operations on an in-memory cluster (the executor's FakeCluster) and a fake backend: what each one
// calls in which order, what it refuses, what a dry run leaves alone, and that no throttle is left behind.
// The same operations on real Kafka: broker-ops.int.test.ts.
import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import {
  addDiskToBroker,
  resizeBrokerDisk,
  scaleIn,
  scaleOut,
} from '../../../src/executor/operations/index.ts'
import { kafkaDown } from '../reassignment/fake-cluster.ts'
import { holding, setup, urp } from './setup.ts'

describe('scaleOut', () => {
  it('heals: replicas of a fenced broker move onto the new one until nothing is under-replicated', async () => {
    const { cluster, backend, ctx, reasons } = setup(
      {
        t: [
          [1, 2, 3],
          [2, 3, 1],
          [3, 1, 2],
          [1, 2, 3],
        ],
      },
      [1, 2],
    )
    for (const p of cluster.topics.get('t')!) p.isr = p.replicas.filter((b) => b !== 3)
    expect(urp(cluster)).toBe(4)
    const result = await scaleOut(ctx, { dryRun: false })
    expect(result).toMatchObject({ ok: true, brokers: [4], dryRun: false })
    expect(result.details?.mode).toMatch(/heal \(broker 3 offline\)/)
    expect(backend.calls).toEqual(['addBrokers 4'])
    expect(holding(cluster, 3)).toBe(0)
    expect(holding(cluster, 4)).toBe(4)
    expect(urp(cluster)).toBe(0)
    expect(cluster.configLines()).toEqual([])
    expect(reasons()).toEqual(
      expect.arrayContaining([
        'ScaleOutPlanned',
        'BrokersAdded',
        'ReassignmentPlanned',
        'reassignment-started',
        'reassignment-throttles-cleared',
        'Verified',
        'ScaleOutDone',
      ]),
    )
  })

  it('a stalled broker that is never fenced is healed around without a throttle (it could not take one)', async () => {
    const { cluster, ctx, reasons } = setup(
      {
        t: [
          [1, 2, 3],
          [3, 1, 2],
        ],
      },
      [1, 2, 3],
    )
    for (const p of cluster.topics.get('t')!) p.isr = p.replicas.filter((b) => b !== 3)
    const result = await scaleOut(ctx, { dryRun: false })
    expect(result.ok, result.message).toBe(true)
    expect(reasons()).toEqual(expect.arrayContaining(['WaitingForFence', 'NotFenced', 'Unthrottled']))
    expect(cluster.calls.map((c) => c.method)).not.toContain('incrementalAlterConfigs')
    expect(holding(cluster, 3)).toBe(0)
    expect(urp(cluster)).toBe(0)
  })

  it('rebalances onto the new broker when every broker is healthy', async () => {
    const { cluster, ctx } = setup(
      {
        t: [
          [1, 2],
          [2, 3],
          [3, 1],
          [1, 2],
          [2, 3],
          [3, 1],
        ],
      },
      [1, 2, 3],
    )
    const result = await scaleOut(ctx, { dryRun: false })
    expect(result.ok).toBe(true)
    expect(result.details?.mode).toBe('rebalance')
    expect(holding(cluster, 4)).toBeGreaterThanOrEqual(2)
    expect(cluster.configLines()).toEqual([])
  })

  it('dry run: plans the moves and changes nothing', async () => {
    const { cluster, backend, ctx } = setup(
      {
        t: [
          [1, 2, 3],
          [2, 3, 1],
        ],
      },
      [1, 2],
    )
    for (const p of cluster.topics.get('t')!) p.isr = p.replicas.filter((b) => b !== 3)
    const result = await scaleOut(ctx, { dryRun: true })
    expect(result).toMatchObject({ ok: true, dryRun: true, brokers: [4], moves: 2 })
    expect(backend.calls).toEqual(['addBrokers 4 dry-run'])
    expect(cluster.calls.map((c) => c.method)).not.toContain('alterPartitionReassignments')
    expect(cluster.brokers).toEqual([1, 2])
  })

  it('a count that is not a whole number is refused naming count', async () => {
    const { ctx } = setup({ t: [[1]] }, [1])
    await expect(scaleOut(ctx, { count: 0, dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      field: 'count',
    })
  })
})

describe('scaleIn', () => {
  const topics = () => ({
    t: [
      [1, 2, 4],
      [2, 4, 3],
      [4, 3, 1],
      [3, 1, 2],
    ],
  })

  it('drains the least loaded non-controller broker, checks it is empty, then removes it', async () => {
    const { cluster, backend, ctx, reasons } = setup(topics(), [1, 2, 3, 4])
    const result = await scaleIn(ctx, { dryRun: false })
    expect(result).toMatchObject({ ok: true, brokers: [4] })
    expect(holding(cluster, 4)).toBe(0)
    expect(cluster.brokers).toEqual([1, 2, 3])
    expect(backend.calls).toEqual(['removeBrokers 4'])
    expect(cluster.configLines()).toEqual([])
    const order = reasons()
    expect(order.indexOf('reassignment-throttles-cleared')).toBeLessThan(order.indexOf('DrainDone'))
    expect(order.at(-1)).toBe('ScaleInDone')
  })

  it('refuses a KRaft controller with AP_ERR_UNSAFE, journaled, changing nothing', async () => {
    const { cluster, backend, ctx, reasons } = setup(topics(), [1, 2, 3, 4])
    const err = await scaleIn(ctx, { brokerIds: [2], dryRun: false }).catch((e) => e)
    expect(AutopilotError.is(err)).toBe(true)
    expect(err).toMatchObject({ code: 'AP_ERR_UNSAFE', field: 'brokerId' })
    expect(err.message).toMatch(/KRaft controller/)
    expect(reasons()).toContain('ScaleInRefused')
    expect(backend.calls).toEqual([])
    expect(cluster.calls.map((c) => c.method)).not.toContain('alterPartitionReassignments')
  })

  it('refuses when the rest could not hold the replication factor', async () => {
    const { ctx } = setup(
      {
        t: [
          [1, 2, 4],
          [2, 4, 1],
        ],
      },
      [1, 2, 4],
    )
    const err = await scaleIn(ctx, { brokerIds: [4], dryRun: false }).catch((e) => e)
    expect(err).toMatchObject({ code: 'AP_ERR_UNSAFE' })
    expect(err.message).toMatch(/replication factor 3 of topic t/)
  })

  it('refuses at alerts.minBrokers', async () => {
    const { ctx } = setup(topics(), [1, 2, 3, 4])
    await expect(scaleIn({ ...ctx, minBrokers: 4 }, { dryRun: false })).rejects.toThrow(/below minBrokers 4/)
  })

  it('a failed drain removes nothing and says what the cluster was left with', async () => {
    const { cluster, backend, ctx, reasons } = setup(topics(), [1, 2, 3, 4])
    cluster.fault = (method) => (method === 'alterPartitionReassignments' ? kafkaDown(method) : undefined)
    const result = await scaleIn(ctx, { dryRun: false })
    expect(result.ok).toBe(false)
    expect(result.details).toMatchObject({ step: 'drain' })
    expect(result.message).toMatch(/broker 4 not removed/)
    expect(backend.calls).toEqual([])
    expect(cluster.brokers).toEqual([1, 2, 3, 4])
    expect(reasons()).toContain('ScaleInFailed')
  })

  it('a failed removal after a complete drain says the broker is drained and the cluster whole', async () => {
    const { backend, ctx } = setup(topics(), [1, 2, 3, 4])
    backend.removeBrokers = async () => {
      throw new Error('kafka-cluster unregister failed')
    }
    const result = await scaleIn(ctx, { dryRun: false })
    expect(result).toMatchObject({ ok: false, details: { step: 'remove', left: 'drained' } })
    expect(result.message).toMatch(
      /drained \(it holds no data, the cluster is whole\) but removing it failed/,
    )
  })

  it('dry run: reports the drain, moves nothing, removes nothing', async () => {
    const { cluster, backend, ctx } = setup(topics(), [1, 2, 3, 4])
    const result = await scaleIn(ctx, { dryRun: true })
    expect(result).toMatchObject({ ok: true, dryRun: true, brokers: [4], moves: 3 })
    expect(backend.calls).toEqual([])
    expect(holding(cluster, 4)).toBe(3)
  })
})

describe('addDisk and resizeDisk', () => {
  it('addDisk on a backend without it is a clear AP_ERR_CONFIG', async () => {
    const { ctx } = setup({ t: [[1]] }, [1])
    await expect(
      addDiskToBroker(ctx, { brokerId: 1, disk: { size: '10Gi' }, dryRun: false }),
    ).rejects.toMatchObject({
      code: 'AP_ERR_CONFIG',
      message: expect.stringMatching(/addDisk is not supported by the local backend/),
    })
  })
  it('addDisk calls the backend for that broker only, then the disk rebalance when asked', async () => {
    const { backend, ctx } = setup({ t: [[1]] }, [1])
    backend.operations = new Set(['addBrokers', 'removeBrokers', 'addDisk', 'rebalance'])
    const result = await addDiskToBroker(ctx, {
      brokerId: 1,
      disk: { size: '10Gi' },
      rebalance: true,
      dryRun: false,
    })
    expect(result).toMatchObject({ ok: true, brokers: [1] })
    expect(backend.calls).toEqual(['addDisk 1 10Gi', 'rebalance disk=true'])
  })
  it('resizeDisk without backend support fails clearly', async () => {
    const { ctx } = setup({ t: [[1]] }, [1])
    await expect(resizeBrokerDisk(ctx, { brokerId: 1, size: '20Gi', dryRun: false })).rejects.toMatchObject({
      code: 'AP_ERR_CONFIG',
      message: expect.stringMatching(/resizeDisk is not supported by the local backend/),
    })
  })
})
