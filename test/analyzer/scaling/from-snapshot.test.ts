import { describe, expect, it } from 'vitest'
import type { GroupLag, LagSnapshot, PartitionLag, PartitionLog } from '../../../src/analyzer/lag/types.ts'
import { lagViewFromSnapshot } from '../../../src/analyzer/scaling/from-snapshot.ts'
import { T0 } from './fixtures.ts'

function partition(p: number, fields: Partial<PartitionLag>): PartitionLag {
  return {
    partition: p,
    committedOffset: 100,
    logStartOffset: 0,
    logEndOffset: 150,
    lastStableOffset: 150,
    lag: 50,
    lagSeconds: 10,
    lagSecondsSource: 'probe',
    recordsLost: 0,
    productionRate: 5,
    consumptionRate: 4,
    flags: [],
    member: null,
    error: null,
    ...fields,
  }
}

function log(topic: string, p: number, fields: Partial<PartitionLog> = {}): PartitionLog {
  return {
    topic,
    partition: p,
    logStartOffset: 10,
    logEndOffset: 40,
    lastStableOffset: 40,
    productionRate: 2,
    error: null,
    history: [],
    ...fields,
  }
}

function group(name: string, topics: Record<string, PartitionLag[]>, error: string | null = null): GroupLag {
  return {
    group: name,
    state: 'Stable',
    type: 'classic',
    members: 1,
    totalLag: 0,
    maxLagSeconds: null,
    productionRate: null,
    consumptionRate: null,
    unavailablePartitions: 0,
    topics: Object.entries(topics).map(([topic, partitions]) => ({
      topic,
      lag: 0,
      maxLagSeconds: null,
      productionRate: null,
      consumptionRate: null,
      partitions,
    })),
    error,
  }
}

const snapshot = (groups: GroupLag[], partitions: PartitionLog[] = []): LagSnapshot => ({
  at: T0,
  policy: 'latest',
  groups,
  partitions,
  probes: [],
})

describe('lagViewFromSnapshot', () => {
  it('maps the group partitions of the trigger topics and sums their rates', () => {
    const s = snapshot([
      group('g', {
        orders: [
          partition(0, {}),
          partition(1, { lag: 7, lagSeconds: 30, productionRate: 1, consumptionRate: null }),
        ],
        other: [partition(0, { lag: 999 })],
      }),
    ])
    expect(lagViewFromSnapshot(s, 'g', ['orders'])).toEqual({
      readable: true,
      partitions: [
        { topic: 'orders', partition: 0, committedOffset: 100, lag: 50, retainedRecords: 150 },
        { topic: 'orders', partition: 1, committedOffset: 100, lag: 7, retainedRecords: 150 },
      ],
      productionRate: 6,
      consumptionRate: 4,
      lagSeconds: 30,
    })
  })

  it('no topic named: every topic of the group', () => {
    const s = snapshot([group('g', { a: [partition(0, {})], b: [partition(0, {})] })])
    expect(lagViewFromSnapshot(s, 'g', []).partitions.map((p) => p.topic)).toEqual(['a', 'b'])
  })

  it('a group that never committed still gets the topic partitions, without commits, so it can be activated', () => {
    const s = snapshot([], [log('orders', 0), log('orders', 1, { error: 'no leader' }), log('other', 0)])
    const v = lagViewFromSnapshot(s, 'new-group', ['orders'])
    expect(v.partitions).toEqual([
      { topic: 'orders', partition: 0, committedOffset: null, lag: null, retainedRecords: 30 },
      { topic: 'orders', partition: 1, committedOffset: null, lag: null, retainedRecords: null },
    ])
    expect(v.productionRate).toBe(4)
  })

  it.each([
    ['no snapshot yet', null, /no lag snapshot/],
    [
      'group offsets unreadable',
      snapshot([group('g', {}, 'COORDINATOR_NOT_AVAILABLE')]),
      /COORDINATOR_NOT_AVAILABLE/,
    ],
  ])('%s: not readable', (_name, s, error) => {
    const v = lagViewFromSnapshot(s, 'g', ['orders'])
    expect(v.readable).toBe(false)
    expect(v.error).toMatch(error)
  })

  it('a partition whose offsets failed has unknown lag', () => {
    const s = snapshot([group('g', { orders: [partition(0, { error: 'leader down', lag: null })] })])
    expect(lagViewFromSnapshot(s, 'g', ['orders']).partitions[0]?.lag).toBeNull()
  })
})
