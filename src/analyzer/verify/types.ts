// `autopilot verify` as plain data: a snapshot of the cluster, groups and alerts in; one result per check out.

import type { ClusterMetadata } from '../../kafka/port.ts'
import type { GroupLag } from '../lag/types.ts'

export interface ActiveAlert {
  name: string
  /** Alertmanager's state: active, suppressed (silenced or inhibited) or unprocessed. */
  state: string
  labels: Record<string, string>
  startsAt: string | null
}

export interface VerifySnapshot {
  metadata: ClusterMetadata
  /** The groups asked for (null: no --group given). */
  groups: GroupLag[] | null
  /** null: no --alertmanager given; `error`: it could not be read. */
  alerts: { alerts: ActiveAlert[] } | { error: string } | null
}

export interface VerifyOptions {
  /** Brokers that must be up (--brokers); null: every broker that holds a replica. */
  expectedBrokers: number | null
  /** Records a partition may lag by (default for every topic). */
  maxLag: number
  /** Per-topic thresholds, overriding maxLag. */
  maxLagByTopic: Record<string, number>
  /** Seconds a partition may lag by; null: not checked. */
  maxLagSeconds: number | null
  /** Alerts that are always firing by design (Watchdog) and do not count. */
  ignoreAlerts: string[]
}

export const DEFAULT_VERIFY_OPTIONS: VerifyOptions = {
  expectedBrokers: null,
  maxLag: 1000,
  maxLagByTopic: {},
  maxLagSeconds: null,
  ignoreAlerts: ['Watchdog', 'InfoInhibitor'],
}

export type CheckName = 'brokers-up' | 'under-replicated' | 'offline-partitions' | 'consumer-lag' | 'alerts'

export interface CheckResult {
  check: CheckName
  status: 'pass' | 'fail' | 'skip'
  summary: string
  /** The failing items (partitions, brokers, alerts), most important first. */
  details: string[]
}

/** "a, b, c and 7 more" — long lists stay readable in a table cell. */
export function listSome(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ')
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`
}
