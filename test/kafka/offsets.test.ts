import { describe, expect, it } from 'vitest'
import { indexListOffsets, mergeOffsets } from '../../src/kafka/offsets.ts'

const tp = { topic: 't', partition: 0 }

describe('indexListOffsets', () => {
  it('indexes offsets and names errors by topic-partition', () => {
    const index = indexListOffsets({
      throttleTimeMs: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 42n, leaderEpoch: 0 },
            { partitionIndex: 1, errorCode: 6, timestamp: -1n, offset: -1n, leaderEpoch: -1 },
          ],
        },
      ],
    })
    expect([...index.values()]).toEqual([
      { offset: 42, error: null },
      { offset: -1, error: 'NOT_LEADER_OR_FOLLOWER' },
    ])
  })
})

describe('mergeOffsets', () => {
  type Answer = { offset: number; error: string | null } | undefined
  const ok = (offset: number): Answer => ({ offset, error: null })
  const rows: Array<{ name: string; args: [Answer, Answer, Answer]; expected: object }> = [
    {
      name: 'all three answers',
      args: [ok(100), ok(10), ok(90)],
      expected: { logStartOffset: 10, logEndOffset: 100, lastStableOffset: 90, error: null },
    },
    {
      name: 'an error in any answer fails the partition',
      args: [ok(100), { offset: -1, error: 'OFFSET_NOT_AVAILABLE' }, ok(90)],
      expected: { logStartOffset: -1, logEndOffset: -1, lastStableOffset: -1, error: 'OFFSET_NOT_AVAILABLE' },
    },
    {
      name: 'a partition missing from an answer',
      args: [ok(100), undefined, ok(90)],
      expected: { error: 'MISSING_IN_RESPONSE', logEndOffset: -1 },
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      expect(mergeOffsets(tp, ...row.args)).toMatchObject({ ...tp, ...row.expected })
    })
  }
})
