import { createRecordsBatch } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { scanRecords } from '../../src/kafka/records.ts'

interface BatchSpec {
  base: number
  timestamps: number[]
  control?: boolean
  logAppendTime?: number
  compression?: 'gzip'
}

/** A v2 record batch as Kafka stores it, built by the library, with header fields patched where needed. */
function batch(spec: BatchSpec): Buffer {
  const messages = spec.timestamps.map((ts, i) => ({
    topic: 't',
    value: Buffer.from(`value-${spec.base + i}`),
    timestamp: BigInt(ts),
  }))
  const buf = Buffer.from(
    createRecordsBatch(messages, spec.compression ? { compression: spec.compression } : {}).buffer,
  )
  buf.writeBigInt64BE(BigInt(spec.base), 0)
  let attributes = buf.readInt16BE(21)
  if (spec.control) attributes |= 0x20
  if (spec.logAppendTime !== undefined) {
    attributes |= 0x08
    buf.writeBigInt64BE(BigInt(spec.logAppendTime), 35)
  }
  buf.writeInt16BE(attributes, 21)
  return buf
}

const data0 = batch({ base: 0, timestamps: [1000, 1010, 1020] })
const marker3 = batch({ base: 3, timestamps: [1030], control: true })
const data4 = batch({ base: 4, timestamps: [1040, 1050] })
const marker6 = batch({ base: 6, timestamps: [1060], control: true })

describe('scanRecords', () => {
  const rows: Array<{
    name: string
    bytes: Buffer | null
    target: number
    expected: Partial<ReturnType<typeof scanRecords>>
  }> = [
    { name: 'no bytes', bytes: null, target: 5, expected: { firstDataOffset: null, scannedTo: 5 } },
    {
      name: 'first record of a batch',
      bytes: data0,
      target: 0,
      expected: { firstDataOffset: 0, timestamp: 1000 },
    },
    {
      name: 'record inside a batch uses its own timestamp delta',
      bytes: data0,
      target: 2,
      expected: { firstDataOffset: 2, timestamp: 1020 },
    },
    {
      name: 'skips a transaction marker to the next data batch',
      bytes: Buffer.concat([marker3, data4]),
      target: 3,
      expected: { firstDataOffset: 4, timestamp: 1040, controlBatches: 1 },
    },
    {
      name: 'only a marker left: no data, scanned past it',
      bytes: Buffer.concat([data4, marker6]),
      target: 6,
      expected: { firstDataOffset: null, timestamp: null, scannedTo: 7, controlBatches: 1 },
    },
    {
      name: 'batch before the target is skipped',
      bytes: Buffer.concat([data0, marker3, data4]),
      target: 5,
      expected: { firstDataOffset: 5, timestamp: 1050 },
    },
    {
      name: 'log-append-time batches report the append time',
      bytes: batch({ base: 10, timestamps: [1, 2], logAppendTime: 777 }),
      target: 11,
      expected: { firstDataOffset: 11, timestamp: 777 },
    },
    {
      name: 'compressed batch is decoded',
      bytes: batch({ base: 20, timestamps: [5000, 5005, 5009], compression: 'gzip' }),
      target: 21,
      expected: { firstDataOffset: 21, timestamp: 5005 },
    },
    {
      name: 'cut-off batch starting at the target: header is enough',
      bytes: Buffer.concat([marker3, data4.subarray(0, 70)]),
      target: 3,
      expected: { firstDataOffset: 4, timestamp: 1040, truncatedBatchBytes: null },
    },
    {
      name: 'cut-off batch holding the target inside: asks for the full batch size',
      bytes: data4.subarray(0, 70),
      target: 5,
      expected: { firstDataOffset: null, truncatedBatchBytes: data4.length },
    },
    {
      name: 'cut-off marker: scanned past it, nothing more readable',
      bytes: Buffer.concat([marker6.subarray(0, 65)]),
      target: 6,
      expected: { firstDataOffset: null, scannedTo: 7, truncatedBatchBytes: null },
    },
    {
      name: 'fewer bytes than a batch header: nothing read',
      bytes: data4.subarray(0, 40),
      target: 4,
      expected: { firstDataOffset: null, scannedTo: 4, truncatedBatchBytes: null },
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      expect(scanRecords(row.bytes, row.target)).toMatchObject(row.expected)
    })
  }

  it('rejects an old message format instead of misreading it', () => {
    const old = Buffer.from(data0)
    old.writeInt8(1, 16)
    expect(() => scanRecords(old, 0)).toThrow(/magic 1/)
  })
})
