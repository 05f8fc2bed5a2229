import { describe, expect, it } from 'vitest'
import { AutopilotError } from '../../../src/errors.ts'
import { buildMoves, movesFromOngoing, sizesFromLogDirs } from '../../../src/executor/reassignment/moves.ts'
import type { ClusterMetadata } from '../../../src/kafka/port.ts'

function errorOf(fn: () => unknown): AutopilotError {
  try {
    fn()
  } catch (error) {
    if (AutopilotError.is(error)) return error
    throw error
  }
  throw new Error('expected an AutopilotError')
}

const metadata: ClusterMetadata = {
  clusterId: 'c',
  controllerId: 1,
  brokers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 9000 + id, rack: null })),
  topics: [
    {
      name: 't',
      id: 'x',
      internal: false,
      partitions: [
        { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2], offlineReplicas: [] },
        { partition: 1, leader: 2, replicas: [2, 3], isr: [2, 3], offlineReplicas: [] },
      ],
    },
  ],
}

describe('buildMoves', () => {
  it('derives from, to, adding, removing and kind for each entry, in plan order', () => {
    const moves = buildMoves(
      {
        version: 1,
        partitions: [
          { topic: 't', partition: 1, replicas: [3, 2] },
          { topic: 't', partition: 0, replicas: [3, 2] },
        ],
      },
      metadata,
      new Map([['t-0', 5000]]),
    )
    expect(moves).toEqual([
      {
        topic: 't',
        partition: 1,
        from: [2, 3],
        to: [3, 2],
        adding: [],
        removing: [],
        kind: 'metadata',
        sizeBytes: null,
      },
      {
        topic: 't',
        partition: 0,
        from: [1, 2],
        to: [3, 2],
        adding: [3],
        removing: [1],
        kind: 'copy',
        sizeBytes: 5000,
      },
    ])
  })

  it.each([
    {
      name: 'unknown topic',
      plan: { topic: 'nope', partition: 0, replicas: [1] },
      code: 'AP_ERR_NOT_FOUND',
      field: 'partitions[0].topic',
    },
    {
      name: 'unknown partition',
      plan: { topic: 't', partition: 5, replicas: [1] },
      code: 'AP_ERR_NOT_FOUND',
      field: 'partitions[0].partition',
    },
    {
      name: 'a target broker that is not live',
      plan: { topic: 't', partition: 0, replicas: [1, 99] },
      code: 'AP_ERR_UNSAFE',
      field: 'partitions[0].replicas[1]',
    },
  ])('refuses $name before anything is sent', ({ plan, code, field }) => {
    const error = errorOf(() => buildMoves({ version: 1, partitions: [plan] }, metadata))
    expect([error.code, error.field]).toEqual([code, field])
  })

  it('refuses to copy a partition that has no leader (nothing could serve the data)', () => {
    const leaderless: ClusterMetadata = {
      ...metadata,
      topics: [
        {
          ...metadata.topics[0]!,
          partitions: [{ partition: 0, leader: -1, replicas: [1, 2], isr: [], offlineReplicas: [1, 2] }],
        },
      ],
    }
    const copy = { version: 1 as const, partitions: [{ topic: 't', partition: 0, replicas: [3, 1] }] }
    const error = errorOf(() => buildMoves(copy, leaderless))
    expect([error.code, error.field]).toEqual(['AP_ERR_UNSAFE', 'partitions[0]'])
    // Reordering copies nothing: allowed.
    const reorder = { version: 1 as const, partitions: [{ topic: 't', partition: 0, replicas: [2, 1] }] }
    expect(buildMoves(reorder, leaderless)[0]!.kind).toBe('metadata')
  })

  it('a partition already on a dead broker and left as it is is a no-op, not an error', () => {
    const withDead: ClusterMetadata = {
      ...metadata,
      brokers: metadata.brokers.filter((b) => b.id !== 2),
    }
    const [move] = buildMoves(
      { version: 1, partitions: [{ topic: 't', partition: 0, replicas: [1, 2] }] },
      withDead,
    )
    expect(move!.kind).toBe('noop')
  })
})

describe('movesFromOngoing', () => {
  it('splits Kafka’s union into original and target', () => {
    const [move] = movesFromOngoing([
      { topic: 't', partition: 0, replicas: [3, 2, 1], addingReplicas: [3], removingReplicas: [1] },
    ])
    expect(move).toMatchObject({ from: [2, 1], to: [3, 2], adding: [3], removing: [1], kind: 'copy' })
  })
})

describe('sizesFromLogDirs', () => {
  it('takes the largest replica and ignores future replicas', () => {
    const sizes = sizesFromLogDirs([
      { partitions: [{ topic: 't', partition: 0, size: 100 }] },
      {
        partitions: [
          { topic: 't', partition: 0, size: 120 },
          { topic: 't', partition: 0, size: 999, isFuture: true },
        ],
      },
    ])
    expect(sizes).toEqual(new Map([['t-0', 120]]))
  })
})
