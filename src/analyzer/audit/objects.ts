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
  kind: 'HorizontalPodAutoscaler' | 'ScaledObject'
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
    targetKind: asString(ref?.kind) ?? 'Deployment',
    targetName,
    minReplicas: asInt(spec?.minReplicaCount) ?? 0,
    maxReplicas: asInt(spec?.maxReplicaCount) ?? 100,
    kafkaTriggers,
  }
}

export function readService(resource: ManifestResource): Service {
  return { resource, selector: stringMap(get(resource.object, ['spec', 'selector'])) }
}
