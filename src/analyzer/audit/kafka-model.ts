// Kafka clusters as the Kafka-aware rules see them, whatever deploys them: Strimzi (`Kafka` +
// `KafkaNodePool`), Koperator (`KafkaCluster`) or plain StatefulSets running a Kafka image.
import { asArray, asInt, asRecord, asString, get, type Json, stringMap } from './access.ts'
import { type ManifestResource, resourceLabel } from './manifest.ts'
import { sameNamespace } from './selectors.ts'
import type { Workload } from './workloads.ts'

export type Path = Array<string | number>
export type NodeRole = 'broker' | 'controller' | 'zookeeper'

/** A field inside a resource: where a finding points and where a fix writes. */
export interface Located {
  resource: ManifestResource
  path: Path
}

/** A set of identical Kafka/ZooKeeper pods an operator manages (a node pool, `spec.kafka`, a broker group). */
export interface KafkaNodeGroup {
  label: string
  roles: NodeRole[]
  replicas: number | null
  replicasAt: Located
  /** Where `affinity` / `topologySpreadConstraints` go; null when the operator has no pod template here. */
  podTemplateAt: Located | null
  spreadsAcrossNodes: boolean
  podLabels: Record<string, string>
  requests: Json | undefined
  resourcesAt: Located
  storage: 'persistent' | 'ephemeral' | 'missing'
  storageAt: Located
  /** The PDB the operator creates for these pods. */
  disruptionBudget: 'operator' | 'blocking' | 'none'
  disruptionBudgetAt: Located
}

export interface KafkaCluster {
  resource: ManifestResource
  flavour: 'strimzi' | 'koperator' | 'workload'
  name: string
  brokers: number | null
  brokersAt: Located
  quorum: { mode: 'kraft' | 'zookeeper' | 'external' | 'unknown'; count: number | null; at: Located }
  /** Broker configuration as given; Kafka's own defaults apply to missing keys. */
  config: Record<string, string>
  /** Where a fix can set a broker config key; null when it is not a plain map (Koperator properties text). */
  configAt: Located | null
  /** Operator-managed pod groups; empty for the workload flavour (its StatefulSets are audited as workloads). */
  groups: KafkaNodeGroup[]
}

export interface KafkaTopic {
  resource: ManifestResource
  name: string
  partitions: number | null
  replicas: number | null
  config: Record<string, string>
}

const HOSTNAME = 'kubernetes.io/hostname'

/** True when an affinity or topology spread term keeps pods of one group on different nodes. */
export function spreadsAcrossNodes(podTemplate: Json | undefined): boolean {
  const anti = asRecord(get(podTemplate, ['affinity', 'podAntiAffinity']))
  const terms = [
    ...asArray(anti?.requiredDuringSchedulingIgnoredDuringExecution),
    ...asArray(anti?.preferredDuringSchedulingIgnoredDuringExecution).map(
      (t) => asRecord(t)?.podAffinityTerm,
    ),
  ]
  if (terms.some((t) => asString(asRecord(t)?.topologyKey) === HOSTNAME)) return true
  return asArray(podTemplate?.topologySpreadConstraints).some(
    (c) => asString(asRecord(c)?.topologyKey) === HOSTNAME,
  )
}

function configMap(value: unknown): Record<string, string> {
  return stringMap(value)
}

function strimziStorage(value: unknown): KafkaNodeGroup['storage'] {
  const storage = asRecord(value)
  const type = asString(storage?.type)
  if (type === undefined) return 'missing'
  if (type === 'ephemeral') return 'ephemeral'
  if (type === 'jbod') {
    const volumes = asArray(storage?.volumes)
    if (volumes.length === 0) return 'missing'
    return volumes.every((v) => asString(asRecord(v)?.type) === 'persistent-claim')
      ? 'persistent'
      : 'ephemeral'
  }
  return type === 'persistent-claim' ? 'persistent' : 'missing'
}

/** Strimzi creates a PDB with maxUnavailable 1 unless the template sets it; 0 blocks every eviction. */
function strimziPdb(section: Json | undefined): KafkaNodeGroup['disruptionBudget'] {
  const max = asInt(get(section, ['template', 'podDisruptionBudget', 'maxUnavailable']))
  return max === 0 ? 'blocking' : 'operator'
}

