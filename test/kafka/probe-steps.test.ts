import { createRecordsBatch } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import type { RawFetchPartition } from '../../src/kafka/fetch-codec.ts'
import {
  chooseReads,
  interpretCovered,
  interpretPartition,
  type PendingProbe,
} from '../../src/kafka/probe-steps.ts'

function batch(base: number, timestamps: number[], control = false): Buffer {
  const messages = timestamps.map((ts) => ({
    topic: 't',
    value: Buffer.from('x'.repeat(50)),
    timestamp: BigInt(ts),
  }))
  const buf = Buffer.from(createRecordsBatch(messages).buffer)
  buf.writeBigInt64BE(BigInt(base), 0)
  if (control) buf.writeInt16BE(buf.readInt16BE(21) | 0x20, 21)
  return buf
}

function answer(
  records: Buffer | null,
  marks: { hw: number; lso?: number; start?: number; error?: number },
): RawFetchPartition {
  return {
    partitionIndex: 0,
    errorCode: marks.error ?? 0,
    highWatermark: BigInt(marks.hw),
    lastStableOffset: BigInt(marks.lso ?? marks.hw),
    logStartOffset: BigInt(marks.start ?? 0),
    records,
  }
}

const pending = (offset: number, fetchOffset = offset, maxBytes = 1024): PendingProbe => ({
  position: { topic: 't', partition: 0, offset },
  fetchOffset,
  maxBytes,
})

describe('interpretPartition', () => {
  const rows: Array<{ name: string; probe: PendingProbe; answer: RawFetchPartition; expected: unknown }> = [
    {
      name: 'data record found',
      probe: pending(0),
      answer: answer(batch(0, [100, 200]), { hw: 2 }),
      expected: { done: { offset: 0, firstDataOffset: 0, timestamp: 100, error: null, highWatermark: 2 } },
    },
    {
      name: 'only a commit marker left below the high watermark: no data, no error',
      probe: pending(2),
      answer: answer(batch(2, [300], true), { hw: 3 }),
      expected: { done: { offset: 2, firstDataOffset: null, timestamp: null, error: null } },
    },
    {
      name: 'at the high watermark: nothing to read',
      probe: pending(5),
      answer: answer(null, { hw: 5 }),
      expected: { done: { firstDataOffset: null, error: null } },
    },
    {
      name: 'offset below the log start: read again from the log start',
      probe: pending(1),
      answer: answer(null, { hw: 50, start: 40, error: 1 }),
      expected: { again: { fetchOffset: 40, position: { offset: 1 } } },
    },
    {
      name: 'out of range without marks (Kafka omits them): to be placed with ListOffsets',
      probe: pending(90),
      answer: answer(null, { hw: -1, start: -1, error: 1 }),
      expected: { outOfRange: { fetchOffset: 90 } },
    },
    {
      name: 'markers filled the bytes: continue after them',
      probe: pending(0),
      answer: answer(Buffer.concat([batch(0, [1], true), batch(1, [2], true)]), { hw: 10 }),
      expected: { again: { fetchOffset: 2 } },
    },
    {
      name: 'batch cut off before the asked record: read again with its full size',
      probe: pending(1, 1, 64),
      answer: answer(batch(0, [1, 2, 3]).subarray(0, 64), { hw: 3 }),
      expected: { again: { fetchOffset: 1, maxBytes: batch(0, [1, 2, 3]).length } },
    },
    {
      name: 'nothing readable below the high watermark: read again with more bytes',
      probe: pending(0, 0, 1024),
      answer: answer(null, { hw: 10 }),
      expected: { again: { fetchOffset: 0, maxBytes: 1024 * 1024 } },
    },
    {
      name: 'leader moved: error kept for the caller to retry',
      probe: pending(0),
      answer: answer(null, { hw: -1, error: 6 }),
      expected: { done: { error: 'NOT_LEADER_OR_FOLLOWER' } },
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      expect(interpretPartition(row.probe, row.answer)).toMatchObject(row.expected as object)
    })
  }
})

describe('interpretCovered (a second offset on the same partition)', () => {
  const bytes = Buffer.concat([batch(0, [10, 20, 30]), batch(3, [40], true)])
  const rows: Array<{ name: string; offset: number; hw: number; expected: unknown }> = [
    { name: 'record in the bytes', offset: 2, hw: 4, expected: { firstDataOffset: 2, timestamp: 30 } },
    { name: 'only the marker after it', offset: 3, hw: 4, expected: { firstDataOffset: null, error: null } },
    {
      name: 'at or past the high watermark',
      offset: 9,
      hw: 4,
      expected: { firstDataOffset: null, error: null },
    },
    { name: 'beyond the bytes read: not conclusive', offset: 5, hw: 10, expected: null },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const result = interpretCovered(pending(row.offset), answer(bytes, { hw: row.hw }))
      if (row.expected === null) expect(result).toBeNull()
      else expect(result).toMatchObject(row.expected as object)
    })
  }
})

describe('chooseReads', () => {
  it('reads each partition once, from its lowest pending offset with the largest byte limit', () => {
    const reads = chooseReads([
      pending(7, 7, 100),
      pending(3, 3, 50),
      { position: { topic: 'u', partition: 1, offset: 0 }, fetchOffset: 0, maxBytes: 10 },
      pending(5, 5, 900),
    ])
    expect([...reads.values()].map((r) => [r.position.topic, r.fetchOffset, r.maxBytes])).toEqual([
      ['t', 3, 900],
      ['u', 0, 10],
    ])
  })
})
