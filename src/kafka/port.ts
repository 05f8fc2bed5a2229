// The project-owned port over the Kafka protocol. Everything above src/kafka/ talks to Kafka only through
// these interfaces and plain data; raw protocol calls (and @platformatic/kafka itself) stay in this folder.
//
// Offsets are plain numbers: they are exact up to 2^53 (9e15 records in one partition), which no real log
// reaches, and plain numbers keep every snapshot JSON-serialisable and the analyzer free of bigint.
import type { AutopilotError } from '../errors.ts'

export interface BrokerNode {
  id: number
  host: string
  port: number
  rack: string | null
}

export interface PartitionMetadata {
  partition: number
  /** -1 when the partition has no leader. */
  leader: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
}

export interface TopicMetadata {
  name: string
  id: string
  internal: boolean
  partitions: PartitionMetadata[]
}

export interface ClusterMetadata {
  clusterId: string
  controllerId: number
  brokers: BrokerNode[]
  topics: TopicMetadata[]
}

/** DescribeCluster: the registered brokers; `fenced` is null when the cluster cannot say (before Kafka 4.0). */
export interface ClusterDescription {
  clusterId: string
  controllerId: number
  brokers: Array<BrokerNode & { fenced: boolean | null }>
}

export interface TopicPartition {
  topic: string
  partition: number
}

export type GroupState =
  | 'Stable'
  | 'Empty'
  | 'PreparingRebalance'
  | 'CompletingRebalance'
  | 'Assigning'
  | 'Reconciling'
  | 'Dead'
  | 'Unknown'

export interface GroupListing {
  groupId: string
  state: GroupState
  /** 'classic' or 'consumer' (KIP-848) where the broker says; protocolType is 'consumer' for consumer groups. */
  type: string
  protocolType: string
}

export interface GroupMemberDescription {
  memberId: string
  clientId: string
  host: string
  assignment: TopicPartition[]
}

export interface GroupDescription {
  groupId: string
  state: GroupState
  protocolType: string
  members: GroupMemberDescription[]
  coordinator: number
  /** 'classic' or 'consumer' (KIP-848, described with ConsumerGroupDescribe). Added by the implementation. */
  type?: string
  /** Set when the group could not be described (coordinator error); state is then 'Unknown'. */
  error?: string | null
}

/** A committed offset of -1 means the group has no commit for that partition. */
export interface CommittedOffset extends TopicPartition {
  offset: number
  leaderEpoch: number
  metadata: string | null
  /** Present only when the coordinator returned an error for this partition (e.g. UNSTABLE_OFFSET_COMMIT). */
  error?: string
}

export interface GroupOffsets {
  groupId: string
  /** Set when the whole group could not be read (e.g. coordinator error); offsets is then empty. */
  error: string | null
  offsets: CommittedOffset[]
}

export interface PartitionOffsets extends TopicPartition {
  /** -1 when not asked for (see OffsetKind) or when the partition failed. */
  logStartOffset: number
  /** High watermark (read_uncommitted end); -1 when not asked for or failed. */
  logEndOffset: number
  /**
   * Last stable offset (read_committed end); equals logEndOffset when no transaction is open. -1 when not asked
   * for or failed.
   */
  lastStableOffset: number
  /** Set when this partition could not be read (no leader, leader unreachable); offsets are then -1. */
  error: string | null
}

/**
 * Which offsets partitionOffsets reads; each kind costs one ListOffsets per leader (a partition may appear only
 * once per request, and isolation is per request): 'earliest' → log start, 'latest' → high watermark,
 * 'stable' → last stable offset.
 */
export type OffsetKind = 'earliest' | 'latest' | 'stable'

export interface PartitionOffsetsOptions {
  /** Default: all three. Offsets of kinds not asked for are -1 (with error null). */
  kinds?: readonly OffsetKind[]
}

/** What the record at a given offset looks like, as far as lag-in-time needs it. */
export interface RecordProbe extends TopicPartition {
  /** The offset asked for. */
  offset: number
  /** Timestamp (ms) of the first data record at or after `offset`, or null when none exists below the end. */
  timestamp: number | null
  /** Offset of that first data record, or null. Control records (transaction markers) are skipped. */
  firstDataOffset: number | null
  error: string | null
  /** Partition marks from the same Fetch answer (absent when the partition could not be read). */
  highWatermark?: number
  lastStableOffset?: number
  logStartOffset?: number
}

