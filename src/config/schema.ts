// The whole `autopilot.yaml`. Each section lives in its own file; this one only assembles them and checks
// rules that span scalers. `schema/autopilot.schema.json` is generated from this (scripts/generate-schema.ts).
import { z } from 'zod'
import { alerts } from './alerts.ts'
import { clusters } from './clusters.ts'
import { journal, leaderElection, server } from './daemon.ts'
import { scaler } from './scaler.ts'

function targetKey(t: z.output<typeof scaler>['target']): string | undefined {
  if (t.type === 'kubernetes') return `kubernetes ${t.kind}/${t.namespace}/${t.name}`
  return undefined
}

export const autopilotConfig = z
  .strictObject({
    scalers: z
      .array(scaler, { error: 'must be a list of scalers' })
      .default([])
      .meta({ description: 'Consumer groups to autoscale, one scaler each.' }),
    server,
    journal,
    leaderElection,
    alerts,
    clusters,
  })
  .check((ctx) => {
    const scalers = Array.isArray(ctx.value.scalers) ? ctx.value.scalers : []
    const names = new Map<string, number>()
    const targets = new Map<string, number>()
    scalers.forEach((s, i) => {
      if (typeof s?.name === 'string') {
        const first = names.get(s.name)
        if (first !== undefined) {
          ctx.issues.push({
            code: 'custom',
            path: ['scalers', i, 'name'],
            message: `duplicates scalers[${first}].name "${s.name}"`,
            input: s.name,
          })
        } else names.set(s.name, i)
      }
      const key = s?.target ? targetKey(s.target) : undefined
      if (key !== undefined) {
        const first = targets.get(key)
        if (first !== undefined) {
          ctx.issues.push({
            code: 'custom',
            path: ['scalers', i, 'target'],
            message: `scales the same ${key} as scalers[${first}]; two scalers would fight over it`,
            input: s.target,
          })
        } else targets.set(key, i)
      }
    })
  })
  .meta({ title: 'Kafka Autopilot configuration', description: 'autopilot.yaml' })

export type AutopilotConfig = z.output<typeof autopilotConfig>
export type { AlertsConfig } from './alerts.ts'
export type { BehaviorConfig, ScalingPolicy, ScalingRules, SelectPolicy } from './behavior.ts'
export type { ClusterConfig, ClustersConfig } from './clusters.ts'
export type { JournalConfig, LeaderElectionConfig, ServerConfig } from './daemon.ts'
export type { PolicyConfig, SloPolicyConfig } from './policy.ts'
export type { FallbackConfig, ScalerConfig } from './scaler.ts'
export type { TargetConfig } from './target.ts'
export type { KafkaMetadata, KafkaTriggerConfig, PartitionDistribution } from './trigger-kafka.ts'
