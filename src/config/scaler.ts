// One scaler: a target, the Kafka trigger that drives it, a policy, and the ScaledObject-level settings of
// KEDA (replica bounds, idle, cooldown, polling, fallback) with an HPA `behavior`.
import { z } from 'zod'
import { behavior } from './behavior.ts'
import { policy, withSloBehaviorDefaults } from './policy.ts'
import { target } from './target.ts'
import { kafkaTrigger } from './trigger-kafka.ts'
import { intLike } from './values.ts'

export const SCALER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/

export const fallback = z
  .strictObject({
    failureThreshold: intLike({
      min: 0,
      description:
        'Consecutive failed reads tolerated (holding the current count) before `replicas` applies.',
    }),
    replicas: intLike({
      min: 0,
      description: 'Replica count while Kafka cannot be read. 0 means keep the current count.',
    }),
    behavior: z
      .enum(['static', 'currentReplicas', 'currentReplicasIfHigher', 'currentReplicasIfLower'], {
        error: 'must be static, currentReplicas, currentReplicasIfHigher or currentReplicasIfLower',
      })
      .default('static')
      .meta({ description: 'KEDA fallback behaviour. Default: static.' }),
  })
  .meta({ description: 'What to run while lag cannot be read. Never scales a group to zero.' })

const scalerFields = z
  .strictObject({
    name: z.string({ error: 'must be a string' }).regex(SCALER_NAME, {
      error: 'must be 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit',
    }),
    target,
    trigger: kafkaTrigger,
    policy,
    minReplicaCount: intLike({
      min: 0,
      description: 'Lowest replica count; 0 enables scale to zero. Default: 0.',
    }).default(0),
    maxReplicaCount: intLike({ min: 1, description: 'Highest replica count. Default: 100.' }).default(100),
    idleReplicaCount: intLike({
      min: 0,
      description: 'Replicas while inactive (must be below minReplicaCount). Unset: minReplicaCount.',
    }).optional(),
    cooldownPeriod: intLike({
      min: 0,
      description: 'Seconds after the last active evaluation before scaling to zero/idle. Default: 300.',
    }).default(300),
    pollingInterval: intLike({
      min: 1,
      description: 'Seconds between evaluations. Default: 5 (KEDA: 30).',
    }).default(5),
    fallback: fallback.optional(),
    behavior,
  })
  .check((ctx) => {
    const s = ctx.value
    const num = (v: unknown): v is number => typeof v === 'number'
    if (num(s.minReplicaCount) && num(s.maxReplicaCount) && s.minReplicaCount > s.maxReplicaCount) {
      ctx.issues.push({
        code: 'custom',
        path: ['minReplicaCount'],
        message: `must not exceed maxReplicaCount (${s.maxReplicaCount})`,
        input: s.minReplicaCount,
      })
    }
    if (num(s.idleReplicaCount) && num(s.minReplicaCount) && s.idleReplicaCount >= s.minReplicaCount) {
      ctx.issues.push({
        code: 'custom',
        path: ['idleReplicaCount'],
        message: `must be below minReplicaCount (${s.minReplicaCount})`,
        input: s.idleReplicaCount,
      })
    }
    if (
      s.fallback &&
      num(s.fallback.replicas) &&
      num(s.maxReplicaCount) &&
      s.fallback.replicas > s.maxReplicaCount
    ) {
      ctx.issues.push({
        code: 'custom',
        path: ['fallback', 'replicas'],
        message: `must not exceed maxReplicaCount (${s.maxReplicaCount})`,
        input: s.fallback.replicas,
      })
    }
  })

// With an slo policy, unset behaviour fields default to the slo's (policy.ts withSloBehaviorDefaults).
export const scaler = z.preprocess(withSloBehaviorDefaults, scalerFields)

export type ScalerConfig = z.output<typeof scaler>
export type FallbackConfig = z.output<typeof fallback>
