import { describe, expect, it } from 'vitest'
import { indexListOffsets, mergeOffsets, offsetKinds } from '../../src/kafka/offsets.ts'

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
  type Answer = { offset: number; error: string | null } | undefined | null
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
      name: 'only the high watermark asked: the rest -1, no error',
      args: [ok(100), null, null],
      expected: { logStartOffset: -1, logEndOffset: 100, lastStableOffset: -1, error: null },
    },
    {
      name: 'a kind not asked cannot fail the partition; an asked one missing does',
      args: [ok(100), undefined, null],
      expected: { logEndOffset: -1, error: 'MISSING_IN_RESPONSE' },
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

describe('offsetKinds', () => {
  it('defaults to all three and deduplicates', () => {
    expect([...offsetKinds(undefined)]).toEqual(['earliest', 'latest', 'stable'])
    expect([...offsetKinds({ kinds: ['latest', 'latest'] })]).toEqual(['latest'])
  })

  const bad: Array<{ name: string; kinds: unknown; field: string }> = [
    { name: 'empty', kinds: [], field: 'options.kinds' },
    { name: 'not an array', kinds: 'latest', field: 'options.kinds' },
    { name: 'unknown kind', kinds: ['latest', 'newest'], field: 'options.kinds[1]' },
  ]
  for (const row of bad) {
    it(`rejects ${row.name}, naming the field`, () => {
      expect(() => offsetKinds({ kinds: row.kinds as never })).toThrow(
        expect.objectContaining({ code: 'AP_ERR_INPUT', field: row.field }),
      )
    })
  }
})
