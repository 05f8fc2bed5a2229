// Pure steps of --apply-kafka: which topics grow (never shrink, skip at/above target, scope globs) and the
// rebalance input built from live metadata (internal topics left out, sorted, racks kept).
import { describe, expect, it } from 'vitest'
import {
  type LiveTopicAssignment,
  partitionIncreases,
  rebalanceInput,
} from '../../../src/analyzer/capacity/apply-steps.ts'
import type { PartitionChange } from '../../../src/analyzer/capacity/partitions.ts'

function change(topic: string, from: number, to: number): PartitionChange {
  return { topic, source: 'values+cluster', from, to, keyed: 'no', keyedReason: '' }
}

function live(name: string, count: number, internal = false): LiveTopicAssignment {
  return {
    name,
    internal,
    partitions: Array.from({ length: count }, (_, partition) => ({
      partition,
      replicas: [partition % 3, (partition + 1) % 3],
    })),
  }
}

describe('partitionIncreases', () => {
  const rows: Array<{
    name: string
    changes: PartitionChange[]
    live: LiveTopicAssignment[]
    only?: string[]
    increases: Array<[string, number, number]>
    skipped: Array<[string, string]>
  }> = [
    {
      name: 'grows a topic below its target',
      changes: [change('a', 3, 6)],
      live: [live('a', 3)],
      increases: [['a', 3, 6]],
      skipped: [],
    },
    {
      name: 'ignores a topic the plan does not grow',
      changes: [change('a', 3, 3)],
      live: [live('a', 3)],
      increases: [],
      skipped: [],
    },
    {
      name: 'skips a topic already at or above the target (never shrinks)',
      changes: [change('a', 3, 6), change('b', 3, 6)],
      live: [live('a', 6), live('b', 8)],
      increases: [],
      skipped: [
        ['a', 'at-or-above-target'],
        ['b', 'at-or-above-target'],
      ],
    },
    {
      name: 'grows from the live count when it moved since the plan',
      changes: [change('a', 3, 6)],
      live: [live('a', 4)],
      increases: [['a', 4, 6]],
      skipped: [],
    },
    {
      name: 'skips a topic not in the cluster',
      changes: [change('gone', 3, 6)],
      live: [],
      increases: [],
      skipped: [['gone', 'not-in-cluster']],
    },
    {
      name: 'only the topics in scope',
      changes: [change('orders', 3, 6), change('payments', 3, 6)],
      live: [live('orders', 3), live('payments', 3)],
      only: ['ord*'],
      increases: [['orders', 3, 6]],
      skipped: [],
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const r = partitionIncreases(row.changes, row.live, row.only)
      expect(r.increases.map((i) => [i.topic, i.from, i.to])).toEqual(row.increases)
      expect(r.skipped.map((s) => [s.topic, s.reason])).toEqual(row.skipped)
    })
  }
})

describe('rebalanceInput', () => {
  const cluster = {
    brokers: [
      { id: 2, rack: 'b' },
      { id: 1, rack: 'a' },
    ],
    topics: [live('z', 2), live('__consumer_offsets', 2, true), live('a', 1)],
  }
  it('lists every broker with its rack and every replica of the non-internal topics, sorted', () => {
    const input = rebalanceInput(cluster)
    expect(input.brokers).toEqual([
      { id: 1, rack: 'a' },
      { id: 2, rack: 'b' },
    ])
    expect(input.partitions.map((p) => `${p.topic}-${p.partition}:${p.replicas.join(',')}`)).toEqual([
      'a-0:0,1',
      'z-0:0,1',
      'z-1:1,2',
    ])
  })
  it('keeps only the topics in scope and drops null racks', () => {
    const input = rebalanceInput({ ...cluster, brokers: [{ id: 1, rack: null }] }, ['z'])
    expect(input.brokers).toEqual([{ id: 1 }])
    expect(input.partitions.map((p) => p.topic)).toEqual(['z', 'z'])
  })
})
