// How a scaler turns lag into a replica count. The maths lives in src/analyzer/scaling/ (lag-policy.ts,
// slo-policy.ts); this is only the shape of the settings.
import { z } from 'zod'
import { intLike, numberLike } from './values.ts'

export const lagPolicy = z
  .strictObject({ type: z.literal('lag') })
  .meta({ description: 'KEDA-compatible: desired replicas = ceil(total lag / lagThreshold).' })

export const sloPolicy = z
  .strictObject({
    type: z.literal('slo'),
    maxLagSeconds: numberLike({
      gt: 0,
      description: 'Longest a record may wait before it is consumed; replicas are sized to keep to it.',
    }),
    targetUtilization: numberLike({
      gt: 0,
      max: 1,
      description:
        'Share of measured per-replica throughput to plan for. Default: 1 (the lag budget is the headroom).',
    }).default(1),
    lagBudget: numberLike({
      min: 0,
      max: 1,
      description:
        'Share of maxLagSeconds lag time may rise to before replicas are added (the rest covers reaction). ' +
        '0: add replicas as soon as the group falls behind. Default: 0.5.',
    }).default(0.5),
    settleSeconds: intLike({
      min: 0,
      description:
        'Time a scale change takes to work (replica start-up and rebalance): nothing more is decided meanwhile ' +
        'unless the rate rises again. Default: 10.',
    }).default(10),
    busyLagSeconds: numberLike({
      min: 0,
      description:
        'Lag time above which consumers count as saturated (only then is throughput learned); above twice ' +
        "the consumers' commit interval. Default: 10.",
    }).default(10),
    initialThroughputPerReplica: numberLike({
      gt: 0,
      description:
        'Records/s one replica consumes, used until a value is learned. Unset: until learned, hold the ' +
        'count, growing it (from what each saturated consumer consumes) only when lag time is halfway from ' +
        'the budget to maxLagSeconds.',
    }).optional(),
    throughputHalfLifeSeconds: intLike({
      min: 1,
      description: 'Half-life of the moving average of learned throughput. Default: 300.',
    }).default(300),
    throughputSampleSeconds: intLike({
      min: 1,
      description:
        "Length of the windows throughput is measured over; longer than the consumers' commit interval. " +
        'Default: 30.',
    }).default(30),
    warmupSeconds: intLike({
      min: 0,
      description:
        'Intervals starting this soon after a scale change (rebalance) are not learned from. Default: 10.',
    }).default(10),
  })
  .meta({
    description: 'Size replicas from production rate, backlog and learned throughput to meet maxLagSeconds.',
  })

export const policy = z
  .union(
    [
      z.literal('lag').transform(() => ({ type: 'lag' as const })),
      z.discriminatedUnion('type', [lagPolicy, sloPolicy], { error: 'type must be lag or slo' }),
    ],
    { error: 'must be lag or an object {type: lag | slo, ...}' },
  )
  .default({ type: 'lag' })

export type PolicyConfig = z.output<typeof policy>
export type SloPolicyConfig = z.output<typeof sloPolicy>

/**
 * Behaviour defaults for the slo policy, for the fields the user did not set. The slo plan sizes its own steps
 * (one step to the count that drains, never a count between partition steps) and has its own hysteresis (a
 * smaller count must stay within the lag budget for two SLOs), so the HPA defaults only add cost: 300 s of
 * scale-down stabilization holds every peak's count for five minutes, and Pods 4 / Percent 100 per 15 s turns
 * one scale-up into two or three, each a rebalance that stops the group. With slo: scale-down
 * stabilization 0 s and scale-up limited only by maxReplicaCount. Anything set in `behavior:` wins.
 */
export const SLO_BEHAVIOR_DEFAULTS = {
  scaleUp: { policies: [{ type: 'Pods', value: 10_000, periodSeconds: 15 }] },
  scaleDown: { stabilizationWindowSeconds: 0 },
} as const

/** A raw scaler with an slo policy gets SLO_BEHAVIOR_DEFAULTS under its own `behavior:` (raw input, unparsed). */
export function withSloBehaviorDefaults(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw
  const r = raw as Record<string, unknown>
  const policy = r.policy as Record<string, unknown> | undefined
  if (typeof policy !== 'object' || policy === null || policy.type !== 'slo') return raw
  const given = r.behavior
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) return raw
  const behavior = (given ?? {}) as Record<string, unknown>
  const merged: Record<string, unknown> = { ...behavior }
  for (const direction of ['scaleUp', 'scaleDown'] as const) {
    const mine = behavior[direction]
    if (mine !== undefined && (typeof mine !== 'object' || mine === null || Array.isArray(mine))) continue
    merged[direction] = { ...SLO_BEHAVIOR_DEFAULTS[direction], ...((mine ?? {}) as Record<string, unknown>) }
  }
  return { ...r, behavior: merged }
}
