import { autopilotScaler, freeName, horizontalPodAutoscaler, scaledObject } from '../fix/objects.ts'
import { autoscalerOf, consumerOf, partitionsOf, type Stack } from '../model.ts'
import type { AuditRule, FixAction, RuleHit } from '../types.ts'
import type { Workload } from '../workloads.ts'

/** Where KEDA reaches Kafka: the consumer's own setting, else the one Strimzi cluster's bootstrap Service. */
function bootstrapFor(stack: Stack, w: Workload, known: string | null): string {
  if (known) return known
  const strimzi = stack.kafka.filter((k) => k.flavour === 'strimzi')
  if (strimzi.length === 1) {
    const k = strimzi[0]!
    const ns = k.resource.namespace || w.resource.namespace
    return `${k.name}-kafka-bootstrap${ns ? `.${ns}.svc` : ''}:9092`
  }
  return 'kafka:9092'
}

function fixFor(stack: Stack, w: Workload): FixAction[] {
  const consumer = consumerOf(stack, w)
  if (consumer?.group) {
    const partitions = consumer.topics.map((t) => partitionsOf(stack, t))
    const known = partitions.every((p) => p !== null) && partitions.length > 0
    const max = known
      ? partitions.reduce<number>((n, p) => n + (p ?? 0), 0)
      : Math.max(3, (w.replicas ?? 1) * 3)
    const input = {
      workload: w,
      name: freeName(stack.resources, 'ScaledObject', w.resource.namespace, w.resource.name),
      group: consumer.group,
      topics: consumer.topics,
      bootstrapServers: bootstrapFor(stack, w, consumer.bootstrapServers),
      maxReplicas: max,
    }
    return [{ type: 'consumer', scaledObject: scaledObject(input), autopilotScaler: autopilotScaler(input) }]
  }
  const name = freeName(stack.resources, 'HorizontalPodAutoscaler', w.resource.namespace, w.resource.name)
  return [{ type: 'create', file: 'autoscalers', object: horizontalPodAutoscaler(w, name) }]
}

export const autoscalerPresent: AuditRule = {
  id: 'autoscaler-present',
  severity: 'warning',
  title: 'An HPA or KEDA ScaledObject for every stateless Deployment',
  why:
    'A stateless service with a fixed replica count is either over-provisioned or falls behind at peak; ' +
    'Kafka consumers in particular need to follow their lag. Data stores and caches are exempt.',
  equivalent: [],
  fix: 'Writes a KEDA ScaledObject on consumer-group lag for Kafka consumers (or an autopilot.yaml scaler with --consumer-scaler autopilot), else a CPU HorizontalPodAutoscaler (min 2, max 3× min).',
  check(stack) {
    const hits: RuleHit[] = []
    for (const w of stack.workloads) {
      if (w.kind !== 'Deployment' || w.stateful || w.cache || w.replicas === 0) continue
      if (autoscalerOf(stack, w) !== undefined) continue
      const consumer = consumerOf(stack, w) !== null
      hits.push({
        resource: w.resource,
        path: ['spec', 'replicas'],
        message: `${consumer ? 'Kafka consumer' : 'stateless'} Deployment ${w.resource.name} has no ${consumer ? 'ScaledObject or HPA' : 'HPA or ScaledObject'}`,
        fix: fixFor(stack, w),
      })
    }
    return hits
  },
}
