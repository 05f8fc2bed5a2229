// Lag in records after transaction markers are accounted for, and lag in seconds.
//
// lagSeconds = (now − timestamp of the first unconsumed data record) / 1000, 0 when caught up. The timestamp
// comes from a record probe (a Fetch at the group's position that skips control records). When only
// transaction markers lie between the position and the log end, the group has consumed everything: lag 0,
// 0 s (a consumer that commits "last record + 1" sits just before the trailing commit marker forever).
// When the probe fails, the append time is estimated from earlier log-end samples (time-table.ts).
import type { RecordProbe } from '../../kafka/port.ts'
import { estimateAppendTime } from './time-table.ts'
import type { EndOffsetSample, LagSecondsSource, PartitionFlag } from './types.ts'

export interface LagInTimeInput {
  position: number
  logEndOffset: number
  rawLag: number
  /** The probe at `position`, if one was made (this poll or cached). */
  probe: RecordProbe | undefined
  /** Log-end history of the partition, including this poll's sample. */
  history: readonly EndOffsetSample[]
  now: number
}

export interface LagInTime {
  lag: number
  lagSeconds: number | null
  lagSecondsSource: LagSecondsSource
  flags: PartitionFlag[]
}

export function lagInTime(input: LagInTimeInput): LagInTime {
  const { position, logEndOffset, rawLag, probe, history, now } = input
  if (rawLag <= 0) return { lag: 0, lagSeconds: 0, lagSecondsSource: 'caught-up', flags: [] }
  if (probe !== undefined && probe.error === null) {
    if (probe.firstDataOffset === null || probe.firstDataOffset >= logEndOffset) {
      return { lag: 0, lagSeconds: 0, lagSecondsSource: 'caught-up', flags: ['markers-only'] }
    }
    // Offsets skipped before the first data record (markers, compaction gaps) are not records to consume.
    const lag = logEndOffset - Math.max(position, probe.firstDataOffset)
    if (probe.timestamp !== null) {
      return { lag, lagSeconds: ageSeconds(now, probe.timestamp), lagSecondsSource: 'probe', flags: [] }
    }
    return { lag, ...fallback(history, position, now), flags: [] }
  }
  return { lag: rawLag, ...fallback(history, position, now), flags: ['probe-failed'] }
}

function fallback(
  history: readonly EndOffsetSample[],
  position: number,
  now: number,
): Pick<LagInTime, 'lagSeconds' | 'lagSecondsSource'> {
  const estimate = estimateAppendTime(history, position)
  if (estimate === null) return { lagSeconds: null, lagSecondsSource: 'unknown' }
  return {
    lagSeconds: ageSeconds(now, estimate.time),
    lagSecondsSource: estimate.lowerBound ? 'lower-bound' : 'interpolated',
  }
}

/** Age in seconds, never negative (producer clocks can run ahead), rounded to the millisecond. */
export function ageSeconds(now: number, timestamp: number): number {
  return Math.max(0, Math.round(now - timestamp)) / 1000
}
