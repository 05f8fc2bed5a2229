// Prometheus metrics for consumer lag, filled from the collector's last snapshot at scrape time (a scrape never
// talks to Kafka). Names and labels follow kafka_exporter (`consumergroup`, `topic`, `partition`), so dashboards
// built on it (Grafana 7589, Strimzi) keep working; additions are lag in seconds, group state and the
// collector's own health.
//
// Differences from kafka_exporter, on purpose:
// - no -1 values: a partition without a committed offset has no current_offset series, and its lag follows the
//   offset-reset policy (latest: 0; earliest: end − log start);
// - lag is never negative, is clamped at the log start (retention) and ignores trailing transaction markers;
// - a partition whose offsets cannot be read (no leader) has no lag series (rather than a wrong one).
import { Counter, Gauge, type Registry } from 'prom-client'
import type { GroupLag, LagSnapshot } from '../analyzer/lag/types.ts'
import type { LagSource } from '../monitor/lag-collector.ts'

export interface LagMetricsOptions {
  source: LagSource
  /** Lag series are dropped when the last good snapshot is older than this (ms). Default: no limit. */
  staleAfterMs?: number
  now?: () => number
}

const GP = ['consumergroup', 'topic', 'partition'] as const
const GT = ['consumergroup', 'topic'] as const
const TP = ['topic', 'partition'] as const

export function registerLagMetrics(registry: Registry, options: LagMetricsOptions): void {
  const now = options.now ?? Date.now
  const fresh = (): LagSnapshot | null => {
    const { snapshot } = options.source.current()
    if (snapshot === null) return null
    if (options.staleAfterMs !== undefined && now() - snapshot.at > options.staleAfterMs) return null
    return snapshot
  }
  const registers = [registry]

  const perPartition = (
    name: string,
    help: string,
    value: (p: GroupLag['topics'][number]['partitions'][number]) => number | null,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: GP,
      registers,
      collect() {
        this.reset()
        for (const g of fresh()?.groups ?? [])
          for (const t of g.topics)
            for (const p of t.partitions) {
              const v = value(p)
              if (v !== null)
                this.set({ consumergroup: g.group, topic: t.topic, partition: String(p.partition) }, v)
            }
      },
    })

  perPartition(
    'kafka_consumergroup_lag',
    'Records the group has left to consume (never negative).',
    (p) => p.lag,
  )
  perPartition(
    'kafka_consumergroup_lag_seconds',
    'Age in seconds of the first record the group has not consumed (0 when caught up).',
    (p) => p.lagSeconds,
  )
  perPartition(
    'kafka_consumergroup_current_offset',
    'Committed offset of the group (no series when the group has none).',
    (p) => p.committedOffset,
  )

  const perTopic = (name: string, help: string, value: (t: GroupLag['topics'][number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: GT,
      registers,
      collect() {
        this.reset()
        for (const g of fresh()?.groups ?? [])
          for (const t of g.topics) {
            const v = value(t)
            if (v !== null) this.set({ consumergroup: g.group, topic: t.topic }, v)
          }
      },
    })

  perTopic(
    'kafka_consumergroup_lag_sum',
    'Lag of the group summed over the partitions of a topic.',
    (t) => t.lag,
  )
  perTopic(
    'kafka_consumergroup_current_offset_sum',
    'Committed offsets of the group summed over the partitions of a topic.',
    (t) => t.partitions.reduce((sum, p) => sum + (p.committedOffset ?? 0), 0),
  )

  new Gauge({
    name: 'kafka_consumergroup_members',
    help: 'Members of the consumer group.',
    labelNames: ['consumergroup'],
    registers,
    collect() {
      this.reset()
      for (const g of fresh()?.groups ?? []) this.set({ consumergroup: g.group }, g.members)
    },
  })
  new Gauge({
    name: 'kafka_consumergroup_max_lag_seconds',
    help: 'Largest lag in seconds over the partitions of the group.',
    labelNames: ['consumergroup'],
    registers,
    collect() {
      this.reset()
      for (const g of fresh()?.groups ?? [])
        if (g.maxLagSeconds !== null) this.set({ consumergroup: g.group }, g.maxLagSeconds)
    },
  })
  new Gauge({
    name: 'kafka_consumergroup_info',
    help: 'Always 1; the group state and type (classic or consumer) are labels.',
    labelNames: ['consumergroup', 'state', 'type'],
    registers,
    collect() {
      this.reset()
      for (const g of fresh()?.groups ?? [])
        this.set({ consumergroup: g.group, state: g.state, type: g.type }, 1)
    },
  })

  const perTopicPartition = (
    name: string,
    help: string,
    value: (p: LagSnapshot['partitions'][number]) => number | null,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: TP,
      registers,
      collect() {
        this.reset()
        for (const p of fresh()?.partitions ?? []) {
          const v = value(p)
          if (v !== null) this.set({ topic: p.topic, partition: String(p.partition) }, v)
        }
      },
    })
  perTopicPartition(
    'kafka_topic_partition_current_offset',
    'High watermark (log-end offset) of the partition.',
    (p) => p.logEndOffset,
  )
  perTopicPartition(
    'kafka_topic_partition_oldest_offset',
    'Log-start offset of the partition.',
    (p) => p.logStartOffset,
  )
  new Gauge({
    name: 'kafka_topic_partitions',
    help: 'Partitions of the topic.',
    labelNames: ['topic'],
    registers,
    collect() {
      this.reset()
      const counts = new Map<string, number>()
      for (const p of fresh()?.partitions ?? []) counts.set(p.topic, (counts.get(p.topic) ?? 0) + 1)
      for (const [topic, n] of counts) this.set({ topic }, n)
    },
  })

  const health = () => options.source.current().health
  new Gauge({
    name: 'autopilot_lag_collector_up',
    help: '1 when the last lag collection succeeded, else 0.',
    registers,
    collect() {
      this.set(health().up ? 1 : 0)
    },
  })
  new Gauge({
    name: 'autopilot_lag_collector_duration_seconds',
    help: 'Duration of the last lag collection.',
    registers,
    collect() {
      this.reset()
      const ms = health().lastDurationMs
      if (ms !== null) this.set(ms / 1000)
    },
  })
  new Gauge({
    name: 'autopilot_lag_collector_last_success_timestamp_seconds',
    help: 'Unix time of the last successful lag collection (metrics show that collection).',
    registers,
    collect() {
      this.reset()
      const at = health().lastSuccessAt
      if (at !== null) this.set(at / 1000)
    },
  })
  new Counter({
    name: 'autopilot_lag_collector_failures_total',
    help: 'Lag collections that failed.',
    registers,
    collect() {
      this.reset()
      this.inc(health().failures)
    },
  })
}
