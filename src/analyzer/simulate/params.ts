// Default model parameters and their validation. The defaults are measurements of the sample worker
// (`autopilot worker --work-ms 2`, the demo's setting) on the local stack; docs/simulate.md says how they were
// taken (src/sim/calibrate.ts repeats the measurement).
import { AutopilotError } from '../../errors.ts'
import type { GroupProtocol, ModelParams } from './types.ts'

export const DEFAULT_MODEL: ModelParams = {
  // The demo topic.
  partitions: 12,
  // Sample worker --work-ms 2: consumption of 2 saturated workers (a 1500/s burst and the drain after it)
  // was 378/s and 382/s per worker in two runs; the best fits of the four calibration runs' lag timelines
  // ranged 359–397/s.
  throughputPerReplica: 380,
  // Best fit of both join/leave runs: pause 4 s, start-up 2–3 s. Direct estimates from the consumption lost:
  // join 5.3–6.4 s, leave 1.5–3.8 s; spawn → "worker ready" (start-up + pause) 4.3–7.2 s. The machine was
  // loaded (load average 15–40 on 2 cores).
  rebalancePauseSeconds: 4,
  startupSeconds: 2,
  // The sample worker's default (`autopilot worker --group-protocol classic`).
  groupProtocol: 'classic',
  // --group-protocol consumer (KIP-848), test/workload/group-protocol.int.test.ts on the local stack (broker
  // heartbeat 5 s): moved partitions waited for their new owner 8–15 s after the new worker was spawned, 2–3 s
  // of it Node start-up, so 5–13 s after the join, about 1–2 heartbeat intervals (the new member gets its
  // assignment on a heartbeat, the old owner releases the partitions on its next one). 1.5 intervals:
  // spawn → consuming is then 2 + 7.5 = 9.5 s, inside the measured 8–15 s.
  movedPauseSeconds: 7.5,
  // A lag snapshot takes tens of ms on the local stack (npm run bench:lag): below one step.
  metricDelaySeconds: 0,
  // The client fetches up to 50 MB per partition (@platformatic/kafka maxBytes); at ~150 bytes a record that
  // is ~300 000 records, so under a backlog a member drains one partition's batch before the next. In the
  // two fixed-worker runs the mean lag-time error was 3.6 s and 1.8 s with it, 10.4 s and 7.1 s with fair
  // sharing (in the join/leave runs, with smaller backlogs, the two are within a second of each other).
  fetchBatchRecords: 300_000,
  // The consumer port commits what it handled every second (src/kafka/consumer.ts).
  commitIntervalSeconds: 1,
  stepSeconds: 0.25,
  sloSeconds: 30,
  initialReplicas: null,
}

export type ModelOverrides = Partial<ModelParams>

type NumericParam = Exclude<keyof ModelParams, 'groupProtocol'>

const PROTOCOLS: readonly GroupProtocol[] = ['classic', 'consumer']

const LIMITS: Record<NumericParam, { min: number; max: number; int?: boolean; flag: string }> = {
  partitions: { min: 1, max: 10_000, int: true, flag: '--partitions' },
  throughputPerReplica: { min: 1e-6, max: 1e9, flag: '--throughput' },
  rebalancePauseSeconds: { min: 0, max: 3600, flag: '--rebalance-pause' },
  movedPauseSeconds: { min: 0, max: 3600, flag: '--moved-pause' },
  startupSeconds: { min: 0, max: 3600, flag: '--startup' },
  metricDelaySeconds: { min: 0, max: 3600, flag: '--metric-delay' },
  commitIntervalSeconds: { min: 0, max: 3600, flag: '--commit-interval' },
  fetchBatchRecords: { min: 0, max: 1e12, flag: '--fetch-batch' },
  stepSeconds: { min: 0.01, max: 60, flag: '--step' },
  sloSeconds: { min: 1e-6, max: 86_400, flag: '--slo' },
  initialReplicas: { min: 0, max: 10_000, int: true, flag: '--initial-replicas' },
}

/** The flag that sets a parameter, for error messages. */
export function paramFlag(key: keyof ModelParams): string {
  return key === 'groupProtocol' ? '--group-protocol' : LIMITS[key].flag
}

/** Defaults with the overrides applied, every value checked (errors name the flag). */
export function modelParams(overrides: ModelOverrides = {}): ModelParams {
  const params: ModelParams = { ...DEFAULT_MODEL }
  const { groupProtocol, ...numeric } = overrides
  if (groupProtocol !== undefined) {
    if (!PROTOCOLS.includes(groupProtocol)) {
      throw new AutopilotError(
        'AP_ERR_USAGE',
        `--group-protocol takes ${PROTOCOLS.join(' or ')}, got ${String(groupProtocol)}`,
        { field: '--group-protocol' },
      )
    }
    params.groupProtocol = groupProtocol
  }
  if (numeric.movedPauseSeconds !== undefined && params.groupProtocol !== 'consumer') {
    throw new AutopilotError(
      'AP_ERR_USAGE',
      '--moved-pause applies to --group-protocol consumer (classic pauses the whole group: --rebalance-pause)',
      { field: '--moved-pause' },
    )
  }
  for (const [key, value] of Object.entries(numeric) as Array<[NumericParam, number | null]>) {
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
