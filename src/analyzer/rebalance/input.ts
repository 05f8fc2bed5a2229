// The cluster file of `autopilot rebalance plan --from-file`: brokers with racks and the current assignment,
// checked with zod so every problem names its field path (`partitions[3].replicas[1]: broker 9 is not in
// brokers`). Kafka's own reassignment JSON fits the partitions part (its `version` and `log_dirs` are
// ignored).
import { z } from 'zod'
import { inputError } from '../../validation.ts'
import type { PartitionReplicas, RebalanceBroker } from './types.ts'

const brokerId = z.number().int().nonnegative()

const clusterSchema = z
  .object({
    brokers: z
      .array(z.object({ id: brokerId, rack: z.string().min(1).nullable().optional() }))
      .min(1, 'must list at least one broker'),
    partitions: z.array(
      z.object({
        topic: z.string().min(1),
        partition: z.number().int().nonnegative(),
        replicas: z.array(brokerId).min(1, 'must list at least one broker'),
        bytes: z.number().nonnegative().optional(),
      }),
    ),
  })
  .superRefine((file, ctx) => {
    const ids = new Set<number>()
    file.brokers.forEach((b, i) => {
      if (ids.has(b.id))
        ctx.addIssue({
          code: 'custom',
          path: ['brokers', i, 'id'],
          message: `broker ${b.id} is listed twice`,
        })
      ids.add(b.id)
    })
    const seen = new Set<string>()
    file.partitions.forEach((p, i) => {
      const key = `${p.topic}\u0000${p.partition}`
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['partitions', i],
          message: `${p.topic}-${p.partition} is listed twice`,
        })
      seen.add(key)
      const inPartition = new Set<number>()
      p.replicas.forEach((b, j) => {
        const path = ['partitions', i, 'replicas', j]
        if (!ids.has(b)) ctx.addIssue({ code: 'custom', path, message: `broker ${b} is not in brokers` })
        else if (inPartition.has(b))
          ctx.addIssue({ code: 'custom', path, message: `broker ${b} is listed twice` })
        inPartition.add(b)
      })
    })
  })

export interface ClusterFile {
  brokers: RebalanceBroker[]
  partitions: PartitionReplicas[]
}

/** Validates a parsed cluster file. Throws AutopilotError(AP_ERR_INPUT) listing every problem (up to 10). */
export function parseClusterFile(raw: unknown, source = 'cluster file'): ClusterFile {
  const result = clusterSchema.safeParse(raw)
  if (result.success) return result.data
  throw inputError(
    result.error,
    source,
    'expected {"brokers":[{"id","rack"}],"partitions":[{"topic","partition","replicas"}]}',
  )
}
