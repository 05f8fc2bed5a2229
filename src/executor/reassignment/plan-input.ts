// Validation of a reassignment plan (Kafka's reassignment JSON) before anything is sent: every problem names its
// field path (`partitions[3].replicas[1]`). `log_dirs` (kafka-reassign-partitions' intra-broker moves) is
// accepted only when every entry is "any": this executor does not move replicas between log dirs.
import { z } from 'zod'
import { inputError } from '../../validation.ts'
import type { ReassignmentPlan } from './types.ts'

const brokerId = z.number().int().nonnegative()

const planSchema = z
  .object({
    version: z.literal(1),
    partitions: z
      .array(
        z.object({
          topic: z.string().min(1),
          partition: z.number().int().nonnegative(),
          replicas: z.array(brokerId).min(1, 'must list at least one broker'),
          log_dirs: z.array(z.literal('any', 'moving replicas between log dirs is not supported')).optional(),
        }),
      )
      .min(1, 'the plan moves nothing'),
  })
  .superRefine((plan, ctx) => {
    const seen = new Set<string>()
    plan.partitions.forEach((p, i) => {
      const key = `${p.topic}\u0000${p.partition}`
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['partitions', i],
          message: `${p.topic}-${p.partition} is listed twice`,
        })
      }
      seen.add(key)
      const inPartition = new Set<number>()
      p.replicas.forEach((b, j) => {
        if (inPartition.has(b)) {
          ctx.addIssue({
            code: 'custom',
            path: ['partitions', i, 'replicas', j],
            message: `broker ${b} is listed twice`,
          })
        }
        inPartition.add(b)
      })
    })
  })

/** A validated copy of `raw` (log_dirs dropped). Throws AutopilotError(AP_ERR_INPUT) listing the problems. */
export function parsePlan(raw: unknown, source = 'reassignment plan'): ReassignmentPlan {
  const result = planSchema.safeParse(raw)
  if (result.success) {
    return {
      version: 1,
      partitions: result.data.partitions.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        replicas: [...p.replicas],
      })),
    }
  }
  throw inputError(
    result.error,
    source,
    'expected {"version":1,"partitions":[{"topic","partition","replicas"}]}',
  )
}
