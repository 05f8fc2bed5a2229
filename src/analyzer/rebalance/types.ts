// Public types of the rebalance planner: what goes in (brokers, the current assignment, optional sizes and the
// intent: add, drain, heal, plain rebalance) and what comes out (Kafka's reassignment JSON plus the report).

export interface RebalanceBroker {
  id: number
  /** `broker.rack`; null or absent when the broker has none. */
  rack?: string | null
}

export interface PartitionReplicas {
  topic: string
  partition: number
  /** Broker ids; the first one is the preferred leader. */
  replicas: number[]
  /** Size of the partition in bytes (its largest replica in DescribeLogDirs), when known. */
  bytes?: number
}

export interface RebalanceInput {
  /**
   * Every broker that may hold replicas after the plan, new (empty) ones included, plus the brokers being
   * drained. Offline brokers may be listed or not: replicas may name a broker of `options.offline` either way.
   */
  brokers: RebalanceBroker[]
  partitions: PartitionReplicas[]
}

export interface RebalanceOptions {
  /** Drain: these brokers end with no replica (graceful decommission; their data is still readable). */
  remove?: number[]
  /**
   * Heal: these brokers are offline or fenced. Their replicas move to healthy brokers. A partition with no
   * replica outside this set is left as it is (nothing could copy its data) and warned about.
   */
  offline?: number[]
  /** Destinations filled first by the replicas that must move (a replacement broker when healing). */
  prefer?: number[]
  /** Also even out replica counts beyond what must move (default true). false = only drain/heal/rack fixes. */
  balance?: boolean
  /**
   * Replica moves the plan may spend on leader balance alone, where reordering replicas cannot do it (RF 1
   * partitions lead where they sit). Default: 4% of the plan's other moves. 0 = leaders by reordering only.
   */
  leaderMoveBudget?: number
  /**
   * Keep each partition's replicas on distinct racks (at most ceil(RF / racks) per rack when RF > racks).
   * Default: on when every broker has a rack, off when none has; a mix is an input error unless this is set.
   */
  rackAware?: boolean
}

/** Kafka's reassignment file, as read by `kafka-reassign-partitions --execute` and AlterPartitionReassignments. */
export interface ReassignmentJson {
  version: 1
  partitions: Array<{ topic: string; partition: number; replicas: number[] }>
}

export const CHANGE_REASONS = {
  drain: 'a replica sat on a broker being removed',
  heal: 'a replica sat on an offline broker',
  rack: 'two replicas shared a rack (or one rack held more than its even share)',
  balance: 'moved from a broker above its replica target to one below it',
  leader: 'preferred leader changed to balance leaders (replica order only, no data copied)',
  leaderByMove:
    'replica moved so its new broker can lead it: no reordering could balance leaders (e.g. RF 1)',
} as const

export type ChangeReason = keyof typeof CHANGE_REASONS

export interface PartitionChange {
  topic: string
  partition: number
  before: number[]
  after: number[]
  reasons: ChangeReason[]
}

export const WARNING_CODES = {
  ReplicaBalanceLimitedByRacks:
    'replica counts cannot all be within ±1 of the mean: rack constraints fix how many replicas each rack holds',
  ReplicasNotBalanced: 'no valid move was left to bring every broker within its replica target',
  LeadersNotBalanced: 'reordering replicas could not bring every broker within its leader target',
  PartitionOffline: 'every replica of the partition is on an offline broker: left unchanged, no data to copy',
  SizesPartial: 'some partitions have no size: they count as the mean size of the others',
} as const

export type WarningCode = keyof typeof WARNING_CODES

export interface RebalanceWarning {
  code: WarningCode
  message: string
  details?: Record<string, unknown>
}

/** Inclusive [low, high] target of a count. */
export type Band = [number, number]

export interface BrokerSummary {
  id: number
  rack: string | null
  role: 'kept' | 'removed' | 'offline'
  replicas: { before: number; after: number; target: Band }
  leaders: { before: number; after: number; target: Band }
  /** Only when sizes are known. */
  bytes?: { before: number; after: number }
}

export interface RebalanceReport {
  /** Replica additions: replicas that must be copied to a broker that did not hold them. */
  moves: number
  /** Partitions whose first replica (preferred leader) changes. */
  leaderMoves: number
  /** Bytes copied by the moves, when sizes are known. */
  bytesMoved: number | null
  /** Only the partitions that change (set or order of replicas). */
  plan: ReassignmentJson
  /** The same partitions with their current replicas: submitting it reverts the plan. */
  rollback: ReassignmentJson
  changes: PartitionChange[]
  brokers: BrokerSummary[]
  /** Every kept broker within its replica / leader target after the plan. */
  balanced: { replicas: boolean; leaders: boolean }
  /** See bounds.ts: no plan reaching the targets can do with fewer. */
  lowerBound: { moves: number; leaderMoves: number }
  warnings: RebalanceWarning[]
}
