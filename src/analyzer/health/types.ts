// Data of the health watch (evaluate.ts): cluster metadata in, alerts out, with the same Alert shape as the
// Alertmanager webhook so the self-healing engine and its rules treat both alike. Plain values only.
import type { Alert } from '../actions/types.ts'

export const HEALTH_CONDITIONS = [
  'UnderReplicatedPartitions',
  'OfflinePartitions',
  'BrokerOffline',
  'BrokerFenced',
] as const
export type HealthCondition = (typeof HEALTH_CONDITIONS)[number]

/** What one metadata read says, reduced to what the watch needs. */
export interface HealthSnapshot {
  /** Brokers in the metadata (KRaft lists only registered, unfenced brokers). */
  brokers: number[]
  /** Brokers registered but fenced, when the cluster says (DescribeCluster v2); absent when unknown. */
  fencedBrokers?: number[] | undefined
  partitions: Array<{
    topic: string
    partition: number
    /** -1 when the partition has no leader. */
    leader: number
    replicas: number[]
    isr: number[]
    /** Replicas being added by an ongoing reassignment; they are not counted missing while they catch up. */
    addingReplicas?: number[] | undefined
  }>
}

export interface HealthOptions {
  /** The Kafka cluster's name, the `cluster` label (the engine keys its per-cluster limits on it). */
  cluster: string
  /** How long a condition must hold before its alert fires (Prometheus' `for:`). */
  forMs: number
  /** A firing alert is sent again after this long (ms; 0 or absent: transitions only). */
  repeatMs?: number | undefined
  /** The `command` annotation per condition; by default none (rules in `alerts.rules` match by labels). */
  actions?: Partial<Record<HealthCondition, string>> | undefined
  /** Partitions named in an annotation at most (default 10). */
  samplePartitions?: number | undefined
}

/** One condition being watched: pending (since `since`) or firing (since `firingAt`). */
export interface ConditionState {
  key: string
  alertname: HealthCondition
  broker: number | null
  since: number
  firingAt: number | null
  /** Last time its firing alert was sent (for repeatMs). */
  sentAt: number | null
  /** The latest description, kept for the resolved alert. */
  annotations: Record<string, string>
}

export interface HealthState {
  /** Sorted by key, so equal inputs give equal states. */
  conditions: ConditionState[]
}

export interface HealthResult {
  /** Transitions (and re-sends): firing after the for-duration, resolved when the condition clears. */
  alerts: Alert[]
  state: HealthState
  /** Everything currently true (pending or firing), for status pages. */
  active: ConditionState[]
}

export function emptyHealthState(): HealthState {
  return { conditions: [] }
}