export interface LogDirDescription {
  broker: number
  /** '' when the broker could not be asked (error is then set). */
  logDir: string
  error: string | null
  partitions: Array<TopicPartition & { size: number; offsetLag?: number; isFuture?: boolean }>
  totalBytes?: number
  usableBytes?: number
}

/** Move one replica to another log dir of the broker that holds it (the dir's absolute path on that broker). */
export interface ReplicaLogDirMove extends TopicPartition {
  broker: number
  logDir: string
}

export interface ReplicaLogDirResult extends ReplicaLogDirMove {
  /** Kafka error name (LOG_DIR_NOT_FOUND, REPLICA_NOT_AVAILABLE, …) or why the broker could not be asked. */
  error: string | null
}

/** Outcome of a preferred-leader election for one partition; 'not-needed' is not an error. */
export type ElectionOutcome = 'elected' | 'not-needed' | 'failed'

/** Counts of requests sent, by API name, so benchmarks and tests can check request budgets. */
export type RequestCounts = Record<string, number>

export interface KafkaAdminPort {
  metadata(options?: { topics?: string[] }): Promise<ClusterMetadata>
  /**
   * Registered brokers, fenced ones included where the cluster reports them (DescribeCluster v2). Always there
   * in createAdminPort; optional so that test fakes of the other calls need not implement it.
   */
  describeCluster?(): Promise<ClusterDescription>
  listGroups(): Promise<GroupListing[]>
  describeGroups(groupIds: string[]): Promise<GroupDescription[]>
  /** Committed offsets for many groups: one OffsetFetch per group coordinator (KIP-709 multi-group form). */
  committedOffsets(groups: Array<{ groupId: string; topics?: string[] }>): Promise<GroupOffsets[]>
  /**
   * Log-start, high-watermark and last-stable offsets (or only the kinds asked for), batched: one ListOffsets per
   * leader and kind, sent together.
   */
  partitionOffsets(
    partitions: TopicPartition[],
    options?: PartitionOffsetsOptions,
  ): Promise<PartitionOffsets[]>
  /** Timestamp of the first data record at each given offset, batched into one Fetch per leader. */
  probeRecords(positions: Array<TopicPartition & { offset: number }>): Promise<RecordProbe[]>
  createTopic(options: {
    topic: string
    partitions: number
    replicationFactor: number
    configs?: Record<string, string>
    /**
     * Explicit placement: `replicas[p]` are the broker ids of partition p, the first one its preferred leader
     * (one entry per partition, replicationFactor ids each). Without it the controller places the replicas.
     */
    replicas?: number[][]
  }): Promise<void>
  deleteTopics(topics: string[]): Promise<void>
  createPartitions(topic: string, totalCount: number): Promise<void>
  /** Commits offsets on behalf of a group with no active members (like kafka-consumer-groups --reset-offsets). */
  alterGroupOffsets(groupId: string, offsets: Array<TopicPartition & { offset: number }>): Promise<void>
  deleteGroups(groupIds: string[]): Promise<void>
  describeConfigs(
    resources: Array<{ type: 'broker' | 'topic'; name: string; keys?: string[] }>,
  ): Promise<Array<{ type: 'broker' | 'topic'; name: string; configs: Record<string, string | null> }>>
  incrementalAlterConfigs(
    resources: Array<{
      type: 'broker' | 'topic'
      name: string
      set?: Record<string, string>
      delete?: string[]
    }>,
  ): Promise<void>
  alterPartitionReassignments(
    moves: Array<TopicPartition & { replicas: number[] | null }>,
  ): Promise<Array<TopicPartition & { error: string | null }>>
  listPartitionReassignments(): Promise<
    Array<TopicPartition & { replicas: number[]; addingReplicas: number[]; removingReplicas: number[] }>
  >
  describeLogDirs(brokerIds?: number[]): Promise<LogDirDescription[]>
  /**
   * AlterReplicaLogDirs, sent to each replica's broker. Accepted moves copy in the background (DescribeLogDirs
   * shows a future replica until the swap); the answer is per move, never thrown for one bad move.
   */
  alterReplicaLogDirs(moves: ReplicaLogDirMove[]): Promise<ReplicaLogDirResult[]>
  /** Without partitions: every partition whose preferred replica is not the leader. */
  electPreferredLeaders(
    partitions?: TopicPartition[],
  ): Promise<Array<TopicPartition & { error: string | null; outcome?: ElectionOutcome }>>
  unregisterBroker(brokerId: number): Promise<void>
  /** Requests sent since this port was created, by API name. */
  requestCounts(): RequestCounts
  close(): Promise<void>
}

