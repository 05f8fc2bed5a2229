// The local broker backend over recorded stack functions and a fake admin (no Kafka, no processes): what it
// asks the stack to do, and the drain precondition it checks before removing a broker.
import { describe, expect, it } from 'vitest'
import { createLocalBackend } from '../../../src/executor/brokers/local.ts'
import type { ClusterMetadata } from '../../../src/kafka/port.ts'
import { fakeStack } from './fake-local-stack.ts'

function metadata(replicasOn: Record<number, number>): ClusterMetadata {
  const partitions = Object.entries(replicasOn).flatMap(([id, n]) =>
    Array.from({ length: n }, (_, p) => ({
      partition: p,
      leader: Number(id),
      replicas: [Number(id), 1],
      isr: [Number(id), 1],
      offlineReplicas: [],
    })),
  )
  return {
    clusterId: 'c',
    controllerId: 1,
    brokers: [],
    topics: [{ name: 'orders', id: 't', internal: false, partitions }],
  }
}

describe('local broker backend', () => {
  it('addBrokers(count) starts that many broker-only nodes, racks round-robin', async () => {
    const { stack, calls } = fakeStack()
    const b = createLocalBackend({ dir: '/tmp/s', racks: ['a', 'b'], heapMb: 256 }, { stack })
    const result = await b.addBrokers(2, { dryRun: false })
    expect(calls).toEqual([
      'status /tmp/s',
      'add /tmp/s {"rack":"a","heapMb":256}',
      'add /tmp/s {"rack":"b","heapMb":256}',
    ])
    expect(result).toMatchObject({
      kind: 'local',
      brokers: [5, 6],
      applied: true,
      message: 'started brokers 5, 6 (no partitions yet)',
    })
  })

  it('a dry run starts nothing and predicts the ids', async () => {
    const { stack, calls } = fakeStack()
    const result = await createLocalBackend({ dir: '/tmp/s' }, { stack }).addBrokers(1, { dryRun: true })
    expect(calls).toEqual(['status /tmp/s'])
    expect(result).toMatchObject({ brokers: [5], applied: false, message: 'would start brokers 5' })
  })

  it('ids cannot be chosen on the local stack', async () => {
    const { stack, calls } = fakeStack()
    await expect(
      createLocalBackend({ dir: '/tmp/s' }, { stack }).addBrokers([9], { dryRun: false }),
    ).rejects.toMatchObject({
      code: 'AP_ERR_INPUT',
      field: 'brokers',
    })
    expect(calls).toEqual([])
  })

  it('removeBrokers stops and unregisters drained brokers', async () => {
    const { stack, calls } = fakeStack()
    const admin = { metadata: async () => metadata({ 2: 3 }) }
    const result = await createLocalBackend({ dir: '/tmp/s' }, { stack, admin }).removeBrokers([4], {
      dryRun: false,
    })
    expect(calls).toEqual(['status /tmp/s', 'remove /tmp/s 4'])
    expect(result).toMatchObject({ brokers: [4], applied: true })
  })

  const refusals: Array<{
    name: string
    ids: number[]
    replicas: Record<number, number>
    code: string
    text: RegExp
  }> = [
    {
      name: 'a broker that still holds replicas (the drain precondition)',
      ids: [4],
      replicas: { 4: 2 },
      code: 'AP_ERR_UNSAFE',
      text: /broker 4: 2 replicas/,
    },
    { name: 'a KRaft controller', ids: [3], replicas: {}, code: 'AP_ERR_UNSAFE', text: /controller/ },
    {
      name: 'a broker that is not in the stack',
      ids: [9],
      replicas: {},
      code: 'AP_ERR_INPUT',
      text: /not part of the local stack/,
    },
  ]
  it.each(refusals)('refuses $name and stops nothing', async ({ ids, replicas, code, text }) => {
    const { stack, calls } = fakeStack()
    const admin = { metadata: async () => metadata(replicas) }
    const err = await createLocalBackend({ dir: '/tmp/s' }, { stack, admin })
      .removeBrokers(ids, { dryRun: false })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code, field: 'brokers' })
    expect((err as Error).message).toMatch(text)
    expect(calls.filter((c) => c.startsWith('remove'))).toEqual([])
  })

  it('status lists the brokers with running/stopped', async () => {
    const { stack } = fakeStack()
    const status = await createLocalBackend({ dir: '/tmp/s' }, { stack }).status()
    expect(status).toMatchObject({
      busy: false,
      brokers: [1, 2, 3, 4].map((id) => ({ id, state: 'running' })),
      details: { controllers: [1, 2, 3] },
    })
  })

  it('a rebalance between brokers and stop are not local operations', async () => {
    const { stack } = fakeStack()
    const b = createLocalBackend({ dir: '/tmp/s' }, { stack })
    expect([...b.operations]).toEqual(['addBrokers', 'removeBrokers', 'addDisk', 'rebalance'])
    for (const call of [() => b.rebalance({}, { dryRun: false }), () => b.stop({ dryRun: false })]) {
      await expect(call()).rejects.toMatchObject({ code: 'AP_ERR_CONFIG', field: 'brokers.type' })
    }
  })

  it('bad options name the field', () => {
    expect(() => createLocalBackend({})).toThrow(
      expect.objectContaining({ code: 'AP_ERR_CONFIG', field: 'brokers.dir' }),
    )
    expect(() => createLocalBackend({ dir: 'x', racks: [] })).toThrow(
      expect.objectContaining({ field: 'brokers.racks' }),
    )
  })
})
