// Builders for the resources --fix writes. Plain objects; the renderer turns them into YAML.
import type { Json } from '../access.ts'
import type { ManifestResource } from '../manifest.ts'
import type { Workload } from '../workloads.ts'

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kafka-autopilot' }
const HOSTNAME = 'kubernetes.io/hostname'

function metadata(name: string, namespace: string): Json {
  return { name, ...(namespace ? { namespace } : {}), labels: { ...MANAGED_BY } }
}

/** The labels that select the workload's pods: its selector's matchLabels, else its pod labels. */
export function selectorLabels(w: Workload): Record<string, string> {
  const match = w.selector?.matchLabels ?? {}
  return Object.keys(match).length > 0 ? match : w.podLabels
}

/** maxUnavailable 1: one pod may be evicted at a time, at any replica count (minAvailable N blocks at N). */
export function podDisruptionBudget(w: Workload, name: string): Json {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(name, w.resource.namespace),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(w) } },
  }
}

/** CPU-based HPA: at least 2 replicas so one pod can fail or be evicted, and room to triple. */
export function horizontalPodAutoscaler(w: Workload, name: string): Json {
  const min = Math.max(2, w.replicas ?? 1)
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(name, w.resource.namespace),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: w.kind, name: w.resource.name },
      minReplicas: min,
      maxReplicas: min * 3,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
  }
}

export interface ScaledObjectInput {
  workload: Workload
  name: string
  group: string
  topics: string[]
  bootstrapServers: string
  /** Upper bound; the topic's partition count when known. */
  maxReplicas: number
}

/**
 * KEDA Kafka trigger on the group's lag. lagThreshold 100 records per replica is a starting point (KEDA's
 * default of 10 reacts to every small burst); tune it to what one replica drains in your lag budget.
 */
export function scaledObject(input: ScaledObjectInput): Json {
  const w = input.workload
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: metadata(input.name, w.resource.namespace),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: w.kind, name: w.resource.name },
      minReplicaCount: 1,
      maxReplicaCount: input.maxReplicas,
      triggers: [
        {
          type: 'kafka',
          metadata: {
            bootstrapServers: input.bootstrapServers,
            consumerGroup: input.group,
            ...(input.topics.length === 1 ? { topic: input.topics[0] } : {}),
            lagThreshold: '100',
          },
        },
      ],
    },
  }
}

/** The same consumer scaling as an autopilot.yaml scaler: Autopilot scales the Deployment itself. */
export function autopilotScaler(input: ScaledObjectInput): Json {
  const w = input.workload
  return {
    name: input.name,
    target: {
      type: 'kubernetes',
      kind: w.kind,
      name: w.resource.name,
      ...(w.resource.namespace ? { namespace: w.resource.namespace } : {}),
    },
    trigger: {
      type: 'kafka',
      metadata: {
        bootstrapServers: input.bootstrapServers,
        consumerGroup: input.group,
        ...(input.topics.length > 0 ? { topic: input.topics.join(',') } : {}),
        lagThreshold: 100,
      },
    },
    policy: { type: 'lag' },
    minReplicaCount: 1,
    maxReplicaCount: input.maxReplicas,
  }
}

/** A soft (preferred) anti-affinity term on the node hostname: spreads pods, never blocks scheduling. */
export function hostAntiAffinityTerm(labels: Record<string, string>): Json {
  return { weight: 100, podAffinityTerm: { topologyKey: HOSTNAME, labelSelector: { matchLabels: labels } } }
}

export const PROMETHEUS_RULE_NAME = 'kafka-autopilot-ha-alerts'

export function prometheusRule(namespace: string, rules: Json[]): Json {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      ...metadata(PROMETHEUS_RULE_NAME, namespace),
      labels: { ...MANAGED_BY, role: 'alert-rules' },
    },
    spec: { groups: [{ name: 'kafka-autopilot-ha', rules }] },
  }
}

/** A name for a new resource that does not collide with an existing one of the same kind and namespace. */
export function freeName(
  existing: ManifestResource[],
  kind: string,
  namespace: string,
  base: string,
): string {
  const taken = (n: string) =>
    existing.some((r) => r.kind === kind && r.namespace === namespace && r.name === n)
  return taken(base) ? `${base}-autopilot` : base
}