export function readStrimziCluster(kafka: ManifestResource, pools: ManifestResource[]): KafkaCluster {
  const spec = asRecord(kafka.object.spec)
  const kafkaSpec = asRecord(spec?.kafka)
  const zkSpec = asRecord(spec?.zookeeper)
  const at = (path: Path): Located => ({ resource: kafka, path })
  const mine = pools.filter(
    (p) =>
      sameNamespace(p.namespace, kafka.namespace) &&
      stringMap(get(p.object, ['metadata', 'labels']))['strimzi.io/cluster'] === kafka.name,
  )
  const annotations = stringMap(get(kafka.object, ['metadata', 'annotations']))
  const usesPools = mine.length > 0 || annotations['strimzi.io/node-pools'] === 'enabled'
  const groups: KafkaNodeGroup[] = []
  const kafkaTemplate = asRecord(get(kafkaSpec, ['template', 'pod']))
  const rackOnHosts = asString(get(kafkaSpec, ['rack', 'topologyKey'])) === HOSTNAME
  const kafkaPdb = strimziPdb(kafkaSpec)
  if (usesPools) {
    for (const pool of mine) {
      const poolSpec = asRecord(pool.object.spec)
      const pAt = (path: Path): Located => ({ resource: pool, path })
      const roles = asArray(poolSpec?.roles).filter(
        (r): r is NodeRole => r === 'broker' || r === 'controller',
      )
      const template = asRecord(get(poolSpec, ['template', 'pod'])) ?? kafkaTemplate
      groups.push({
        label: resourceLabel(pool),
        roles,
        replicas: asInt(poolSpec?.replicas) ?? null,
        replicasAt: pAt(['spec', 'replicas']),
        podTemplateAt: pAt(['spec', 'template', 'pod']),
        spreadsAcrossNodes: rackOnHosts || spreadsAcrossNodes(template),
        podLabels: { 'strimzi.io/cluster': kafka.name, 'strimzi.io/pool-name': pool.name },
        requests: asRecord(get(poolSpec?.resources ?? kafkaSpec?.resources, ['requests'])),
        resourcesAt: pAt(['spec', 'resources']),
        storage: strimziStorage(poolSpec?.storage),
        storageAt: pAt(['spec', 'storage']),
        disruptionBudget: kafkaPdb,
        disruptionBudgetAt: at(['spec', 'kafka', 'template', 'podDisruptionBudget']),
      })
    }
  } else if (kafkaSpec !== undefined) {
    groups.push({
      label: `${resourceLabel(kafka)} (kafka)`,
      roles: zkSpec === undefined ? ['broker', 'controller'] : ['broker'],
      replicas: asInt(kafkaSpec.replicas) ?? null,
      replicasAt: at(['spec', 'kafka', 'replicas']),
      podTemplateAt: at(['spec', 'kafka', 'template', 'pod']),
      spreadsAcrossNodes: rackOnHosts || spreadsAcrossNodes(kafkaTemplate),
      podLabels: { 'strimzi.io/name': `${kafka.name}-kafka` },
      requests: asRecord(get(kafkaSpec, ['resources', 'requests'])),
      resourcesAt: at(['spec', 'kafka', 'resources']),
      storage: strimziStorage(kafkaSpec.storage),
      storageAt: at(['spec', 'kafka', 'storage']),
      disruptionBudget: kafkaPdb,
      disruptionBudgetAt: at(['spec', 'kafka', 'template', 'podDisruptionBudget']),
    })
  }
  if (zkSpec !== undefined) {
    groups.push({
      label: `${resourceLabel(kafka)} (zookeeper)`,
      roles: ['zookeeper'],
      replicas: asInt(zkSpec.replicas) ?? null,
      replicasAt: at(['spec', 'zookeeper', 'replicas']),
      podTemplateAt: at(['spec', 'zookeeper', 'template', 'pod']),
      spreadsAcrossNodes: spreadsAcrossNodes(asRecord(get(zkSpec, ['template', 'pod']))),
      podLabels: { 'strimzi.io/name': `${kafka.name}-zookeeper` },
      requests: asRecord(get(zkSpec, ['resources', 'requests'])),
      resourcesAt: at(['spec', 'zookeeper', 'resources']),
      storage: strimziStorage(zkSpec.storage),
      storageAt: at(['spec', 'zookeeper', 'storage']),
      disruptionBudget: strimziPdb(zkSpec),
      disruptionBudgetAt: at(['spec', 'zookeeper', 'template', 'podDisruptionBudget']),
    })
  }
  const sum = (role: NodeRole): number | null => {
    const members = groups.filter((g) => g.roles.includes(role))
    if (members.length === 0 || members.some((g) => g.replicas === null)) return null
    return members.reduce((n, g) => n + (g.replicas ?? 0), 0)
  }
  const firstPool = (role: NodeRole): Located =>
    groups.find((g) => g.roles.includes(role))?.replicasAt ?? at(usesPools ? ['metadata'] : ['spec', 'kafka'])
  const quorum: KafkaCluster['quorum'] =
    zkSpec !== undefined
      ? {
          mode: 'zookeeper',
          count: asInt(zkSpec.replicas) ?? null,
          at: at(['spec', 'zookeeper', 'replicas']),
        }
      : { mode: 'kraft', count: sum('controller'), at: firstPool('controller') }
  return {
    resource: kafka,
    flavour: 'strimzi',
    name: kafka.name,
    brokers: sum('broker'),
    brokersAt: firstPool('broker'),
    quorum,
    config: configMap(kafkaSpec?.config),
    configAt: at(['spec', 'kafka', 'config']),
    groups,
  }
}

