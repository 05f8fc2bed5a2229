// Pod-running workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet) in the shape the rules need.
import { asArray, asInt, asRecord, asString, get, type Json, stringMap } from './access.ts'
import { isCacheImage, isDataStoreImage, isKafkaBrokerImage, isZooKeeperImage } from './images.ts'
import type { ManifestResource } from './manifest.ts'
import { type LabelSelector, readSelector } from './selectors.ts'

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] as const
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number]

export const POD_SPEC_PATH = ['spec', 'template', 'spec'] as const

export interface Container {
  name: string
  image: string
  /** Index in `containers`. */
  index: number
  spec: Json
}

export interface ConsumerInfo {
  group: string | null
  topics: string[]
  bootstrapServers: string | null
}

export interface Workload {
  resource: ManifestResource
  kind: WorkloadKind
  /** spec.replicas, defaulting to 1 as the API server does; null for DaemonSets (one per node). */
  replicas: number | null
  podLabels: Record<string, string>
  selector: LabelSelector | undefined
  pod: Json
  containers: Container[]
  /** Keeps data that must survive a restart: a StatefulSet or a data-store image. */
  stateful: boolean
  /** A cache (redis, memcached): not stateful on disk, but not scaled by an HPA either. */
  cache: boolean
  kafkaRoles: Array<'broker' | 'controller' | 'zookeeper'>
  /** Set when the workload reads from Kafka in a consumer group (from env or annotations). */
  consumer: ConsumerInfo | null
  annotations: Record<string, string>
}

/** Reads a workload; returns a message naming the missing field when the manifest is not usable. */
export function readWorkload(resource: ManifestResource): Workload | { missing: string } {
  const kind = resource.kind as WorkloadKind
  const obj = resource.object
  const pod = asRecord(get(obj, POD_SPEC_PATH))
  if (pod === undefined) return { missing: 'spec.template.spec' }
  const rawContainers = asArray(pod.containers)
  if (rawContainers.length === 0) return { missing: 'spec.template.spec.containers' }
  const containers: Container[] = rawContainers.flatMap((c, index) => {
    const spec = asRecord(c)
    return spec === undefined
      ? []
      : [{ name: asString(spec.name) ?? `#${index}`, image: asString(spec.image) ?? '', index, spec }]
  })
  const replicas = kind === 'DaemonSet' ? null : (asInt(get(obj, ['spec', 'replicas'])) ?? 1)
  const images = containers.map((c) => c.image)
  const annotations = stringMap(get(obj, ['metadata', 'annotations']))
  return {
    resource,
    kind,
    replicas,
    podLabels: stringMap(get(obj, ['spec', 'template', 'metadata', 'labels'])),
    selector: readSelector(get(obj, ['spec', 'selector'])),
    pod,
    containers,
    stateful: kind === 'StatefulSet' || images.some(isDataStoreImage),
    cache: images.some(isCacheImage),
    kafkaRoles: kafkaRolesOf(containers),
    consumer: consumerOf(containers, annotations),
    annotations,
  }
}

function envOf(containers: Container[]): Map<string, string | null> {
  const env = new Map<string, string | null>()
  for (const c of containers) {
    for (const e of asArray(c.spec.env)) {
      const name = asString(asRecord(e)?.name)
      if (name !== undefined) env.set(name.toUpperCase(), asString(asRecord(e)?.value) ?? null)
    }
  }
  return env
}

function kafkaRolesOf(containers: Container[]): Workload['kafkaRoles'] {
  if (containers.some((c) => isZooKeeperImage(c.image))) return ['zookeeper']
  if (!containers.some((c) => isKafkaBrokerImage(c.image))) return []
  // Bitnami (KAFKA_CFG_PROCESS_ROLES) and Apache/Confluent (KAFKA_PROCESS_ROLES) images take process.roles from env.
  const env = envOf(containers)
  const roles = env.get('KAFKA_CFG_PROCESS_ROLES') ?? env.get('KAFKA_PROCESS_ROLES')
  if (!roles) return ['broker']
  const out: Workload['kafkaRoles'] = []
  if (roles.includes('broker')) out.push('broker')
  if (roles.includes('controller')) out.push('controller')
  return out
}

const GROUP_ENV = /^(GROUP_ID|CONSUMER_GROUP|CONSUMER_GROUP_ID)$|KAFKA.*GROUP(_ID)?$/
const TOPIC_ENV = /^(TOPIC|TOPICS)$|(KAFKA|CONSUMER|INPUT|SOURCE).*TOPICS?$/
const BOOTSTRAP_ENV = /BOOTSTRAP|^KAFKA_BROKERS$/

/** Annotations that declare a consumer where env vars do not tell (values from Secrets, config files). */
export const CONSUMER_GROUP_ANNOTATION = 'kafka-autopilot/consumer-group'
export const CONSUMER_TOPICS_ANNOTATION = 'kafka-autopilot/topics'

/**
 * A workload is a consumer when it names a consumer group (annotation, or an env var such as
 * KAFKA_GROUP_ID / KAFKA_CONSUMER_GROUP). A topic env var alone is not enough: producers have one too.
 */
function consumerOf(containers: Container[], annotations: Record<string, string>): ConsumerInfo | null {
  const env = envOf(containers)
  let group: string | null | undefined = annotations[CONSUMER_GROUP_ANNOTATION]
  let topics = splitList(annotations[CONSUMER_TOPICS_ANNOTATION])
  let bootstrapServers: string | null = null
  for (const [name, value] of env) {
    if (group === undefined && GROUP_ENV.test(name)) group = value
    if (topics.length === 0 && TOPIC_ENV.test(name)) topics = splitList(value ?? undefined)
    if (bootstrapServers === null && BOOTSTRAP_ENV.test(name)) bootstrapServers = value
  }
  if (group === undefined) return null
  return { group, topics, bootstrapServers }
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}
