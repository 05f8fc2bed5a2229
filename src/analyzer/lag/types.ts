// Plain data for consumer lag: what the monitor reads from Kafka (inputs) and the snapshot the pure lag
// maths builds from it. Everything here is JSON-serialisable so a snapshot can be printed, stored or diffed.
import type {
  CommittedOffset,
  GroupMemberDescription,
  GroupState,
  PartitionOffsets,
  RecordProbe,
} from '../../kafka/port.ts'

/** What a consumer does when it has no committed offset (its `auto.offset.reset`). */
export type OffsetResetPolicy = 'earliest' | 'latest'

/** One group as read from Kafka in one poll. */
export interface GroupInput {
  groupId: string
  state: GroupState
  /** 'classic' or 'consumer' (KIP-848), as the broker lists it. */
  type: string
  members: GroupMemberDescription[]
  /** Committed offsets (OffsetFetch answer); -1 means no commit for that partition. */
  committed: CommittedOffset[]
  /** Set when the group's offsets could not be read (coordinator error). */
  error: string | null
}

/** Everything one poll read from Kafka, before probing record timestamps. */
export interface LagInputs {
  groups: GroupInput[]
  /** Partition ids of every topic the groups touch (from Metadata). */
  topics: Array<{ topic: string; partitions: number[] }>
  /** Log-start / high-watermark / last-stable offsets of those partitions. */
  offsets: PartitionOffsets[]
  policy: OffsetResetPolicy
  /** Restrict every group to these topics (empty or absent: every topic the group commits to or is assigned). */
  topicFilter?: string[]
}

export type PartitionFlag =
  /** The group has no committed offset here; its position follows the offset-reset policy. */
  | 'no-commit'
  /** Retention deleted records the group never read; the position is clamped to the log start. */
  | 'below-log-start'
  /** The committed offset is past the log end (truncated or recreated topic); lag is 0. */
  | 'above-log-end'
  /** Only transaction markers (control records) lie between the position and the log end; lag is 0. */
  | 'markers-only'
  /** The partition's offsets could not be read (no leader, leader unreachable); lag is unknown. */
  | 'offsets-unavailable'
  /** A transaction is open: the last stable offset is below the high watermark. */
  | 'open-transaction'
  /** The record probe failed; lag in seconds comes from the fallback (or is unknown). */
  | 'probe-failed'

/**
 * Where lagSeconds came from:
 * - caught-up: lag is 0, so 0 s;
 * - probe: now − timestamp of the first unconsumed data record (fetched this poll or cached from an earlier one);
 * - interpolated: estimated from earlier log-end samples (probe failed);
 * - lower-bound: the position is older than every log-end sample; the value is the age of the oldest sample,
 *   so the truth is at least this;
 * - unknown: no way to tell (lagSeconds is null).
 */
export type LagSecondsSource = 'caught-up' | 'probe' | 'interpolated' | 'lower-bound' | 'unknown'

export interface PartitionMember {
  memberId: string
  clientId: string
  host: string
}

export interface PartitionLag {
  partition: number
  /** The group's committed offset, or null when it has none. */
  committedOffset: number | null
  logStartOffset: number | null
  /** High watermark (what read_uncommitted consumers can see). */
  logEndOffset: number | null
  lastStableOffset: number | null
  /** Records still to consume (never negative); null when the partition's offsets are unavailable. */
  lag: number | null
  /** Seconds the group's position is behind: age of the first unconsumed data record. Null when unknown. */
  lagSeconds: number | null
  lagSecondsSource: LagSecondsSource
  /** Offsets deleted by retention before the group read them (committed offset below log start). */
  recordsLost: number
  /** Records/s appended to this partition since the previous poll; null on the first poll. */
  productionRate: number | null
  /** Records/s the group's committed offset advanced since the previous poll; null when unknown. */
  consumptionRate: number | null
  flags: PartitionFlag[]
  /** The member the partition is assigned to, if any. */
  member: PartitionMember | null
  error: string | null
}

export interface TopicLag {
  topic: string
  lag: number
  maxLagSeconds: number | null
  productionRate: number | null
  consumptionRate: number | null
  partitions: PartitionLag[]
}

export interface GroupLag {
  group: string
  state: GroupState
  type: string
  members: number
  /** Sum of the known partition lags. */
  totalLag: number
  /** Largest known partition lagSeconds; null when none is known. */
  maxLagSeconds: number | null
  productionRate: number | null
  consumptionRate: number | null
  /** Partitions whose lag is unknown (offsets unavailable); they are not in totalLag. */
  unavailablePartitions: number
  topics: TopicLag[]
  error: string | null
}

/** Log offsets of one partition as seen in one poll, with a short history of log-end samples. */
export interface PartitionLog {
  topic: string
  partition: number
  logStartOffset: number | null
  logEndOffset: number | null
  lastStableOffset: number | null
  productionRate: number | null
  error: string | null
  /** (log-end offset, time ms) samples, oldest first, for the interpolation fallback. */
  history: EndOffsetSample[]
}

export interface EndOffsetSample {
  offset: number
  time: number
}

export interface LagSnapshot {
  /** Time (ms since epoch) the snapshot stands for. */
  at: number
  policy: OffsetResetPolicy
  groups: GroupLag[]
  partitions: PartitionLog[]
  /** Successful record probes used by this snapshot, reused by the next one while positions stay put. */
  probes: RecordProbe[]
}

/** A position whose first data record's timestamp is needed. */
export interface ProbePosition {
  topic: string
  partition: number
  offset: number
}
