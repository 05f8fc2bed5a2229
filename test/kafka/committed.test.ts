import { describe, expect, it } from 'vitest'
import { buildRequestGroups, mergeQueries, toGroupOffsets } from '../../src/kafka/committed.ts'

describe('mergeQueries', () => {
  it('unions topics of duplicate entries; one entry without topics means all topics', () => {
    const merged = mergeQueries([
      { groupId: 'a', topics: ['x'] },
      { groupId: 'a', topics: ['y', 'x'] },
      { groupId: 'b', topics: ['x'] },
      { groupId: 'b' },
      { groupId: 'b', topics: ['z'] },
    ])
    expect(Object.fromEntries(merged)).toEqual({ a: ['x', 'y'], b: null })
  })
})

describe('buildRequestGroups', () => {
  it('asks all topics (null) or every partition of the known topics, dropping unknown topics', () => {
    const groups = buildRequestGroups(
      ['all', 'some'],
      new Map([
        ['all', null],
        ['some', ['x', 'deleted']],
      ]),
      new Map([['x', 3]]),
    )
    expect(groups).toEqual([
      { groupId: 'all', memberId: null, memberEpoch: -1, topics: null },
      {
        groupId: 'some',
        memberId: null,
        memberEpoch: -1,
        topics: [{ name: 'x', partitionIndexes: [0, 1, 2] }],
      },
    ])
  })
})

describe('toGroupOffsets', () => {
  it('flattens and sorts offsets, keeps per-partition errors', () => {
    const result = toGroupOffsets({
      groupId: 'g',
      errorCode: 0,
      topics: [
        {
          name: 'b',
          partitions: [
            { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: 1, metadata: '', errorCode: 0 },
          ],
        },
        {
          name: 'a',
          partitions: [
            {
              partitionIndex: 1,
              committedOffset: -1n,
              committedLeaderEpoch: -1,
              metadata: null,
              errorCode: 88,
            },
            { partitionIndex: 0, committedOffset: 7n, committedLeaderEpoch: 2, metadata: 'm', errorCode: 0 },
          ],
        },
      ],
    })
    expect(result).toEqual({
      groupId: 'g',
      error: null,
      offsets: [
        { topic: 'a', partition: 0, offset: 7, leaderEpoch: 2, metadata: 'm' },
        {
          topic: 'a',
          partition: 1,
          offset: -1,
          leaderEpoch: -1,
          metadata: null,
          error: 'UNSTABLE_OFFSET_COMMIT',
        },
        { topic: 'b', partition: 0, offset: 5, leaderEpoch: 1, metadata: '' },
      ],
    })
  })

  it('a group-level error empties the offsets', () => {
    expect(toGroupOffsets({ groupId: 'g', errorCode: 16, topics: [] })).toEqual({
      groupId: 'g',
      error: 'NOT_COORDINATOR',
      offsets: [],
    })
  })
})
