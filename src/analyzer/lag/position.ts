// Where a group stands in one partition, and how many records it has left, before any record is probed.
// Pure: committed offset and log offsets in, position, raw lag and flags out.
import type { OffsetResetPolicy, PartitionFlag } from './types.ts'

export interface LogOffsets {
  /** -1: not read this poll (the monitor reads it only where the lag needs it). */
  logStartOffset: number
  logEndOffset: number
  /** -1: not read this poll. */
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
 * An unknown log start (-1, not read) is taken to be at or below the commit: a commit below it is seen once the
 * log start is known (the monitor reads it for every lagging partition). Without a commit, `earliest` needs it.
 */
export function resolvePosition(
  committed: number | null,
  log: LogOffsets | undefined,
  policy: OffsetResetPolicy,
): Position {
  const hasCommit = committed !== null && committed >= 0
  const flags: PartitionFlag[] = hasCommit ? [] : ['no-commit']
  const start = log === undefined || log.logStartOffset < 0 ? null : log.logStartOffset
  if (
    log === undefined ||
    log.error !== null ||
    log.logEndOffset < 0 ||
    (!hasCommit && policy === 'earliest' && start === null)
  ) {
    return { position: null, rawLag: null, recordsLost: 0, flags: [...flags, 'offsets-unavailable'] }
  }
  const end = Math.max(log.logEndOffset, start ?? 0)
  if (log.lastStableOffset >= 0 && log.lastStableOffset < end) flags.push('open-transaction')
  let position: number
  let recordsLost = 0
  if (!hasCommit) {
    position = policy === 'earliest' && start !== null ? start : end
  } else if (start !== null && committed < start) {
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
