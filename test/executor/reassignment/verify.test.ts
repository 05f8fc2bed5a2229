import { describe, expect, it } from 'vitest'
import type { ReassignmentPlan } from '../../../src/executor/reassignment/types.ts'
import { verify } from '../../../src/executor/reassignment/verify.ts'
import type { ClusterMetadata } from '../../../src/kafka/port.ts'

function cluster(partitions: Array<{ replicas: number[]; isr: number[] }>): ClusterMetadata {
  return {
    clusterId: 'c',
    controllerId: 1,
    brokers: [1, 2, 3, 4].map((id) => ({ id, host: '127.0.0.1', port: 9000 + id, rack: null })),
    topics: [
      {
        name: 't',
        id: 'x',
        internal: false,
        partitions: partitions.map((p, partition) => ({
          partition,
          leader: p.replicas[0]!,
          replicas: p.replicas,
          isr: p.isr,
          offlineReplicas: [],
        })),
      },
    ],
  }
}

const plan = (replicas: number[], partition = 0, topic = 't'): ReassignmentPlan => ({
  version: 1,
  partitions: [{ topic, partition, replicas }],
})

describe('verify', () => {
  it.each([
    { name: 'at target, all in sync', replicas: [3, 2], isr: [2, 3], target: [3, 2], state: 'done', out: [] },
    {
      name: 'at target, the new replica not in the ISR yet',
      replicas: [3, 2],
      isr: [2],
      target: [3, 2],
      state: 'catching-up',
      out: [3],
    },
    {
      name: 'same brokers, other order: the preferred leader differs',
      replicas: [2, 3],
      isr: [2, 3],
      target: [3, 2],
      state: 'not-at-target',
      out: [],
    },
    {
      name: 'still on the original replicas',
      replicas: [1, 2],
      isr: [1, 2],
      target: [3, 2],
      state: 'not-at-target',
      out: [3],
    },
    {
      name: 'a target replica in sync but another one missing from the ISR',
      replicas: [1, 2, 3],
      isr: [1, 2],
      target: [1, 2, 3],
      state: 'catching-up',
      out: [3],
    },
  ])('$name', ({ replicas, isr, target, state, out }) => {
    const result = verify(plan(target), cluster([{ replicas, isr }]))
    expect(result.partitions[0]).toMatchObject({ state, outOfSync: out, replicas, target })
    expect(result.complete).toBe(state === 'done')
  })

  it('a partition Kafka is still reassigning is "moving"', () => {
    const result = verify(plan([3, 2]), cluster([{ replicas: [3, 2, 1], isr: [1, 2] }]), [
      { topic: 't', partition: 0 },
    ])
    expect(result.partitions[0]!.state).toBe('moving')
  })

  it.each([
    { name: 'unknown topic', p: plan([1], 0, 'gone') },
    { name: 'unknown partition', p: plan([1], 7) },
  ])('$name is "missing"', ({ p }) => {
    const result = verify(p, cluster([{ replicas: [1], isr: [1] }]))
    expect(result.partitions[0]).toMatchObject({ state: 'missing', replicas: null })
    expect(result.complete).toBe(false)
  })

  it('counts done and pending over the whole plan', () => {
    const p: ReassignmentPlan = {
      version: 1,
      partitions: [
        { topic: 't', partition: 0, replicas: [1, 2] },
        { topic: 't', partition: 1, replicas: [3, 4] },
        { topic: 't', partition: 2, replicas: [4, 1] },
      ],
    }
    const md = cluster([
      { replicas: [1, 2], isr: [1, 2] },
      { replicas: [3, 4], isr: [4, 3] },
      { replicas: [2, 1], isr: [1, 2] },
    ])
    expect(verify(p, md)).toMatchObject({ complete: false, done: 2, pending: 1 })
  })
})
