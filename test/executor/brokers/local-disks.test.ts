// Pure disk helpers of the local backend: the intra-broker balance plan, move completion, and the in-sync and
// preferred-leader checks after a restart.
import { describe, expect, it } from 'vitest'
import {
  outOfSync,
  pendingMoves,
  planDiskBalance,
  preferredOn,
  quorumLoss,
  restartBlockers,
} from '../../../src/executor/brokers/local-disks.ts'
import type { ClusterMetadata, LogDirDescription } from '../../../src/kafka/port.ts'

function dir(broker: number, logDir: string, parts: Array<[string, number, number?]>, future = false) {
  return {
    broker,
    logDir,
    error: null,
    partitions: parts.map(([topic, partition, size]) => ({
      topic,
      partition,
      size: size ?? 10,
      isFuture: future,
    })),
  } satisfies LogDirDescription
}

describe('planDiskBalance', () => {
  it('evens out the replica count, smallest replicas first, moving as few as that takes', () => {
    const dirs = [
      dir(4, '/d1', [
        ['a', 0, 500],
        ['a', 1, 5],
        ['b', 0, 50],
        ['b', 1, 1],
        ['c', 0, 7],
      ]),
      dir(4, '/d2', []),
      dir(1, '/x', [['a', 0]]),
    ]
    expect(planDiskBalance(4, dirs)).toEqual([
      { topic: 'b', partition: 1, broker: 4, logDir: '/d2' },
      { topic: 'a', partition: 1, broker: 4, logDir: '/d2' },
    ])
  })

  it('spreads over three dirs and leaves a balanced broker alone', () => {
    const parts: Array<[string, number]> = Array.from({ length: 6 }, (_, i) => ['t', i])
    const moves = planDiskBalance(2, [dir(2, '/a', parts), dir(2, '/b', []), dir(2, '/c', [])])
    expect(moves.map((m) => m.logDir).sort()).toEqual(['/b', '/b', '/c', '/c'])
    expect(planDiskBalance(2, [dir(2, '/a', [['t', 0]]), dir(2, '/b', [])])).toEqual([])
    expect(planDiskBalance(2, [dir(2, '/a', parts)])).toEqual([])
  })

  it('plans nothing while a copy is under way, and gives nothing to a failed dir', () => {
    const parts: Array<[string, number]> = [
      ['t', 0],
      ['t', 1],
      ['t', 2],
    ]
    expect(planDiskBalance(3, [dir(3, '/a', parts), dir(3, '/b', [['t', 0]], true)])).toEqual([])
    const broken = { ...dir(3, '/b', []), error: 'KAFKA_STORAGE_ERROR' }
    expect(planDiskBalance(3, [dir(3, '/a', parts), broken])).toEqual([])
  })
})

describe('pendingMoves', () => {
  const move = { topic: 't', partition: 0, broker: 4, logDir: '/d2' }
  it('is done only when the replica sits in its target dir alone, not as a future replica', () => {
    expect(pendingMoves([move], [dir(4, '/d1', [['t', 0]])])).toEqual([move])
    expect(pendingMoves([move], [dir(4, '/d1', [['t', 0]]), dir(4, '/d2', [['t', 0]], true)])).toEqual([move])
    expect(pendingMoves([move], [dir(4, '/d1', []), dir(4, '/d2', [['t', 0]])])).toEqual([])
  })
})

describe('in sync and preferred leaders after a restart', () => {
  const metadata: ClusterMetadata = {
    clusterId: 'c',
    controllerId: 1,
    brokers: [],
    topics: [
      {
        name: 't',
        id: 'x',
        internal: false,
        partitions: [
          { partition: 0, leader: 1, replicas: [2, 1], isr: [1], offlineReplicas: [] },
          { partition: 1, leader: 2, replicas: [2, 3], isr: [2, 3], offlineReplicas: [] },
          { partition: 2, leader: 3, replicas: [3, 1], isr: [3, 1], offlineReplicas: [] },
        ],
      },
    ],
  }
  it('lists partitions missing the broker from their ISR', () => {
    expect(outOfSync(metadata, 2)).toEqual([{ topic: 't', partition: 0 }])
    expect(outOfSync(metadata, 3)).toEqual([])
  })
  it('finds partitions a restart would take below min.insync.replicas, single replicas aside', () => {
    expect(restartBlockers(metadata, 1, {})).toEqual(['t-0'])
    expect(restartBlockers(metadata, 3, {})).toEqual([])
    expect(restartBlockers(metadata, 3, { t: 2 })).toEqual(['t-1', 't-2'])
    const single = {
      ...metadata,
      topics: [
        {
          ...metadata.topics[0]!,
          name: 's',
          partitions: [{ partition: 0, leader: 3, replicas: [3], isr: [3], offlineReplicas: [] }],
        },
      ],
    }
    expect(restartBlockers(single, 3, {})).toEqual([])
  })
  it('lists partitions whose preferred replica is the broker but led by another', () => {
    expect(preferredOn(metadata, 2)).toEqual([{ topic: 't', partition: 0 }])
    expect(preferredOn(metadata, 1)).toEqual([])
  })
})

describe('quorumLoss', () => {
  it('allows restarting one of three voters or a broker-only node, not one of one or two voters', () => {
    const three = '1@127.0.0.1:1,2@127.0.0.1:2,3@127.0.0.1:3'
    expect(quorumLoss(three, 2)).toBeNull()
    expect(quorumLoss(three, 4)).toBeNull()
    expect(quorumLoss('1@127.0.0.1:1,2@127.0.0.1:2', 1)).toMatch(/one of 2 KRaft voters; .* 1 would be up/)
    expect(quorumLoss('1@127.0.0.1:1', 1)).toMatch(/no majority/)
  })
})
