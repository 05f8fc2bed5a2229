import { describe, expect, it } from 'vitest'
import { Ownership } from '../../src/kafka/consumer.ts'

/** Just enough of the library's consumer: its current assignment and the group's committed offsets. */
function fakeConsumer(committed: Record<string, bigint[]>) {
  const state = {
    assignments: [] as Array<{ topic: string; partitions: number[] }>,
    reads: 0,
    async listCommittedOffsets({ topics }: { topics: Array<{ topic: string; partitions: number[] }> }) {
      state.reads += 1
      return new Map(topics.map((t) => [t.topic, committed[t.topic] ?? []]))
    },
  }
  return state
}

const record = (partition: number, offset: bigint) => ({ topic: 't', partition, offset })

describe('consumer ownership fence', () => {
  it('skips records of partitions this member no longer owns (buffered before a rebalance)', async () => {
    const consumer = fakeConsumer({ t: [0n, 0n] })
    const revoked: string[][] = []
    const own = new Ownership((keys) => revoked.push(keys))
    consumer.assignments = [{ topic: 't', partitions: [0, 1] }]
    expect(await own.accepts(consumer as never, record(1, 5n))).toBe(true)
    consumer.assignments = [{ topic: 't', partitions: [0] }]
    expect(await own.accepts(consumer as never, record(1, 6n))).toBe(false)
    expect(await own.accepts(consumer as never, record(0, 6n))).toBe(true)
    expect(revoked.at(-1)).toEqual(['t:1'])
  })

  it('skips records below the offset the group had committed when the partition came (back) to us', async () => {
    const committed = { t: [100n] }
    const consumer = fakeConsumer(committed)
    const own = new Ownership(() => {})
    consumer.assignments = [{ topic: 't', partitions: [0] }]
    expect(await own.accepts(consumer as never, record(0, 99n))).toBe(false)
    expect(await own.accepts(consumer as never, record(0, 100n))).toBe(true)
    // the partition moves away, another member commits 300, and it comes back
    consumer.assignments = []
    await own.accepts(consumer as never, record(0, 120n))
    committed.t = [300n]
    consumer.assignments = [{ topic: 't', partitions: [0] }]
    expect(await own.accepts(consumer as never, record(0, 120n))).toBe(false)
    expect(await own.accepts(consumer as never, record(0, 300n))).toBe(true)
  })

  it('never lets a commit move the group backwards, and reads commits once per assignment change', async () => {
    const consumer = fakeConsumer({ t: [300n, -1n] })
    const own = new Ownership(() => {})
    consumer.assignments = [{ topic: 't', partitions: [0, 1] }]
    await own.accepts(consumer as never, record(0, 300n))
    await own.accepts(consumer as never, record(0, 301n))
    expect(consumer.reads).toBe(1)
    expect(own.below('t:0', 121n)).toBe(true)
    expect(own.below('t:0', 300n)).toBe(true)
    expect(own.below('t:0', 301n)).toBe(false)
    // no commit yet (-1): no floor
    expect(own.below('t:1', 1n)).toBe(false)
  })
})
