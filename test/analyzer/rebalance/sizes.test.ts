import { describe, expect, it } from 'vitest'
import { sizesFromLogDirs, withLogDirSizes } from '../../../src/analyzer/rebalance/sizes.ts'
import type { LogDirDescription } from '../../../src/kafka/port.ts'

const dir = (broker: number, partitions: LogDirDescription['partitions'], error: string | null = null) => ({
  broker,
  logDir: error ? '' : '/data',
  error,
  partitions,
})

describe('sizes from DescribeLogDirs', () => {
  const logDirs: LogDirDescription[] = [
    dir(1, [{ topic: 't', partition: 0, size: 100 }]),
    dir(2, [
      { topic: 't', partition: 0, size: 90 },
      { topic: 't', partition: 1, size: 5, isFuture: true },
    ]),
    dir(3, [], 'UNKNOWN_SERVER_ERROR'),
  ]

  it('takes the largest replica and ignores future replicas', () => {
    expect([...sizesFromLogDirs(logDirs).values()]).toEqual([100])
  })

  it('sets bytes where known and leaves other partitions as they are', () => {
    const parts = [
      { topic: 't', partition: 0, replicas: [1, 2] },
      { topic: 't', partition: 1, replicas: [2] },
    ]
    expect(withLogDirSizes(parts, logDirs)).toEqual([{ ...parts[0], bytes: 100 }, parts[1]])
  })
})
