import { autoscalerOf, consumerOf, partitionsOf } from '../model.ts'
import { autoscalerFields } from '../objects.ts'
import type { AuditRule, FixAction, RuleHit } from '../types.ts'

export const consumerReplicasWithinPartitions: AuditRule = {
  id: 'consumer-replicas-within-partitions',
  severity: 'warning',
  title: 'Consumer replicas not above the partitions they read',
  why:
    'A consumer group gives each partition to one member: replicas beyond the partition count sit idle ' +
    'while still costing resources (and, with an HPA on CPU, look underused and distort scaling).',
  equivalent: [],
  fix: 'Lowers spec.replicas, HPA maxReplicas or ScaledObject maxReplicaCount to the partition count.',
  check(stack) {
    const hits: RuleHit[] = []
    for (const w of stack.workloads) {
      const consumer = consumerOf(stack, w)
      if (consumer === null || consumer.topics.length === 0) continue
      const counts = consumer.topics.map((t) => partitionsOf(stack, t))
      if (counts.some((c) => c === null)) continue // partitions not in the input: cannot judge
      // Several topics: a member can hold partitions of each, so the sum is the most members that get work.
      const limit = counts.reduce<number>((n, c) => n + (c ?? 0), 0)
      const topics = consumer.topics.join(', ')
      const a = autoscalerOf(stack, w)
      if (a === undefined) {
        if (w.replicas !== null && w.replicas > limit) {
          hits.push({
            resource: w.resource,
            path: ['spec', 'replicas'],
            message: `${w.kind} ${w.resource.name} runs ${w.replicas} consumers for ${limit} partition(s) of ${topics}`,
            fix: [
              {
                type: 'set',
                resource: w.resource,
                path: ['spec', 'replicas'],
                value: limit,
                note: 'one consumer per partition at most',
              },
            ],
          })
        }
        continue
      }
      // KEDA's Kafka trigger (and Autopilot's, which follows it) caps replicas at the partition count unless
      // allowIdleConsumers is set; an HPA on CPU has no such cap.
      const capped =
        a.kind !== 'HorizontalPodAutoscaler' &&
        a.kafkaTriggers.length > 0 &&
        !a.kafkaTriggers.some((t) => t.allowIdleConsumers)
      const max = a.maxReplicas ?? 0
      if (capped || max <= limit) continue
      const { base, min: minField, max: field, label } = autoscalerFields(a)
      const fix: FixAction[] = [
        {
          type: 'set',
          resource: a.resource,
          path: [...base, field],
          value: limit,
          note: 'one consumer per partition at most',
        },
      ]
      if (a.minReplicas > limit) {
        fix.push({
          type: 'set',
          resource: a.resource,
          path: [...base, minField],
          value: limit,
          note: 'one consumer per partition at most',
        })
      }
      hits.push({
        resource: a.resource,
        path: [...base, field],
        message: `${label} may run ${max} consumers of ${w.resource.name} for ${limit} partition(s) of ${topics}`,
        fix,
      })
    }
    return hits
  },
}