export interface ProducedRecord {
  topic: string
  key?: string
  value: string
  partition?: number
  timestamp?: number
  headers?: Record<string, string>
}

export interface KafkaProducerPort {
  send(records: ProducedRecord[]): Promise<void>
  /** Transactional send: the records are committed (or aborted) as one transaction. */
  sendTransaction(records: ProducedRecord[], outcome: 'commit' | 'abort'): Promise<void>
  close(): Promise<void>
}

export interface ConsumedRecord {
  topic: string
  partition: number
  offset: number
  key: string | null
  value: string
  timestamp: number
  headers: Record<string, string>
}

export interface KafkaConsumerPort {
  /** Resolves when the consumer has joined its group and received an assignment (or the signal aborts). */
  start(handler: (record: ConsumedRecord) => Promise<void> | void): Promise<void>
  /** Commits what was handled so far and leaves the group. */
  close(): Promise<void>
}

export interface ConnectionOptions {
  bootstrapServers: string[]
  clientId?: string
  /** Request timeout, ms (default 15000; 10000 for the producer and consumer ports). */
  timeoutMs?: number
  /** TCP connect timeout per attempt, ms (default 3000; 3 attempts, so a dead bootstrap fails in ~10 s). */
  connectTimeoutMs?: number
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string }
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean } | boolean
}

export interface AdminPortOptions extends ConnectionOptions {
  /** How long partition leaders and topic ids are reused between calls, ms (default 30000; refreshed on errors). */
  metadataMaxAgeMs?: number
  /** How long group coordinators are reused, ms (default 300000; refreshed on NOT_COORDINATOR). */
  coordinatorMaxAgeMs?: number
  /** Bytes read per partition by probeRecords in the first round (default 8192). */
  probeMaxBytes?: number
}

/**
 * Retry of the producer and consumer ports. Their request timeout (`timeoutMs`) defaults to 10 s: a request to a
 * frozen broker is given up on after that, the metadata refreshed and the request retried with backoff.
 */
export interface RetryOptions {
  /**
   * How long a send is retried on transient failures (timeouts, leader moves, too few in-sync replicas), ms
   * (default 60000); the send rejects only after that, so a record is never dropped silently. For a consumer,
   * how long a fetch stream that broke on such failures is restarted before onFailure is called.
   */
  retryTimeoutMs?: number
  /** First backoff between retries, ms (default 250); doubles per retry up to retryBackoffMaxMs (default 2000). */
  retryBackoffMs?: number
  retryBackoffMaxMs?: number
}

export interface ProducerPortOptions extends ConnectionOptions, RetryOptions {
  /** Set for sendTransaction; a random id is used when omitted. */
  transactionalId?: string
  acks?: 0 | 1 | -1
  compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
}

export interface ConsumerPortOptions extends ConnectionOptions, RetryOptions {
  groupId: string
  topics: string[]
  /** Start from the earliest offset when the group has no commit (default: latest). */
  fromBeginning?: boolean
  /** Auto-commit interval, ms; false commits only on close (default 1000). */
  autocommitIntervalMs?: number | false
  /** 'classic' (default) or 'consumer' (KIP-848). */
  groupProtocol?: 'classic' | 'consumer'
  /**
   * Bound on start(), ms (default 30000): joining the group (retried while a fresh cluster's coordinator loads)
   * and waiting for the first assignment.
   */
  joinTimeoutMs?: number
  /** Read only committed transactional records (default true). */
  readCommitted?: boolean
  /**
   * Called once if the consumer dies after start(): the client emitted an error (e.g. it gave up rejoining the
   * group on a closed connection), or its fetch stream failed for good (an error that is not transient, or it
   * could not be reopened within retryTimeoutMs). It reads nothing more; the caller should close it and start a
   * new one.
   */
  onFailure?: (error: AutopilotError) => void
}