/** Koperator: brokers are listed one by one in `spec.brokers`, grouped here by their brokerConfigGroup. */
export function readKoperatorCluster(resource: ManifestResource): KafkaCluster {
  const spec = asRecord(resource.object.spec)
  const at = (path: Path): Located => ({ resource, path })
  const configGroups = asRecord(spec?.brokerConfigGroups) ?? {}
  const byGroup = new Map<string, { config: Json; roles: NodeRole[]; count: number }>()
  for (const b of asArray(spec?.brokers)) {
    const broker = asRecord(b)
    const groupName = asString(broker?.brokerConfigGroup) ?? 'per-broker'
    // A broker's own brokerConfig overrides its group's fields (Koperator merges the two).
    const config = { ...asRecord(configGroups[groupName]), ...asRecord(broker?.brokerConfig) }
    const roleList = asArray(config?.processRoles).filter(
      (r): r is NodeRole => r === 'broker' || r === 'controller',
    )
    const roles: NodeRole[] = roleList.length > 0 ? roleList : ['broker']
    const key = `${groupName}:${roles.join('+')}`
    const entry = byGroup.get(key) ?? { config, roles, count: 0 }
    entry.count += 1
    byGroup.set(key, entry)
  }
  const oneBrokerPerNode = spec?.oneBrokerPerNode === true
  const budget = asRecord(spec?.disruptionBudget)
  const pdb: KafkaNodeGroup['disruptionBudget'] =
    budget?.create !== true
      ? 'none'
      : /^0%?$/.test(String(budget.budget ?? '').trim())
        ? 'blocking'
        : 'operator'
  const groups: KafkaNodeGroup[] = [...byGroup].map(([key, g]) => ({
    label: `${resourceLabel(resource)} (${key.split(':')[0]}${g.roles.join('+') === 'broker' ? '' : `, ${g.roles.join('+')}`})`,
    roles: g.roles,
    replicas: g.count,
    replicasAt: at(['spec', 'brokers']),
    podTemplateAt: null,
    spreadsAcrossNodes: oneBrokerPerNode || spreadsAcrossNodes(g.config),
    podLabels: { kafka_cr: resource.name, app: 'kafka' },
    requests: asRecord(get(g.config, ['resourceRequirements', 'requests'])),
    resourcesAt: at(['spec', 'brokerConfigGroups']),
    storage: storageOfKoperator(g.config),
    storageAt: at(['spec', 'brokerConfigGroups']),
    disruptionBudget: pdb,
    disruptionBudgetAt: at(['spec', 'disruptionBudget']),
  }))
  const brokerCount = asArray(spec?.brokers).length
  const controllers = groups
    .filter((g) => g.roles.includes('controller'))
    .reduce((n, g) => n + (g.replicas ?? 0), 0)
  const quorum: KafkaCluster['quorum'] =
    spec?.kRaft === true
      ? { mode: 'kraft', count: controllers, at: at(['spec', 'brokers']) }
      : {
          mode: asArray(spec?.zkAddresses).length > 0 ? 'external' : 'unknown',
          count: null,
          at: at(['spec']),
        }
  return {
    resource,
    flavour: 'koperator',
    name: resource.name,
    brokers:
      groups.filter((g) => g.roles.includes('broker')).reduce((n, g) => n + (g.replicas ?? 0), 0) ||
      brokerCount,
    brokersAt: at(['spec', 'brokers']),
    quorum,
    config: {
      ...parseProperties(asString(spec?.clusterWideConfig)),
      ...parseProperties(asString(spec?.readOnlyConfig)),
    },
    configAt: null,
    groups,
  }
}

