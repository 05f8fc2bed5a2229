// The policy lab: one trace, one model, several policies side by side, plus the oracle.
//   lag   decide() with the `lag` policy (autopilot's KEDA-compatible maths, HPA behaviour rules)
//   slo   decide() with the `slo` policy (the scaler's own slo settings, or maxLagSeconds = the SLO)
//   keda  KEDA + HPA with their defaults (keda/controller.ts)
//   fixed the trace's recorded replica counts (or a constant), for calibration
// Each policy gets the same scaler config (trigger, min/max, cooldown, behaviour), only its policy changes.

import { behavior as behaviorSchema } from '../../config/behavior.ts'
import { sloPolicy, withSloBehaviorDefaults } from '../../config/policy.ts'
import { scaler as scalerSchema } from '../../config/scaler.ts'
import type { ScalerConfig } from '../../config/schema.ts'
import { AutopilotError } from '../../errors.ts'
import { DecideController } from './autopilot.ts'
import { type Controller, FixedController } from './controller.ts'
import { KedaController, type KedaTiming } from './keda/controller.ts'
import { KeepUpController, OracleController } from './oracle.ts'
import { simulate } from './run.ts'
import { Production } from './trace.ts'
import type { ModelParams, RunResult, Trace } from './types.ts'

export const POLICIES = ['lag', 'slo', 'keda', 'fixed'] as const
export type PolicyName = (typeof POLICIES)[number]

export interface LabInput {
  trace: Trace
  params: ModelParams
  scaler: ScalerConfig
  policies: readonly PolicyName[]
  /** Also run `oracle` (the lower bound) and `keep-up` (perfect knowledge, no backlog). Default true. */
  oracle?: boolean
  sampleSeconds?: number
  keda?: Partial<KedaTiming>
  /** For `fixed`: a constant count instead of the trace's replicas column. */
  fixedReplicas?: number | null
}

export interface LabResult {
  trace: { name: string; duration: number; partitions: number }
  params: ModelParams
  /** lagThreshold the lag and keda policies ran with. */
  lagThreshold: number
  runs: RunResult[]
}

/**
 * The lagThreshold used when no config gives one: the records one replica consumes in half the SLO. With it,
 * `lag` and `keda` ask for a replica per half-SLO of backlog, which keeps a saturated group near the SLO.
 */
export function defaultLagThreshold(params: ModelParams): number {
  return Math.max(1, Math.round((params.throughputPerReplica * params.sloSeconds) / 2))
}

/** A scaler config for the simulator when none is given (KEDA's defaults apart from lagThreshold). */
export function simScaler(params: ModelParams, overrides: Record<string, unknown> = {}): ScalerConfig {
  const { metadata, ...rest } = overrides as { metadata?: Record<string, unknown> }
  return scalerSchema.parse({
    name: 'sim',
    target: { type: 'exec', command: 'true' },
    trigger: {
      type: 'kafka',
      metadata: {
        bootstrapServers: '127.0.0.1:9092',
        consumerGroup: 'sim',
        topic: 'sim',
        lagThreshold: defaultLagThreshold(params),
        ...metadata,
      },
    },
    ...rest,
  })
}

/**
 * The scaler config with its policy replaced by `policy` (slo: its own settings, or the SLO's). A lag
 * scaler switched to slo whose behaviour is the HPA default (nothing set) gets the slo's behaviour defaults,
 * as the same file with `policy: slo` would (config/policy.ts withSloBehaviorDefaults).
 */
export function withPolicy(config: ScalerConfig, policy: 'lag' | 'slo', params: ModelParams): ScalerConfig {
  if (policy === 'lag') return { ...config, policy: { type: 'lag' } }
  if (config.policy.type === 'slo') return config
  const unset = JSON.stringify(config.behavior) === JSON.stringify(behaviorSchema.parse(undefined))
  const defaults = withSloBehaviorDefaults({ policy: { type: 'slo' } }) as { behavior: unknown }
  return {
    ...config,
    policy: sloPolicy.parse({ type: 'slo', maxLagSeconds: params.sloSeconds }),
    ...(unset ? { behavior: behaviorSchema.parse(defaults.behavior) } : {}),
  }
}

export function controllerFor(name: PolicyName, input: LabInput): Controller {
  switch (name) {
    case 'lag':
    case 'slo':
      return new DecideController(name, withPolicy(input.scaler, name, input.params))
    case 'keda':
      return new KedaController('keda', input.scaler, input.keda)
    case 'fixed': {
      const fixed = new FixedController(input.trace, input.fixedReplicas ?? null)
      if (fixed.empty) {
        throw new AutopilotError(
          'AP_ERR_USAGE',
          'policy fixed needs a trace with a replicas column or --replicas',
          {
            field: '--policy',
          },
        )
      }
      return fixed
    }
  }
}

export function runLab(input: LabInput): LabResult {
  const { trace, params } = input
  const production = new Production(trace, params.partitions)
  const runs = input.policies.map((name) =>
    simulate(production, params, controllerFor(name, input), { sampleSeconds: input.sampleSeconds }),
  )
  if (input.oracle ?? true) {
    // No rebalance cost, no start-up delay, fair sharing over partitions (no batch service); it sees the
    // truth, so no metric delay either.
    const free: ModelParams = {
      ...params,
      rebalancePauseSeconds: 0,
      movedPauseSeconds: 0,
      startupSeconds: 0,
      metricDelaySeconds: 0,
      fetchBatchRecords: 0,
    }
    const max = input.scaler.maxReplicaCount
    const oracle = new OracleController(production, free, max)
    runs.push(simulate(production, free, oracle, { sampleSeconds: input.sampleSeconds }))
    const keepUp = new KeepUpController(production, free, max)
    runs.push(simulate(production, free, keepUp, { sampleSeconds: input.sampleSeconds }))
  }
  return {
    trace: { name: trace.name, duration: trace.end, partitions: params.partitions },
    params,
    lagThreshold: input.scaler.trigger.metadata.lagThreshold,
    runs,
  }
}
