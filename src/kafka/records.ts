// Scans a Fetch answer's raw record bytes (v2 record batches) for the first DATA record at or after an offset.
// Written by hand because the library's batch reader drops a batch cut by the partition byte limit, while the
// batch header alone already says whether it is a transaction control batch and gives its first timestamp.
// Complete batches are decoded with the library's readRecordsBatch (which also decompresses).
import { Reader, readRecordsBatch } from '@platformatic/kafka'

/** Offsets inside a v2 record batch header (KIP-98 format). */
const HEADER_SIZE = 61
const LENGTH_PREFIX = 12
const MAGIC_AT = 16
const ATTRIBUTES_AT = 21
const LAST_OFFSET_DELTA_AT = 23
const BASE_TIMESTAMP_AT = 27
const MAX_TIMESTAMP_AT = 35
const CONTROL_FLAG = 0x20
const LOG_APPEND_TIME_FLAG = 0x08

export interface ScanResult {
  /** Offset and timestamp of the first data record >= target, or null when none is in these bytes. */
  firstDataOffset: number | null
  timestamp: number | null
  /** First offset not covered by the batches read (target when nothing was read). */
  scannedTo: number
  /** Size of a batch that was cut off before the record we need; fetch again with at least this many bytes. */
  truncatedBatchBytes: number | null
  /** Number of control (transaction marker) batches skipped. */
  controlBatches: number
}

export function scanRecords(records: Buffer | null, target: number): ScanResult {
  const result: ScanResult = {
    firstDataOffset: null,
    timestamp: null,
    scannedTo: target,
    truncatedBatchBytes: null,
    controlBatches: 0,
  }
  if (!records) return result
  let pos = 0
  while (records.length - pos >= HEADER_SIZE) {
    const baseOffset = Number(records.readBigInt64BE(pos))
    const total = LENGTH_PREFIX + records.readInt32BE(pos + 8)
    const magic = records.readInt8(pos + MAGIC_AT)
    if (magic !== 2) throw new Error(`unsupported record batch magic ${magic} at offset ${baseOffset}`)
    const attributes = records.readInt16BE(pos + ATTRIBUTES_AT)
    const lastOffset = baseOffset + records.readInt32BE(pos + LAST_OFFSET_DELTA_AT)
    const baseTimestamp = Number(records.readBigInt64BE(pos + BASE_TIMESTAMP_AT))
    const maxTimestamp = Number(records.readBigInt64BE(pos + MAX_TIMESTAMP_AT))
    const complete = pos + total <= records.length
    const logAppendTime = (attributes & LOG_APPEND_TIME_FLAG) !== 0
    if (lastOffset < target) {
      // A batch that starts before the target and ends before it: only the first one of a Fetch answer.
    } else if ((attributes & CONTROL_FLAG) !== 0) {
      result.controlBatches++
      result.scannedTo = lastOffset + 1
    } else if (complete) {
      const batch = readRecordsBatch(Reader.from(records.subarray(pos, pos + total)))
      for (const record of batch.records) {
        const offset = baseOffset + record.offsetDelta
        if (offset < target) continue
        result.firstDataOffset = offset
        result.timestamp = logAppendTime ? maxTimestamp : baseTimestamp + Number(record.timestampDelta)
        return result
      }
      // Compaction removed every record from the target on: keep looking in the next batch.
      result.scannedTo = lastOffset + 1
    } else if (baseOffset >= target) {
      // Cut-off batch whose first record is the one we want: the header has its offset and timestamp.
      result.firstDataOffset = baseOffset
      result.timestamp = logAppendTime ? maxTimestamp : baseTimestamp
      return result
    } else {
      result.truncatedBatchBytes = total
      return result
    }
    if (!complete) break
    pos += total
  }
  return result
}