function storageOfKoperator(config: Json | undefined): KafkaNodeGroup['storage'] {
  const storages = asArray(config?.storageConfigs).map(asRecord)
  if (storages.length === 0) return 'missing'
  return storages.every((s) => s?.pvcSpec !== undefined) ? 'persistent' : 'ephemeral'
}

/** `key=value` lines (Java properties subset: `#` comments, `=` or `:` separators). */
export function parseProperties(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    const match = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line)
    if (match) out[match[1]!] = match[2]!
  }
  return out
}

/**
 * Kafka run as plain StatefulSets (Bitnami, Confluent images): one cluster per namespace, its config read
 * from KAFKA_CFG_* (Bitnami) or KAFKA_* (Apache/Confluent images) environment variables.
 */
export function readWorkloadClusters(workloads: Workload[]): KafkaCluster[] {
  const namespaces = [
    ...new Set(workloads.filter((w) => w.kafkaRoles.includes('broker')).map((w) => w.resource.namespace)),
  ]
  return namespaces.map((ns) => {
    const inNs = workloads.filter((w) => w.resource.namespace === ns)
    const brokers = inNs.filter((w) => w.kafkaRoles.includes('broker'))
    const first = brokers[0]!
    const count = (list: Workload[]) => list.reduce((n, w) => n + (w.replicas ?? 0), 0)
    const controllers = inNs.filter((w) => w.kafkaRoles.includes('controller'))
    const zookeepers = inNs.filter((w) => w.kafkaRoles.includes('zookeeper'))
    const config = envConfig(first)
    const at = (w: Workload): Located => ({ resource: w.resource, path: ['spec', 'replicas'] })
    let quorum: KafkaCluster['quorum']
    if (controllers.length > 0) quorum = { mode: 'kraft', count: count(controllers), at: at(controllers[0]!) }
    else if (zookeepers.length > 0)
      quorum = { mode: 'zookeeper', count: count(zookeepers), at: at(zookeepers[0]!) }
    else quorum = { mode: config['zookeeper.connect'] ? 'external' : 'unknown', count: null, at: at(first) }
    return {
      resource: first.resource,
      flavour: 'workload' as const,
      name: first.resource.name,
      brokers: count(brokers),
      brokersAt: at(first),
      quorum,
      config,
      configAt: null,
      groups: [],
    }
  })
}

function envConfig(w: Workload): Record<string, string> {
  const out: Record<string, string> = {}
  for (const c of w.containers) {
    for (const e of asArray(c.spec.env)) {
      const name = asString(asRecord(e)?.name)
      const value = asString(asRecord(e)?.value)
      if (name === undefined || value === undefined) continue
      const match = /^KAFKA_(CFG_)?([A-Z0-9_]+)$/.exec(name)
      if (match) out[match[2]!.toLowerCase().replaceAll('_', '.')] = value
    }
  }
  return out
}

export function readTopic(resource: ManifestResource): KafkaTopic {
  const spec = asRecord(resource.object.spec)
  const koperator = resource.apiVersion.startsWith('kafka.banzaicloud.io')
  return {
    resource,
    name: asString(koperator ? spec?.name : spec?.topicName) ?? resource.name,
    partitions: asInt(spec?.partitions) ?? null,
    replicas: asInt(koperator ? spec?.replicationFactor : spec?.replicas) ?? null,
    config: configMap(spec?.config),
  }
}
