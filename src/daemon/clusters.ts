// Groups the scalers by the Kafka cluster they read (connection.ts), so the daemon opens one admin client and
// takes one lag snapshot per cluster per tick, whatever the number of scalers on it. Pure.
import type { OffsetResetPolicy } from '../analyzer/lag/types.ts'
import type { ScalerConfig } from '../config/schema.ts'
import type { ConnectionOptions } from '../kafka/port.ts'
import type { LagMonitorOptions } from '../monitor/lag-monitor.ts'
import { clusterKey, connectionFor } from './connection.ts'

export interface ClusterPlan {
  key: string
  /** For labels and logs: the bootstrap servers (no credentials). */
  label: string
  connection: ConnectionOptions
  /** Indexes into config.scalers. */
  scalers: number[]
  /** The cluster's tick: the shortest pollingInterval of its scalers. */
  intervalMs: number
  monitor: Omit<LagMonitorOptions, 'now'>
}

export function planClusters(scalers: readonly ScalerConfig[], env: NodeJS.ProcessEnv): ClusterPlan[] {
  const plans = new Map<string, ClusterPlan & { configs: ScalerConfig[] }>()
  scalers.forEach((s, i) => {
    const connection = connectionFor(s.trigger.metadata, `scalers[${i}].trigger.metadata`, env)
    const key = clusterKey(connection)
    let plan = plans.get(key)
    if (!plan) {
      plan = {
        key,
        label: connection.bootstrapServers.join(','),
        connection,
        scalers: [],
        intervalMs: Number.POSITIVE_INFINITY,
        monitor: {},
        configs: [],
      }
      plans.set(key, plan)
    }
    plan.scalers.push(i)
    plan.configs.push(s)
    plan.intervalMs = Math.min(plan.intervalMs, s.pollingInterval * 1000)
  })
  return [...plans.values()].map(({ configs, ...plan }) => ({ ...plan, monitor: monitorOptions(configs) }))
}

/**
 * One monitor serves every scaler of the cluster:
 * - groups: every scaler's group (a group that does not exist yet is skipped, not an error: it appears
 *   once its first consumer joins);
 * - topics: when every scaler names its topics, their union. The monitor then reads the log offsets of those
 *   topics even for a group that has never committed, which lagViewFromSnapshot turns into partitions without
 *   a commit (KEDA's activation rule for new groups). When some scaler takes "every topic of the group", the
 *   monitor cannot filter by topic, so it reads the offsets of every topic instead (allTopicOffsets);
 * - policy: only shapes the snapshot's own lag figures for uncommitted partitions (metrics); decide() applies
 *   each scaler's offsetResetPolicy itself. `latest` unless every scaler says `earliest`.
 */
export function monitorOptions(scalers: readonly ScalerConfig[]): Omit<LagMonitorOptions, 'now'> {
  const groups = [...new Set(scalers.map((s) => s.trigger.metadata.consumerGroup))].sort()
  const everyNamesTopics = scalers.every((s) => s.trigger.metadata.topics.length > 0)
  const someNamesTopics = scalers.some((s) => s.trigger.metadata.topics.length > 0)
  const topics = everyNamesTopics
    ? [...new Set(scalers.flatMap((s) => s.trigger.metadata.topics))].sort()
    : []
  const policy: OffsetResetPolicy = scalers.every((s) => s.trigger.metadata.offsetResetPolicy === 'earliest')
    ? 'earliest'
    : 'latest'
  return {
    groups,
    topics,
    policy,
    strict: false,
    ...(someNamesTopics && !everyNamesTopics ? { allTopicOffsets: true } : {}),
  }
}
