// Default model parameters and their validation. The defaults are measurements of the sample worker
// (`autopilot worker --work-ms 2`, the demo's setting) on the local stack; docs/simulate.md says how they were
// taken (src/sim/calibrate.ts repeats the measurement).
import { AutopilotError } from '../../errors.ts'
import type { ModelParams } from './types.ts'

export const DEFAULT_MODEL: ModelParams = {
  // The demo topic.
  partitions: 12,
  // Measured: consumption rate of 2 saturated workers / 2.
  throughputPerReplica: 380,
  // Measured: gap in the group's consumption around a join and a leave.
  rebalancePauseSeconds: 3,
  // Measured: from spawning `autopilot worker` to it joining the group, minus the pause.
  startupSeconds: 2,
  // A lag snapshot takes tens of ms on the local stack (npm run bench:lag); one step.
  metricDelaySeconds: 0,
  // The consumer port commits what it handled every second (src/kafka/consumer.ts).
  commitIntervalSeconds: 1,
  stepSeconds: 0.25,
  sloSeconds: 30,
  initialReplicas: null,
}

export type ModelOverrides = Partial<ModelParams>

const LIMITS: Record<keyof ModelParams, { min: number; max: number; int?: boolean; flag: string }> = {
  partitions: { min: 1, max: 10_000, int: true, flag: '--partitions' },
  throughputPerReplica: { min: 1e-6, max: 1e9, flag: '--throughput' },
  rebalancePauseSeconds: { min: 0, max: 3600, flag: '--rebalance-pause' },
  startupSeconds: { min: 0, max: 3600, flag: '--startup' },
  metricDelaySeconds: { min: 0, max: 3600, flag: '--metric-delay' },
  commitIntervalSeconds: { min: 0, max: 3600, flag: '--commit-interval' },
  stepSeconds: { min: 0.01, max: 60, flag: '--step' },
  sloSeconds: { min: 1e-6, max: 86_400, flag: '--slo' },
  initialReplicas: { min: 0, max: 10_000, int: true, flag: '--initial-replicas' },
}

/** The flag that sets a parameter, for error messages. */
export function paramFlag(key: keyof ModelParams): string {
  return LIMITS[key].flag
}

/** Defaults with the overrides applied, every value checked (errors name the flag). */
export function modelParams(overrides: ModelOverrides = {}): ModelParams {
  const params: ModelParams = { ...DEFAULT_MODEL }
  for (const [key, value] of Object.entries(overrides) as Array<[keyof ModelParams, number | null]>) {
    if (value === undefined) continue
    const limit = LIMITS[key]
    if (!limit) throw new AutopilotError('AP_ERR_INPUT', `unknown model parameter ${key}`, { field: key })
    if (value === null && key === 'initialReplicas') {
      params.initialReplicas = null
      continue
    }
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < limit.min ||
      value > limit.max ||
      (limit.int && !Number.isInteger(value))
    ) {
      throw new AutopilotError(
        'AP_ERR_USAGE',
        `${limit.flag} takes ${limit.int ? 'a whole number' : 'a number'} from ${limit.min} to ${limit.max}, got ${value}`,
        { field: limit.flag },
      )
    }
    ;(params as unknown as Record<string, number>)[key] = value
  }
  return params
}
