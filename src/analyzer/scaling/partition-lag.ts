// Per-partition lag as KEDA's Kafka scaler counts it (spec §1.3), from the monitor's clamped lag, and the sums
// the policies use. Differences from KEDA, on purpose:
// - lag is never negative per partition (KEDA sums negative lag, which hides the lag of other partitions);
// - `earliest` without a commit counts the records still in the log, not the log-end offset (keda#7936);
// - excludePersistentLag looks at how long a committed offset has not moved (persistentLagSeconds), not at
//   whether it moved since the previous call: with a 5 s poll, a consumer auto-committing every 5 s would
//   otherwise be taken for stuck.
import type { KafkaMetadata } from '../../config/schema.ts'
import type { CommitMark, LagFigures, LagView, LagViewPartition } from './types.ts'

export type LagSettings = Pick<
  KafkaMetadata,
  | 'topics'
  | 'partitionLimitation'
  | 'offsetResetPolicy'
  | 'scaleToZeroOnInvalidOffset'
  | 'excludePersistentLag'
  | 'persistentLagSeconds'
>

export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`
}

/** The partitions the trigger covers: its topics (all when none is named) and partitionLimitation. */
export function selectPartitions(view: LagView, settings: LagSettings): LagViewPartition[] {
  const topics = settings.topics.length > 0 ? new Set(settings.topics) : null
  const only = settings.partitionLimitation ? new Set(settings.partitionLimitation) : null
  return view.partitions.filter(
    (p) => (topics === null || topics.has(p.topic)) && (only === null || only.has(p.partition)),
  )
}

export interface PartitionLagValue {
  /** Counts toward the scaling metric. */
  lag: number
  /** Counts toward activation (persistent lag included). */
  lagWithPersistent: number
  persistent: boolean
}

/** KEDA's value for a partition without a committed offset. Null when it cannot be known. */
export function invalidOffsetLag(p: LagViewPartition, settings: LagSettings): number | null {
  if (settings.scaleToZeroOnInvalidOffset) return 0
  // latest: 1 keeps one consumer alive so it can join the group and commit (KEDA).
  if (settings.offsetResetPolicy === 'latest') return 1
  return p.retainedRecords === null ? null : Math.max(0, p.retainedRecords)
}

export interface MeasuredLag {
  figures: LagFigures
  /** Commit marks to remember (only kept with excludePersistentLag). */
  commits: Record<string, CommitMark>
  /**
   * Every partition had a committed offset, lag and no stuck consumer: all consumers had work throughout
   * (if the previous sample said the same). Only such intervals teach the per-replica throughput.
   */
  busy: boolean
}

export function measureLag(
  partitions: LagViewPartition[],
  settings: LagSettings,
  previousCommits: Record<string, CommitMark>,
  now: number,
): MeasuredLag {
  const commits: Record<string, CommitMark> = {}
  const figures: LagFigures = {
    totalLag: 0,
    activationLag: 0,
    partitions: partitions.length,
    partitionsWithLag: 0,
    unknownPartitions: 0,
    persistentPartitions: 0,
  }
  let busy = partitions.length > 0
  const stuckAfterMs = settings.persistentLagSeconds * 1000
  for (const p of partitions) {
    let value: PartitionLagValue | null
    if (p.committedOffset === null) {
      busy = false
      const v = invalidOffsetLag(p, settings)
      value = v === null ? null : { lag: v, lagWithPersistent: v, persistent: false }
    } else if (p.lag === null) {
      value = null
    } else {
      const lag = Math.max(0, p.lag)
      let persistent = false
      if (settings.excludePersistentLag) {
        const k = partitionKey(p.topic, p.partition)
        const mark = previousCommits[k]
        const since = mark !== undefined && mark.offset === p.committedOffset ? mark.since : now
        commits[k] = { offset: p.committedOffset, since }
        // Seen unchanged on an earlier evaluation, for at least persistentLagSeconds.
        persistent = lag > 0 && since < now && now - since >= stuckAfterMs
      }
      if (lag === 0 || persistent) busy = false
      value = { lag: persistent ? 0 : lag, lagWithPersistent: lag, persistent }
    }
    if (value === null) {
      figures.unknownPartitions++
      busy = false
      continue
    }
    figures.totalLag += value.lag
    figures.activationLag += value.lagWithPersistent
    if (value.lag > 0) figures.partitionsWithLag++
    if (value.persistent) figures.persistentPartitions++
  }
  return { figures, commits, busy }
}
