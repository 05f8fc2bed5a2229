// Restart recovery: when the daemon starts, each configured Kafka cluster (`clusters:`) is asked what
// reassignment work it still holds — ongoing reassignments and replication throttle keys, read from Kafka itself,
// not from our memory or journal (src/executor/reassignment/recover.ts) — and that work is finished (mode
// 'complete': the reassignments run to the end, then the throttles are cleared) or cleaned up (mode 'cancel', or
// when the run times out or the daemon stops: the moves are reverted and the throttles cleared). Every step is
// journaled: what was found, each executor event, and how it ended. A cluster that cannot be reached is retried
// with a bounded backoff; recovery never throws into the daemon.
import { AutopilotError, describeCause } from '../errors.ts'
import { type RecoverOptions, recover, toJournalEntry } from '../executor/reassignment/index.ts'
import type { ExecutionResult } from '../executor/reassignment/types.ts'
import type { Journal } from '../journal/journal.ts'
import { retryWithBackoff } from '../kafka/backoff.ts'
import type { AdminPortOptions, KafkaAdminPort } from '../kafka/port.ts'
import type { DaemonClock } from './clock.ts'

/** The `scaler` column of recovery entries, so `autopilot decisions --scaler recovery` lists them. */
export const RECOVERY_SCALER = 'recovery'
/** How long a started recovery may run before its remaining moves are reverted (default 1 h). */
const DEFAULT_TIMEOUT_MS = 3_600_000
/** Attempts to reach a cluster before recovery gives up on it (journaled). */
const ATTEMPTS = 6
/** Longest pause between two attempts to reach a cluster, ms. */
const MAX_RETRY_MS = 30_000
/** How long stop() waits for a recovery to revert and clear its throttles. */
const STOP_MS = 30_000

export interface RecoveryCluster {
  name: string
  bootstrapServers: string[]
  /** The cluster's `reassignment.timeoutSeconds`, in ms: how long the recovery may run before it reverts. */
  timeoutMs?: number
}

export interface RecoveryDeps {
  journal: Pick<Journal, 'append'>
  openAdminPort: (options: AdminPortOptions) => KafkaAdminPort | Promise<KafkaAdminPort>
  clock: Pick<DaemonClock, 'now' | 'sleep'>
  log?: (line: string) => void
  mode?: 'complete' | 'cancel'
  timeoutMs?: number
  pollIntervalMs?: number
  /** First retry delay when a cluster cannot be reached, ms (default 2000, doubled each time, at most 30 s). */
  retryMs?: number
  /** Read-back of the cleared throttles, ms (executor default 10000). */
  readBackMs?: number
}

export interface ClusterRecovery {
  cluster: string
  /** nothing: Kafka held no work; recovered: work found and handled (see result); unreachable: gave up. */
  status: 'nothing' | 'recovered' | 'unreachable' | 'stopped'
  result: ExecutionResult | null
}

export interface RecoveryHandle {
  /** Resolves when every cluster's recovery has ended; never rejects. */
  readonly done: Promise<ClusterRecovery[]>
  /** Each cluster's own end, by cluster name (the broker actions of a cluster wait for its recovery). */
  readonly clusters: ReadonlyMap<string, Promise<ClusterRecovery>>
  /** Aborts: a recovery still running reverts its moves and clears its throttles (bounded wait). */
  stop(): Promise<void>
}

/** The clusters of the config's `clusters:` section (name → bootstrapServers), in the config's order. */
export function recoveryClusters(config: unknown): RecoveryCluster[] {
  type Entry = { bootstrapServers?: unknown; reassignment?: { timeoutSeconds?: unknown } }
  const clusters = (config as { clusters?: Record<string, Entry> }).clusters
  if (!clusters) return []
  return Object.entries(clusters).flatMap(([name, c]) => {
    const raw = c?.bootstrapServers
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : []
    const servers = list.map((s) => String(s).trim()).filter((s) => s.length > 0)
    const seconds = c?.reassignment?.timeoutSeconds
    const timeout = typeof seconds === 'number' && seconds > 0 ? { timeoutMs: seconds * 1000 } : {}
    return servers.length > 0 ? [{ name, bootstrapServers: servers, ...timeout }] : []
  })
}

export function startRecovery(clusters: RecoveryCluster[], deps: RecoveryDeps): RecoveryHandle {
  const abort = new AbortController()
  const each = new Map(clusters.map((c) => [c.name, recoverCluster(c, deps, abort.signal)]))
  const done = Promise.all(each.values())
  return {
    done,
    clusters: each,
    async stop() {
      abort.abort(new Error('autopilot is stopping'))
      // The bound's timer is cancelled once recovery ended: a pending timer would hold the process open.
      const bound = new AbortController()
      await Promise.race([done, deps.clock.sleep(STOP_MS, bound.signal)])
      bound.abort()
    },
  }
}

