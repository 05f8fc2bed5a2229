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
      description: 'Share of measured per-replica throughput to plan for (headroom). Default: 0.8.',
    }).default(0.8),
    initialThroughputPerReplica: numberLike({
      gt: 0,
      description:
        'Records/s one replica consumes, used until a value is learned. Unset: until learned, hold the ' +
        'count, growing it only when lag time exceeds maxLagSeconds.',
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
        'Intervals starting this soon after a scale change (rebalance) are not learned from. Default: 30.',
    }).default(30),
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
