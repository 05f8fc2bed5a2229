// Reading a Strimzi KafkaNodePool (kafka.strimzi.io/v1beta2): spec.replicas, spec.roles, spec.storage and
// status.nodeIds / observedGeneration, validated so a malformed answer is AP_ERR_KUBERNETES naming the pool.
import { AutopilotError } from '../../../errors.ts'
import { asRecord } from '../../kubernetes/client.ts'
import type { Json } from '../kube.ts'

export const CLUSTER_LABEL = 'strimzi.io/cluster'
export const NEXT_IDS = 'strimzi.io/next-node-ids'
export const REMOVE_IDS = 'strimzi.io/remove-node-ids'

export interface PoolState {
  object: Json
  replicas: number
  /** Node ids Strimzi reports for the pool (status.nodeIds), sorted. */
  nodeIds: number[]
  roles: string[]
  cluster: string | undefined
  generation: number
  /** status.observedGeneration; undefined before the first reconciliation. */
  observedGeneration: number | undefined
  storage: Json | undefined
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

export function parsePool(object: Json, label: string): PoolState {
  const bad = (what: string) =>
    new AutopilotError('AP_ERR_KUBERNETES', `${label} from the API server ${what}`, { retryable: true })
  const meta = asRecord(object.metadata)
  const spec = asRecord(object.spec)
  if (!meta || !spec) throw bad('has no metadata or spec')
  if (!isCount(spec.replicas)) throw bad('has no valid spec.replicas')
  const roles = spec.roles
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string'))
    throw bad('has no valid spec.roles')
  const status = asRecord(object.status)
  const nodeIds = status?.nodeIds ?? []
  if (!Array.isArray(nodeIds) || !nodeIds.every(isCount)) throw bad('has an invalid status.nodeIds')
  const observed = status?.observedGeneration
  if (observed !== undefined && !isCount(observed)) throw bad('has an invalid status.observedGeneration')
  const generation = isCount(meta.generation) ? meta.generation : 0
  const labels = asRecord(meta.labels)
  const cluster = typeof labels?.[CLUSTER_LABEL] === 'string' ? (labels[CLUSTER_LABEL] as string) : undefined
  return {
    object,
    replicas: spec.replicas,
    nodeIds: [...(nodeIds as number[])].sort((a, b) => a - b),
    roles: roles as string[],
    cluster,
    generation,
    observedGeneration: observed as number | undefined,
    storage: asRecord(spec.storage),
  }
}

/** The pool has caught up with its spec: reconciled at this generation and one node id per replica. */
export function settled(pool: PoolState): boolean {
  return (
    pool.observedGeneration !== undefined &&
    pool.observedGeneration >= pool.generation &&
    pool.nodeIds.length === pool.replicas
  )
}

/** `[3,4]`: the node-id list format of the next-node-ids / remove-node-ids annotations. */
export function idList(ids: number[]): string {
  return `[${ids.join(',')}]`
}

/** JBOD volumes of the pool's storage; undefined when the storage is not `jbod`. */
export function jbodVolumes(pool: PoolState, label: string): Array<{ id: number }> | undefined {
  if (pool.storage?.type !== 'jbod') return undefined
  const volumes = pool.storage.volumes
  if (!Array.isArray(volumes) || !volumes.every((v) => isCount(asRecord(v)?.id))) {
    throw new AutopilotError('AP_ERR_KUBERNETES', `${label} has jbod storage without valid volumes[].id`, {
      retryable: true,
    })
  }
  return volumes as Array<{ id: number }>
}
