// PodDisruptionBudgets, autoscalers (HPA, KEDA ScaledObject) and Services as the rules read them.
import { asArray, asInt, asRecord, asString, get, stringMap } from './access.ts'
import type { ManifestResource } from './manifest.ts'
import { type LabelSelector, readSelector } from './selectors.ts'

/** An int-or-percent field (`1`, `"25%"`); undefined when unset. */
export type IntOrPercent = { int: number } | { percent: number }

export interface Pdb {
  resource: ManifestResource
  selector: LabelSelector | undefined
  minAvailable: IntOrPercent | undefined
  maxUnavailable: IntOrPercent | undefined
}

export interface Autoscaler {
  resource: ManifestResource
  /** AutopilotScaler: one `scalers[]` entry of an autopilot.yaml with a Kubernetes target. */
  kind: 'HorizontalPodAutoscaler' | 'ScaledObject' | 'AutopilotScaler'
  /** Namespace of the target ('' when the manifest leaves it to `kubectl -n`). */
  namespace: string
  /** Where in the resource the autoscaler is (the `scalers[i]` entry for Autopilot). */
  path: Array<string | number>
  targetKind: string
  targetName: string
  minReplicas: number
  maxReplicas: number | undefined
  /** ScaledObject Kafka triggers (type kafka or apache-kafka). */
  kafkaTriggers: Array<{ topic: string | null; consumerGroup: string | null; allowIdleConsumers: boolean }>
}

export interface Service {
  resource: ManifestResource
  selector: Record<string, string>
}

export function readIntOrPercent(value: unknown): IntOrPercent | undefined {
  const int = asInt(value)
  if (int !== undefined) return { int }
  const text = asString(value)
  const match = text === undefined ? null : /^\s*(\d+)%\s*$/.exec(text)
  return match ? { percent: Number(match[1]) } : undefined
}

export function readPdb(resource: ManifestResource): Pdb {
  const spec = asRecord(resource.object.spec)
  return {
    resource,
    selector: readSelector(spec?.selector),
    minAvailable: readIntOrPercent(spec?.minAvailable),
    maxUnavailable: readIntOrPercent(spec?.maxUnavailable),
  }
}

export function readAutoscaler(resource: ManifestResource): Autoscaler | { missing: string } {
  const spec = asRecord(resource.object.spec)
  const ref = asRecord(spec?.scaleTargetRef)
  const targetName = asString(ref?.name)
  if (targetName === undefined) return { missing: 'spec.scaleTargetRef.name' }
  if (resource.kind === 'HorizontalPodAutoscaler') {
    const maxReplicas = asInt(spec?.maxReplicas)
    if (maxReplicas === undefined) return { missing: 'spec.maxReplicas' }
    return {
      resource,
      kind: 'HorizontalPodAutoscaler',
      namespace: resource.namespace,
      path: [],
      targetKind: asString(ref?.kind) ?? 'Deployment',
      targetName,
      minReplicas: asInt(spec?.minReplicas) ?? 1,
      maxReplicas,
      kafkaTriggers: [],
    }
  }
  const kafkaTriggers = asArray(spec?.triggers).flatMap((t) => {
    const trigger = asRecord(t)
    const type = asString(trigger?.type)
    if (type !== 'kafka' && type !== 'apache-kafka') return []
    const meta = stringMap(trigger?.metadata)
    return [
      {
        topic: meta.topic ?? null,
        consumerGroup: meta.consumerGroup ?? null,
        allowIdleConsumers: meta.allowIdleConsumers === 'true',
      },
    ]
  })
  // KEDA defaults: minReplicaCount 0, maxReplicaCount 100.
  return {
    resource,
    kind: 'ScaledObject',
    namespace: resource.namespace,
    path: [],
    targetKind: asString(ref?.kind) ?? 'Deployment',
    targetName,
    minReplicas: asInt(spec?.minReplicaCount) ?? 0,
    maxReplicas: asInt(spec?.maxReplicaCount) ?? 100,
    kafkaTriggers,
  }
}

/**
 * The Kubernetes-target scalers of an autopilot.yaml, read leniently (`autopilot validate` checks the file):
 * Autopilot's defaults are KEDA's (min 0, max 100, namespace default).
 */
export function readAutopilotScalers(resource: ManifestResource): Autoscaler[] {
  return asArray(resource.object.scalers).flatMap((s, i) => {
    const scaler = asRecord(s)
    const target = asRecord(scaler?.target)
    const name = asString(target?.name)
    if (target?.type !== 'kubernetes' || name === undefined) return []
    const meta = stringMap(get(scaler, ['trigger', 'metadata']))
    return [
      {
        resource,
        kind: 'AutopilotScaler' as const,
        namespace: asString(target.namespace) ?? 'default',
        path: ['scalers', i],
        targetKind: asString(target.kind) ?? 'Deployment',
        targetName: name,
        minReplicas: asInt(scaler?.minReplicaCount) ?? 0,
        maxReplicas: asInt(scaler?.maxReplicaCount) ?? 100,
        kafkaTriggers: [
          {
            topic: meta.topic ?? null,
            consumerGroup: meta.consumerGroup ?? null,
            allowIdleConsumers: meta.allowIdleConsumers === 'true',
          },
        ],
      },
    ]
  })
}

/** Where an autoscaler's own fields live, and how to name it in a finding. */
export function autoscalerFields(a: Autoscaler): {
  base: Array<string | number>
  min: string
  max: string
  label: string
} {
  if (a.kind === 'HorizontalPodAutoscaler')
    return {
      base: ['spec'],
      min: 'minReplicas',
      max: 'maxReplicas',
      label: `HorizontalPodAutoscaler ${a.resource.name}`,
    }
  if (a.kind === 'ScaledObject')
    return {
      base: ['spec'],
      min: 'minReplicaCount',
      max: 'maxReplicaCount',
      label: `ScaledObject ${a.resource.name}`,
    }
  return {
    base: a.path,
    min: 'minReplicaCount',
    max: 'maxReplicaCount',
    label: `${a.resource.name} ${a.path[0]}[${a.path[1]}]`,
  }
}

export function readService(resource: ManifestResource): Service {
  return { resource, selector: stringMap(get(resource.object, ['spec', 'selector'])) }
}
