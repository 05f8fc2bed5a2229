import { Reader, Writer } from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { parseRawFetchResponse, rawFetchApi } from '../../src/kafka/fetch-codec.ts'

/** A Fetch v13+ response as a broker writes it (flexible versions), one topic, the given partitions. */
function response(
  partitions: Array<{ index: number; error: number; records: Buffer | null; aborted?: boolean }>,
): Buffer {
  return Writer.create()
    .appendInt32(0)
    .appendInt16(0)
    .appendInt32(0)
    .appendArray([0], (w) => {
      w.appendUUID('00112233-4455-6677-8899-aabbccddeeff').appendArray(partitions, (wp, p) => {
        wp.appendInt32(p.index)
          .appendInt16(p.error)
          .appendInt64(10n)
          .appendInt64(9n)
          .appendInt64(1n)
          .appendArray(p.aborted ? [[5n, 6n]] : null, (wa, [a, b]) => {
            wa.appendInt64(a!).appendInt64(b!)
          })
          .appendInt32(-1)
        if (p.records === null) wp.appendUnsignedVarInt(0)
        else wp.appendUnsignedVarInt(p.records.length + 1).append(p.records)
      })
    })
    .appendTaggedFields().buffer
}

describe('raw Fetch response parser', () => {
  it('keeps each partition raw record bytes and marks, whatever the records hold', () => {
    const bytes = Buffer.from('cut-off batch bytes')
    const parsed = parseRawFetchResponse(
      1,
      1,
      17,
      Reader.from(
        response([
          { index: 0, error: 0, records: bytes, aborted: true },
          { index: 3, error: 1, records: null },
        ]),
      ),
    )
    expect(parsed.errorCode).toBe(0)
    expect(parsed.responses[0]?.topicId).toBe('00112233-4455-6677-8899-aabbccddeeff')
    expect(parsed.responses[0]?.partitions).toEqual([
      {
        partitionIndex: 0,
        errorCode: 0,
        highWatermark: 10n,
        lastStableOffset: 9n,
        logStartOffset: 1n,
        records: bytes,
      },
      {
        partitionIndex: 3,
        errorCode: 1,
        highWatermark: 10n,
        lastStableOffset: 9n,
        logStartOffset: 1n,
        records: null,
      },
    ])
  })

  it('exists for v13–v17 only', () => {
    expect(rawFetchApi(17).version).toBe(17)
    expect(rawFetchApi(13).key).toBe(1)
    expect(() => rawFetchApi(12)).toThrow(/v13–v17/)
  })
})
