// Public types of the broker operations (issue 4, "Broker actions"): what an operation needs (a context with
// the cluster's admin port and broker backend) and what it answers. The CLI, the alert handlers and the
// scenario tests all go through these.
import type { JournalEntryInput } from '../../journal/journal.ts'
import type { KafkaAdminPort } from '../../kafka/port.ts'
import type { BrokerBackend, DiskSpec } from '../brokers/backend.ts'

/** Limits of the data movement (the reassignment executor's options). */
export interface ReassignmentSettings {
  /** Replication throttle per involved broker, bytes/s (executor default 10 MiB/s); null moves unthrottled. */
  throttleBytesPerSec?: number | null
  /** Copy moves at once per broker (executor default 5). */
  maxMovesPerBroker?: number
  /** Moves in flight at once in the cluster (executor default 50). */
  maxMoves?: number
  /** The whole data movement, ms (executor default 6 h); in-flight moves are reverted when it passes. */
  timeoutMs?: number
  /** How often Kafka is asked for progress, ms (executor default 2000). */
  pollIntervalMs?: number
}

/** Bounded waits of the operations themselves (not the data movement). */
export interface OperationWaits {
  /** New brokers appear in the metadata (default 180 s). */
  brokerJoinMs?: number
  /** A stalled broker (out of every ISR, still registered) is fenced by the controller (default 30 s). */
  fenceMs?: number
  /** After the moves: no under-replicated partition left (default 120 s). */
  verifyMs?: number
  /** Metadata polling interval of these waits (default 1000 ms). */
  pollMs?: number
  /**
   * How long a retryable Kafka read (and the start of a reassignment) is retried, ms (default 60 s): a frozen
   * active controller stalls forwarded requests for controller.socket.timeout.ms. 0 tries once.
   */
  kafkaRetryMs?: number
}

export interface BrokerOpsContext {
  /** The cluster's name in the config (`clusters.<name>`), for messages and the journal. */
  cluster: string
  admin: KafkaAdminPort
  backend: BrokerBackend
  reassignment?: ReassignmentSettings
  waits?: OperationWaits
  /** scaleIn refuses to go below this many brokers (alerts.minBrokers). */
  minBrokers?: number
  /** A line for a human while the operation runs (the action's `progress` step). */
  progress?: (message: string) => void
  /** Every step, the executor's events included (toJournalEntry). Must not throw. */
  journal?: (entry: JournalEntryInput) => void
  /** Aborting stops waiting; a data movement in flight is reverted and its throttles cleared. */
  signal?: AbortSignal
  now?: () => number
}

/**
 * Refusals and bad input throw an AutopilotError before anything changed (AP_ERR_UNSAFE, AP_ERR_INPUT,
 * AP_ERR_CONFIG for an operation the backend does not support, AP_ERR_CONFLICT when a reassignment already
 * runs). Once the cluster was touched, a failed step is answered with `ok: false` and `details.step`,
 * `details.left` saying what the cluster was left with.
 */
export interface OperationResult {
  ok: boolean
  /** One line for a human. */
  message: string
  /** Added (scaleOut), drained and removed (scaleIn) or the broker given a disk (addDisk, resizeDisk). */
  brokers: number[]
  /** Replica additions planned (dry run) or submitted. */
  moves: number
  dryRun: boolean
  details?: Record<string, unknown>
}

export interface ScaleOutOptions {
  /** Brokers to add (default 1). */
  count?: number
  dryRun: boolean
}

export interface ScaleInOptions {
  /** Brokers to drain and remove; default: the least loaded removable broker. */
  brokerIds?: number[]
  dryRun: boolean
}

export interface AddDiskOptions {
  brokerId: number
  disk: DiskSpec
  /** Move replicas onto the new disk afterwards (backend rebalance between log dirs). Default false. */
  rebalance?: boolean
  dryRun: boolean
}

export interface ResizeDiskOptions {
  brokerId: number
  /** New size (`200Gi`) or growth (`incrementBy: 50Gi`): exactly one. */
  size?: string
  incrementBy?: string
  mountPath?: string
  dryRun: boolean
}
