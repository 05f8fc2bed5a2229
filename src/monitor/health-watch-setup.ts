// The health watch as the daemon runs it, one per Kafka cluster: its alerts go to the self-healing runner
// (AlertRunner.ingest, journaled with source health-watch; at the first read, what an earlier run left firing
// and is gone is resolved) and its read failures to the journal: the first of an outage, then at most one per
// ERROR_EVERY_MS, and the recovery, so a dead cluster does not flood it.
import type { AlertRunner } from '../alerts/runner.ts'
import { healthFingerprint, healthFingerprintPrefix, staleResolved } from '../analyzer/health/index.ts'
import type { HealthWatchConfig } from '../config/alerts.ts'
import { describeCause } from '../errors.ts'
import type { Journal } from '../journal/journal.ts'
import { createHealthWatch, type HealthWatch, type HealthWatchAdmin } from './health-watch.ts'

/** While reads keep failing, one journal entry per this long at most. */
export const ERROR_EVERY_MS = 10 * 60_000

export const HEALTH_WATCH_SOURCE = 'health-watch'

export interface DaemonHealthWatchOptions {
  /** The name rules and actions know the cluster by (the `clusters:` key): the alerts' `cluster` label. */
  cluster: string
  admin: HealthWatchAdmin
  /** `alerts.healthWatch`; absent or disabled: no watch (null). */
  settings: HealthWatchConfig | undefined
  runner: Pick<AlertRunner, 'ingest' | 'trackedFingerprints'>
  journal: Pick<Journal, 'append'>
  now?: () => number
}

/** A health watch wired to the runner and the journal, not started; null when the config does not ask for one. */
export function createDaemonHealthWatch(options: DaemonHealthWatchOptions): HealthWatch | null {
  const { settings, journal, cluster } = options
  if (settings === undefined || !settings.enabled) return null
  const now = options.now ?? Date.now
  let lastErrorAt = Number.NEGATIVE_INFINITY
  const entry = { kind: 'event' as const, scaler: HEALTH_WATCH_SOURCE, target: `cluster ${cluster}` }
  return createHealthWatch({
    cluster,
    admin: options.admin,
    intervalMs: settings.intervalSeconds * 1000,
    forMs: settings.forSeconds * 1000,
    repeatMs: settings.repeatSeconds * 1000,
    actions: settings.actions,
    now,
    onFirstRead: (active) => {
      // The engine state survives a restart, the watch's does not: resolve what this cluster's watch left
      // firing and is gone, or its fingerprint would stay handled and silence the next occurrence.
      const seen = new Set(active.map((c) => healthFingerprint(cluster, c.key)))
      const stale = options.runner
        .trackedFingerprints(healthFingerprintPrefix(cluster))
        .filter((f) => !seen.has(f))
        .flatMap((f) => staleResolved(cluster, f, now()) ?? [])
      if (stale.length > 0) options.runner.ingest(stale, HEALTH_WATCH_SOURCE)
    },
    onAlerts: (alerts) => {
      options.runner.ingest(alerts, HEALTH_WATCH_SOURCE)
    },
    onError: (error, { consecutiveFailures }) => {
      const at = now()
      if (consecutiveFailures === 0) {
        journal.append({
          ...entry,
          at,
          reason: 'HealthWatchIngestFailed',
          message: `health watch of ${cluster}: its alerts could not be handed over: ${describeCause(error)}`,
          outcome: 'failed',
        })
        return
      }
      if (consecutiveFailures > 1 && at - lastErrorAt < ERROR_EVERY_MS) return
      lastErrorAt = at
      journal.append({
        ...entry,
        at,
        reason: 'HealthWatchReadFailed',
        message: `health watch of ${cluster} could not read the cluster (${consecutiveFailures} in a row); alerts are held, not resolved: ${describeCause(error)}`,
        outcome: 'failed',
        inputs: { consecutiveFailures, source: HEALTH_WATCH_SOURCE },
      })
    },
    onRecovered: (failures) => {
      lastErrorAt = Number.NEGATIVE_INFINITY
      journal.append({
        ...entry,
        at: now(),
        reason: 'HealthWatchReadRecovered',
        message: `health watch of ${cluster} reads the cluster again after ${failures} failed reads`,
        inputs: { failures, source: HEALTH_WATCH_SOURCE },
      })
    },
  })
}
