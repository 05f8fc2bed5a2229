// The health watch's timing, like a Prometheus alerting rule: a finding (conditions.ts) is pending while it
// holds for less than `forMs`, then fires once; it resolves as soon as it clears (a firing alert gets a
// resolved one, a pending finding is dropped silently, so flapping shorter than `forMs` never fires).
// Pure: (snapshot, previous state, now, options) → alerts to send and the next state.
import type { Alert } from '../actions/types.ts'
import { annotationsOf, type Finding, findings } from './conditions.ts'
import {
  type ConditionState,
  HEALTH_CONDITIONS,
  type HealthCondition,
  type HealthOptions,
  type HealthResult,
  type HealthSnapshot,
  type HealthState,
} from './types.ts'

const SEVERITY: Record<HealthCondition, string> = {
  UnderReplicatedPartitions: 'warning',
  OfflinePartitions: 'critical',
  BrokerOffline: 'critical',
  BrokerFenced: 'critical',
}

/** Stable per cluster and condition (and broker), so re-sends dedupe and a resolve re-arms the same one. */
export function healthFingerprint(cluster: string, key: string): string {
  return `${healthFingerprintPrefix(cluster)}${key}`
}

export function healthLabels(condition: Pick<ConditionState, 'alertname' | 'broker'>, cluster: string) {
  return {
    alertname: condition.alertname,
    cluster,
    source: 'autopilot',
    severity: SEVERITY[condition.alertname],
    ...(condition.broker === null ? {} : { broker: String(condition.broker) }),
  }
}

/** The fingerprint prefix of a cluster's health alerts. */
export function healthFingerprintPrefix(cluster: string): string {
  return `autopilot/${cluster}/`
}

/**
 * A resolved alert for a fingerprint the engine still remembers but the watch no longer sees (after a restart
 * the watch starts empty: a condition that cleared meanwhile never sends its resolve, and its fingerprint would
 * stay "handled", silencing the next occurrence). Null for a fingerprint that is not a health alert's.
 */
export function staleResolved(cluster: string, fingerprint: string, now: number): Alert | null {
  const prefix = healthFingerprintPrefix(cluster)
  if (!fingerprint.startsWith(prefix)) return null
  const [name, broker, ...rest] = fingerprint.slice(prefix.length).split('/')
  if (!(HEALTH_CONDITIONS as readonly string[]).includes(name ?? '') || rest.length > 0) return null
  if (broker !== undefined && !/^\d{1,9}$/.test(broker)) return null
  const condition = {
    alertname: name as HealthCondition,
    broker: broker === undefined ? null : Number(broker),
  }
  return {
    fingerprint,
    status: 'resolved',
    labels: healthLabels(condition, cluster),
    annotations: { summary: `${name} not seen any more (checked at start)` },
    endsAt: new Date(now).toISOString(),
  }
}

function toAlert(c: ConditionState, status: Alert['status'], now: number, options: HealthOptions): Alert {
  const command = options.actions?.[c.alertname]
  return {
    fingerprint: healthFingerprint(options.cluster, c.key),
    status,
    labels: healthLabels(c, options.cluster),
    annotations: { ...c.annotations, ...(command ? { command } : {}) },
    startsAt: new Date(c.since).toISOString(),
    ...(status === 'resolved' ? { endsAt: new Date(now).toISOString() } : {}),
  }
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

export function evaluateHealth(
  snapshot: HealthSnapshot,
  previous: HealthState,
  now: number,
  options: HealthOptions,
): HealthResult {
  const sample = options.samplePartitions ?? 10
  const current = new Map<string, Finding>(findings(snapshot).map((f) => [f.key, f]))
  const before = new Map(previous.conditions.map((c) => [c.key, c]))
  const alerts: Alert[] = []
  const next: ConditionState[] = []
  for (const c of previous.conditions) {
    if (!current.has(c.key) && c.firingAt !== null) alerts.push(toAlert(c, 'resolved', now, options))
  }
  for (const finding of current.values()) {
    const old = before.get(finding.key)
    const c: ConditionState = {
      key: finding.key,
      alertname: finding.alertname,
      broker: finding.broker,
      since: old?.since ?? now,
      firingAt: old?.firingAt ?? null,
      sentAt: old?.sentAt ?? null,
      annotations: annotationsOf(finding, sample),
    }
    if (c.firingAt === null && now - c.since >= options.forMs) {
      c.firingAt = now
      c.sentAt = now
      alerts.push(toAlert(c, 'firing', now, options))
    } else if (
      c.firingAt !== null &&
      options.repeatMs !== undefined &&
      options.repeatMs > 0 &&
      now - (c.sentAt ?? c.firingAt) >= options.repeatMs
    ) {
      c.sentAt = now
      alerts.push(toAlert(c, 'firing', now, options))
    }
    next.push(c)
  }
  next.sort((a, b) => byKey(a.key, b.key))
  alerts.sort((a, b) => byKey(a.fingerprint, b.fingerprint))
  return { alerts, state: { conditions: next }, active: next }
}
