import { describe, expect, it } from 'vitest'
import { toRequestDirs, toResults } from '../../src/kafka/replica-log-dirs.ts'

const moves = [
  { topic: 'a', partition: 0, broker: 1, logDir: '/d2' },
  { topic: 'a', partition: 2, broker: 1, logDir: '/d2' },
  { topic: 'b', partition: 1, broker: 1, logDir: '/d1' },
]

describe('AlterReplicaLogDirs request and answer', () => {
  it('groups moves by destination dir, then topic', () => {
    expect(toRequestDirs(moves)).toEqual([
      { path: '/d2', topics: [{ name: 'a', partitions: [0, 2] }] },
      { path: '/d1', topics: [{ name: 'b', partitions: [1] }] },
    ])
  })

  it('maps per-partition codes to error names and reports moves the broker did not answer', () => {
    const results = toResults(moves, {
      results: [
        {
          topicName: 'a',
          partitions: [
            { partitionIndex: 0, errorCode: 0 },
            { partitionIndex: 2, errorCode: 57 },
          ],
        },
      ],
    })
    expect(results.map((r) => r.error)).toEqual([null, 'LOG_DIR_NOT_FOUND', 'NO_ANSWER'])
    expect(results[0]).toEqual({ ...moves[0], error: null })
  })
})
