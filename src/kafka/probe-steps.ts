// The pure decisions of probeRecords: what one partition's Fetch answer says about each asked position, and
// which offset each partition is read from next round. No I/O; unit-tested with hand-built record batches.
import { protocolErrorName } from './error-mapping.ts'
import type { RawFetchPartition } from './fetch-codec.ts'
import { partitionKey } from './leaders.ts'
import type { RecordProbe, TopicPartition } from './port.ts'
import { scanRecords } from './records.ts'

const LARGE_PARTITION_BYTES = 1024 * 1024

export type Position = TopicPartition & { offset: number }

/** One asked position and where the next round must read from for it. */
export interface PendingProbe {
  position: Position
  fetchOffset: number
  maxBytes: number
}

/** `outOfRange`: the broker refused the offset without saying where the log starts and ends (it omits the marks). */
export type ProbeStep = { done: RecordProbe } | { again: PendingProbe } | { outOfRange: PendingProbe }

export function marksOf(answer: RawFetchPartition) {
  return {
    highWatermark: Number(answer.highWatermark),
    lastStableOffset: Number(answer.lastStableOffset),
    logStartOffset: Number(answer.logStartOffset),
  }
}

/** Decides, from the Fetch answer read at `pending.fetchOffset`, whether the probe is finished or must read on. */
export function interpretPartition(pending: PendingProbe, answer: RawFetchPartition): ProbeStep {
  const { position } = pending
  const marks = marksOf(answer)
  const base = { ...position, ...marks }
  const none = { ...base, timestamp: null, firstDataOffset: null }
  if (answer.errorCode !== 0) {
    const error = protocolErrorName(answer.errorCode)
    if (error === 'OFFSET_OUT_OF_RANGE') {
      // Retention deleted the asked offset: the first record at or after it is at the log start.
      if (marks.logStartOffset >= 0 && pending.fetchOffset < marks.logStartOffset) {
        return { again: { ...pending, fetchOffset: marks.logStartOffset } }
      }
      return { outOfRange: pending }
    }
    return { done: { ...none, error } }
  }
  const scan = scanRecords(answer.records, pending.fetchOffset)
  if (scan.firstDataOffset !== null) {
    return {
      done: { ...base, timestamp: scan.timestamp, firstDataOffset: scan.firstDataOffset, error: null },
    }
  }
  if (scan.truncatedBatchBytes !== null) {
    return { again: { ...pending, maxBytes: Math.max(pending.maxBytes, scan.truncatedBatchBytes) } }
  }
  if (scan.scannedTo >= marks.highWatermark) return { done: { ...none, error: null } }
  if (scan.scannedTo > pending.fetchOffset) return { again: { ...pending, fetchOffset: scan.scannedTo } }
  // Nothing usable came back below the high watermark: the next batch is larger than the byte limit.
  return { again: { ...pending, maxBytes: Math.max(pending.maxBytes * 16, LARGE_PARTITION_BYTES) } }
}

/**
 * For a probe of the same partition whose offset is above the one the bytes were read from: conclusive only when
 * the bytes contain its first data record, or when nothing can exist (offset at or past the high watermark).
 */
export function interpretCovered(pending: PendingProbe, answer: RawFetchPartition): RecordProbe | null {
  if (answer.errorCode !== 0) return null
  const marks = marksOf(answer)
  const scan = scanRecords(answer.records, pending.fetchOffset)
  if (scan.firstDataOffset !== null) {
    return {
      ...pending.position,
      ...marks,
      timestamp: scan.timestamp,
      firstDataOffset: scan.firstDataOffset,
      error: null,
    }
  }
  if (scan.scannedTo >= marks.highWatermark) {
    return { ...pending.position, ...marks, timestamp: null, firstDataOffset: null, error: null }
  }
  return null
}

export function failed(position: Position, error: string): RecordProbe {
  return { ...position, timestamp: null, firstDataOffset: null, error }
}

export function probeKey(p: Position): string {
  return `${partitionKey(p)}\u0000${p.offset}`
}

/** The probe read for each partition this round: the lowest pending offset, with the largest byte limit. */
export function chooseReads(pending: PendingProbe[]): Map<string, PendingProbe> {
  const reads = new Map<string, PendingProbe>()
  for (const p of pending) {
    const key = partitionKey(p.position)
    const current = reads.get(key)
    if (!current || p.fetchOffset < current.fetchOffset) {
      reads.set(key, { ...p, maxBytes: Math.max(p.maxBytes, current?.maxBytes ?? 0) })
    } else if (p.maxBytes > current.maxBytes) {
      reads.set(key, { ...current, maxBytes: p.maxBytes })
    }
  }
  return reads
}
