// The health watch: Autopilot's own eye on a Kafka cluster, independent of Prometheus. It polls the cluster
// metadata, times what is wrong with the pure analyzer (src/analyzer/health) and hands the alerts that change
// (firing after the for-duration, resolved when cleared) to the caller, who feeds them to the self-healing
// runner (AlertRunner.ingest) so the same rules, dedupe, cooldowns and journal apply as to webhook alerts.
//
// A failed read is not "everything is offline": it is reported to onError and the state is kept as it was
// (no alert fires or resolves on a read that did not happen). Polls never overlap; stop() awaits the one in
// flight.
import type { Alert } from '../analyzer/actions/types.ts'
import {
  type ConditionState,
  emptyHealthState,
  evaluateHealth,
  type HealthCondition,
  type HealthSnapshot,
  type HealthState,
} from '../analyzer/health/index.ts'
import { describeCause } from '../errors.ts'
import type { ClusterDescription, ClusterMetadata, KafkaAdminPort } from '../kafka/port.ts'

/**
 * What the watch reads: the metadata; when the port offers them, ongoing reassignments (replicas being added
 * are not under-replication) and the registered brokers with their fencing state (BrokerFenced).
 */
export type HealthWatchAdmin = Pick<KafkaAdminPort, 'metadata'> &
  Partial<Pick<KafkaAdminPort, 'listPartitionReassignments' | 'describeCluster'>>

export interface HealthWatchOptions {
  /** The cluster's name: the `cluster` label of the alerts (rules and per-cluster limits key on it). */
  cluster: string
  admin: HealthWatchAdmin
  /** Between the end of one poll and the start of the next. */
  intervalMs: number
  /** How long a condition must hold before it fires (Prometheus' `for:`). */
  forMs: number
  /** A still-firing alert is handed over again after this long (0 or absent: transitions only). */
  repeatMs?: number
  /** `command` annotation per condition (e.g. UnderReplicatedPartitions: upScale); none by default. */
  actions?: Partial<Record<HealthCondition, string>>
  now?: () => number
  /**
   * Called once, after the first successful read, with the conditions that hold (before onAlerts): the moment
   * to resolve what an earlier run left firing and is not seen any more.
   */
  onFirstRead?(active: ConditionState[]): void | Promise<void>
  /** Called with the alerts of one poll, only when there are some. Awaited before the next poll. */
  onAlerts(alerts: Alert[]): void | Promise<void>
  /**
   * A poll that could not read the cluster, or an onAlerts that threw (consecutiveFailures 0). It counts the reads
   * failed in a row (1 on the first), so a caller can journal the start of an outage and not every poll.
   */
  onError?(error: unknown, info: { consecutiveFailures: number }): void
  /** The first successful read after `failures` failed ones. */
  onRecovered?(failures: number): void
}

export interface HealthWatchStatus {
  cluster: string
  /** Time of the last successful read (ms), null before the first one. */
  at: number | null
  /** The last read's failure, null when it succeeded. */
  error: string | null
  /** Conditions holding now: pending (firingAt null) or firing. */
  conditions: ConditionState[]
}

export interface HealthWatch {
  /** Starts polling (the first poll at once). Idempotent. */
  start(): void
  /** Stops polling and waits for the poll in flight. */
  stop(): Promise<void>
  /** One poll now (tests, `autopilot` commands); waits for a running one instead of overlapping it. */
  poll(): Promise<void>
  latest(): HealthWatchStatus
}

export function snapshotOf(
  metadata: ClusterMetadata,
  reassignments: Array<{ topic: string; partition: number; addingReplicas: number[] }> = [],
  description?: ClusterDescription,
): HealthSnapshot {
  const adding = new Map(reassignments.map((r) => [`${r.topic}\u0000${r.partition}`, r.addingReplicas]))
  const knowsFencing = description?.brokers.some((b) => b.fenced !== null) ?? false
  return {
    brokers: metadata.brokers.map((b) => b.id),
    fencedBrokers: knowsFencing
      ? description!.brokers.filter((b) => b.fenced === true).map((b) => b.id)
      : undefined,
    partitions: metadata.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
        addingReplicas: adding.get(`${t.name}\u0000${p.partition}`),
      })),
    ),
  }
}

/**
 * Creates a health watch for one Kafka cluster (one per cluster; the daemon wires them). Nothing runs until
 * start(). The alerts carry labels alertname (UnderReplicatedPartitions, OfflinePartitions, BrokerOffline,
 * BrokerFenced), cluster, source=autopilot, severity and broker (per-broker conditions), and a stable
 * fingerprint per cluster and condition.
 */
export function createHealthWatch(options: HealthWatchOptions): HealthWatch {
  const now = options.now ?? Date.now
  let state: HealthState = emptyHealthState()
  let status: HealthWatchStatus = { cluster: options.cluster, at: null, error: null, conditions: [] }
  let running = false
  let timer: NodeJS.Timeout | null = null
  let inFlight: Promise<void> | null = null

  let failures = 0
  let firstRead = true
  const report = (error: unknown) => {
    try {
      options.onError?.(error, { consecutiveFailures: failures })
    } catch {
      // an error reporter that throws must not stop the watch
    }
  }

  async function once(): Promise<void> {
    let snapshot: HealthSnapshot
    try {
      const [metadata, reassignments, description] = await Promise.all([
        options.admin.metadata(),
        options.admin.listPartitionReassignments?.() ?? Promise.resolve([]),
        options.admin.describeCluster?.(),
      ])
      snapshot = snapshotOf(metadata, reassignments, description)
    } catch (error) {
      failures++
      status = { ...status, error: describeCause(error) }
      report(error)
      return
    }
    if (failures > 0) {
      const failed = failures
      failures = 0
      try {
        options.onRecovered?.(failed)
      } catch {
        // as above
      }
    }
    const at = now()
    const result = evaluateHealth(snapshot, state, at, {
      cluster: options.cluster,
      forMs: options.forMs,
      repeatMs: options.repeatMs,
      actions: options.actions,
    })
    state = result.state
    status = { cluster: options.cluster, at, error: null, conditions: result.active }
    if (firstRead) {
      firstRead = false
      try {
        await options.onFirstRead?.(result.active)
      } catch (error) {
        report(error)
      }
    }
    if (result.alerts.length === 0) return
    try {
      await options.onAlerts(result.alerts)
    } catch (error) {
      report(error)
    }
  }

  function poll(): Promise<void> {
    inFlight ??= once().finally(() => {
      inFlight = null
    })
    return inFlight
  }

  function schedule(delayMs: number) {
    if (!running) return
    timer = setTimeout(() => {
      timer = null
      void poll().finally(() => schedule(options.intervalMs))
    }, delayMs)
  }

  return {
    start() {
      if (running) return
      running = true
      schedule(0)
    },
    async stop() {
      running = false
      if (timer !== null) clearTimeout(timer)
      timer = null
      await inFlight
    },
    poll,
    latest: () => status,
  }
}
