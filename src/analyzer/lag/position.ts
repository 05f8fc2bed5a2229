// Where a group stands in one partition, and how many records it has left, before any record is probed.
// Pure: committed offset and log offsets in, position, raw lag and flags out.
import type { OffsetResetPolicy, PartitionFlag } from './types.ts'

export interface LogOffsets {
  logStartOffset: number
  logEndOffset: number
  lastStableOffset: number
  error: string | null
}

export interface Position {
  /** Next offset the group reads, clamped to [log start, log end]; null when the log offsets are unknown. */
  position: number | null
  /** logEnd − position, before transaction markers are accounted for; null when unknown. */
  rawLag: number | null
  /** Offsets deleted by retention before the group read them. */
  recordsLost: number
  flags: PartitionFlag[]
}

/**
 * `committed` is the group's committed offset (null or negative: none). Rules, where KEDA's scaler differs:
 * - no commit: `earliest` starts at the log start (KEDA counts from offset 0, so retention-deleted records
 *   count as lag), `latest` at the log end (KEDA reports 1 to keep a consumer alive: a scaling concern, not a
 *   monitoring one);
 * - committed below log start (retention): the consumer resets to the log start on its next fetch, so lag is
 *   end − start and the gap is reported as recordsLost (KEDA: end − committed, overstated);
 * - committed above log end (truncation, recreated topic): lag 0 and flagged (KEDA: negative, summed as is).
 */
export function resolvePosition(
  committed: number | null,
  log: LogOffsets | undefined,
  policy: OffsetResetPolicy,
): Position {
  const hasCommit = committed !== null && committed >= 0
  const flags: PartitionFlag[] = hasCommit ? [] : ['no-commit']
  if (log === undefined || log.error !== null || log.logEndOffset < 0 || log.logStartOffset < 0) {
    return { position: null, rawLag: null, recordsLost: 0, flags: [...flags, 'offsets-unavailable'] }
  }
  const start = log.logStartOffset
  const end = Math.max(log.logEndOffset, start)
  if (log.lastStableOffset >= 0 && log.lastStableOffset < end) flags.push('open-transaction')
  let position: number
  let recordsLost = 0
  if (!hasCommit) {
    position = policy === 'earliest' ? start : end
  } else if (committed < start) {
    position = start
    recordsLost = start - committed
    flags.push('below-log-start')
  } else if (committed > end) {
    position = end
    flags.push('above-log-end')
  } else {
    position = committed
  }
  return { position, rawLag: end - position, recordsLost, flags }
}