async function recoverCluster(
  cluster: RecoveryCluster,
  deps: RecoveryDeps,
  signal: AbortSignal,
): Promise<ClusterRecovery> {
  const { journal, clock } = deps
  const append = (reason: string, message: string, inputs: unknown, outcome: string | null = null) => {
    try {
      journal.append({
        at: clock.now(),
        kind: 'event',
        scaler: RECOVERY_SCALER,
        target: `cluster ${cluster.name}`,
        reason,
        message: `cluster ${cluster.name}: ${message}`,
        inputs,
        outcome,
      })
    } catch (err) {
      deps.log?.(`recovery journal: ${describeCause(err)}`)
    }
  }
  let port = null as KafkaAdminPort | null
  // The attempt a failure belongs to, for the journal.
  let attempt = 0
  const once = async (n: number): Promise<ClusterRecovery> => {
    attempt = n
    if (signal.aborted) return { cluster: cluster.name, status: 'stopped', result: null }
    port ??= await deps.openAdminPort({ bootstrapServers: cluster.bootstrapServers })
    const options: RecoverOptions = {
      mode: deps.mode ?? 'complete',
      timeoutMs: cluster.timeoutMs ?? deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal,
      executionId: `recover-${cluster.name}-${clock.now().toString(36)}`,
      journal: (event) => {
        try {
          journal.append({ ...toJournalEntry(event, RECOVERY_SCALER), target: `cluster ${cluster.name}` })
        } catch (err) {
          deps.log?.(`recovery journal: ${describeCause(err)}`)
        }
      },
      clock,
      ...(deps.pollIntervalMs ? { pollIntervalMs: deps.pollIntervalMs } : {}),
      ...(deps.readBackMs !== undefined ? { readBackMs: deps.readBackMs } : {}),
    }
    const recovery = await recover(port, options)
    const found = {
      reassignments: recovery.found.reassignments.map((r) => ({
        topic: r.topic,
        partition: r.partition,
        replicas: r.replicas,
      })),
      throttles: {
        brokers: recovery.found.throttles.brokers.map((b) => b.id),
        topics: recovery.found.throttles.topics.map((t) => t.name),
      },
    }
    if (recovery.execution === null) {
      append('RecoveryNothingFound', 'no reassignment in flight and no throttle left', found)
      return { cluster: cluster.name, status: 'nothing', result: null }
    }
    append(
      'RecoveryStarted',
      `${found.reassignments.length} reassignments in flight, throttles on ` +
        `${found.throttles.brokers.length} brokers and ${found.throttles.topics.length} topics: ` +
        `${options.mode === 'cancel' ? 'reverting' : 'finishing'} them`,
      { ...found, executionId: recovery.execution.id, mode: options.mode },
    )
    deps.log?.(`recovery: cluster ${cluster.name}: in-flight work found, ${options.mode}`)
    const result = await recovery.execution.done
    const cleared = result.throttles.cleared || !result.throttles.set
    append(
      result.state === 'completed' && cleared ? 'RecoveryCompleted' : 'RecoveryEnded',
      `${result.state}${result.outcome ? ` (${result.outcome})` : ''}, throttles ${cleared ? 'cleared' : 'NOT cleared'}`,
      {
        executionId: result.executionId,
        state: result.state,
        outcome: result.outcome,
        error: result.error,
        throttles: result.throttles,
        warnings: result.warnings,
      },
      result.state === 'failed' || !cleared ? 'failed' : 'applied',
    )
    return { cluster: cluster.name, status: 'recovered', result }
  }
  try {
    return await retryWithBackoff(once, {
      firstDelayMs: deps.retryMs ?? 2_000,
      maxDelayMs: MAX_RETRY_MS,
      maxAttempts: ATTEMPTS,
      retryable: (err) => !(err instanceof AutopilotError && err.code === 'AP_ERR_INPUT'),
      onRetry: ({ attempt: n, error, delayMs }) =>
        append('RecoveryRetry', `attempt ${n} failed, retrying in ${delayMs} ms: ${describeCause(error)}`, {
          attempt: n,
        }),
      // Stopping ends the pause at once; the next attempt then answers 'stopped'.
      clock: { now: () => clock.now(), sleep: (ms) => clock.sleep(ms, signal) },
    })
  } catch (err) {
    append('RecoveryFailed', `gave up: ${describeCause(err)}`, { attempt }, 'failed')
    return { cluster: cluster.name, status: 'unreachable', result: null }
  } finally {
    try {
      await port?.close()
    } catch (err) {
      deps.log?.(`recovery: closing the admin connection of ${cluster.name}: ${describeCause(err)}`)
    }
  }
}
