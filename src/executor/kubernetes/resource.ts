// Which REST resource a target names, and what its Scale answer says. Built-in apps/v1 kinds need only
// `kind`; any other resource with a scale subresource (a CRD declaring `subresources.scale`, e.g. Strimzi's
// KafkaNodePool or KafkaConnect) needs `apiVersion`, and `plural` when it is not lowercase(kind) + "s".
import { AutopilotError } from '../../errors.ts'
import { asRecord } from './client.ts'

export interface ResourceRef {
  group: string
  version: string
  /** REST resource name: `deployments`. */
  plural: string
  kind: string
  namespace: string
  name: string
}

const BUILT_IN: Record<string, { group: string; version: string; plural: string }> = {
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments' },
  ReplicaSet: { group: 'apps', version: 'v1', plural: 'replicasets' },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets' },
}

export function isBuiltIn(kind: string): boolean {
  return Object.hasOwn(BUILT_IN, kind)
}

/** Resolves kind/apiVersion/plural; throws AP_ERR_CONFIG naming the field when it cannot. */
export function resolveResource(
  input: { kind: string; name: string; namespace: string; apiVersion?: string; plural?: string },
  field: string,
): ResourceRef {
  const builtIn = BUILT_IN[input.kind]
  let group: string
  let version: string
  if (input.apiVersion !== undefined) {
    const slash = input.apiVersion.indexOf('/')
    if (slash === -1) {
      throw new AutopilotError('AP_ERR_CONFIG', `apiVersion "${input.apiVersion}" is in the core group`, {
        field: `${field}.apiVersion`,
        hint: 'core-group kinds (ReplicationController) are not supported; use a Deployment',
      })
    }
    group = input.apiVersion.slice(0, slash)
    version = input.apiVersion.slice(slash + 1)
    if (builtIn && group !== builtIn.group) {
      throw new AutopilotError('AP_ERR_CONFIG', `${input.kind} is served by ${builtIn.group}, not ${group}`, {
        field: `${field}.apiVersion`,
      })
    }
  } else if (builtIn) {
    group = builtIn.group
    version = builtIn.version
  } else {
    throw new AutopilotError('AP_ERR_CONFIG', `kind ${input.kind} needs apiVersion (group/version)`, {
      field: `${field}.apiVersion`,
      hint: 'e.g. apiVersion: kafka.strimzi.io/v1beta2 for a KafkaNodePool',
    })
  }
  const plural = input.plural ?? builtIn?.plural ?? `${input.kind.toLowerCase()}s`
  return { group, version, plural, kind: input.kind, namespace: input.namespace, name: input.name }
}

/** `Deployment shop/orders-consumer`, for messages. */
export function describeRef(ref: ResourceRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`
}

export interface ScaleState {
  /** spec.replicas */
  desired: number
  /** status.replicas (0 when the status is not published yet) */
  current: number
}

const count = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/** Validates an autoscaling/v1 Scale answer; anything malformed is AP_ERR_KUBERNETES, never a crash. */
export function parseScale(body: unknown, ref: ResourceRef): ScaleState {
  const bad = (what: string) =>
    new AutopilotError('AP_ERR_KUBERNETES', `the Scale of ${describeRef(ref)} from the API server ${what}`, {
      retryable: true,
    })
  const scale = asRecord(body)
  if (!scale) throw bad('is not an object')
  const spec = asRecord(scale.spec)
  // A merge-patched or defaulted Scale always carries spec.replicas (0 is sent, not omitted).
  if (!spec || !count(spec.replicas)) throw bad('has no valid spec.replicas')
  const status = asRecord(scale.status)
  const current = status?.replicas ?? 0
  if (!count(current)) throw bad('has an invalid status.replicas')
  return { desired: spec.replicas as number, current: current as number }
}

/**
 * Ready replicas from the resource itself: `status.readyReplicas`, which apps/v1 omits when it is 0. A
 * custom resource that publishes no readyReplicas reports `fallback` (its Scale's status.replicas).
 */
export function parseReady(body: unknown, ref: ResourceRef, fallback: number): number {
  const status = asRecord(asRecord(body)?.status)
  const ready = status?.readyReplicas
  if (ready === undefined) return isBuiltIn(ref.kind) ? 0 : fallback
  if (!count(ready)) {
    throw new AutopilotError('AP_ERR_KUBERNETES', `${describeRef(ref)} has an invalid status.readyReplicas`, {
      retryable: true,
    })
  }
  return ready as number
}
