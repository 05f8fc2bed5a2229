// The cluster file of `autopilot rebalance plan --from-file`: brokers with racks and the current assignment,
// checked with zod so every problem names its field path (`partitions[3].replicas[1]: broker 9 is not in
// brokers`). Kafka's own reassignment JSON fits the partitions part (its `version` and `log_dirs` are
// ignored).
import { z } from 'zod'
import { AutopilotError } from '../../errors.ts'
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

function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path)
    out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`
  return out
}

const MAX_LISTED = 10

/** Validates a parsed cluster file. Throws AutopilotError(AP_ERR_INPUT) listing every problem (up to 10). */
export function parseClusterFile(raw: unknown, source = 'cluster file'): ClusterFile {
  const result = clusterSchema.safeParse(raw)
  if (result.success) return result.data
  const issues = result.error.issues.map((issue) => {
    const path = formatPath(issue.path)
    // zod's wording for a missing field is about types; say what the user has to do.
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message)
    return { path, message: missing ? 'is required' : issue.message }
  })
  const lines = issues.slice(0, MAX_LISTED).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
  if (issues.length > MAX_LISTED) lines.push(`… and ${issues.length - MAX_LISTED} more`)
  const message =
    lines.length === 1
      ? `invalid ${source}: ${lines[0]}`
      : `invalid ${source}, ${issues.length} problems:\n${lines.map((l) => `  ${l}`).join('\n')}`
  throw new AutopilotError('AP_ERR_INPUT', message, {
    field: issues.length === 1 ? issues[0]!.path || undefined : undefined,
    details: { issues },
    hint: 'expected {"brokers":[{"id","rack"}],"partitions":[{"topic","partition","replicas"}]}',
  })
}
