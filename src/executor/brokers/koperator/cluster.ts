// Reading a Koperator KafkaCluster (kafka.banzaicloud.io/v1beta1): spec.brokers[] (id, brokerConfigGroup,
// brokerConfig), spec.brokerConfigGroups, status.state and status.brokersState[id].gracefulActionState
// (cruiseControlState, volumeStates). Malformed answers are AP_ERR_KUBERNETES naming the cluster.
import { AutopilotError } from '../../../errors.ts'
import { asRecord } from '../../kubernetes/client.ts'
import type { Json } from '../kube.ts'

export interface BrokerEntry {
  id: number
  /** Position in spec.brokers, for JSON patch paths. */
  index: number
  group: string | undefined
  config: Json | undefined
}

export interface BrokerState {
  cruiseControlState: string | undefined
  /** mountPath → cruiseControlVolumeState */
  volumes: Record<string, string>
}

export interface ClusterState {
  object: Json
  brokers: BrokerEntry[]
  groups: Record<string, Json>
  kraft: boolean
  /** status.state: ClusterRunning, ClusterReconciling, ClusterRollingUpgrading, … */
  state: string | undefined
  /** status.brokersState, by broker id. */
  brokerStates: Map<number, BrokerState>
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

export function parseCluster(object: Json, label: string): ClusterState {
  const bad = (what: string) =>
    new AutopilotError('AP_ERR_KUBERNETES', `${label} from the API server ${what}`, { retryable: true })
  const spec = asRecord(object.spec)
  if (!spec || !Array.isArray(spec.brokers)) throw bad('has no spec.brokers list')
  const brokers = spec.brokers.map((item, index) => {
    const broker = asRecord(item)
    if (!broker || !isId(broker.id)) throw bad(`has an invalid spec.brokers[${index}].id`)
    return {
      id: broker.id,
      index,
      group: typeof broker.brokerConfigGroup === 'string' ? broker.brokerConfigGroup : undefined,
      config: asRecord(broker.brokerConfig),
    }
  })
  const groups: Record<string, Json> = {}
  for (const [name, group] of Object.entries(asRecord(spec.brokerConfigGroups) ?? {})) {
    const record = asRecord(group)
    if (record) groups[name] = record
  }
  const status = asRecord(object.status)
  const brokerStates = new Map<number, BrokerState>()
  for (const [key, value] of Object.entries(asRecord(status?.brokersState) ?? {})) {
    const id = Number(key)
    if (!isId(id) || String(id) !== key)
      throw bad(`has a brokersState key ${JSON.stringify(key)} that is not a broker id`)
    const graceful = asRecord(asRecord(value)?.gracefulActionState)
    const volumes: Record<string, string> = {}
    for (const [mountPath, volume] of Object.entries(asRecord(graceful?.volumeStates) ?? {})) {
      const state = asRecord(volume)?.cruiseControlVolumeState
      if (typeof state === 'string') volumes[mountPath] = state
    }
    const ccState = graceful?.cruiseControlState
    brokerStates.set(id, { cruiseControlState: typeof ccState === 'string' ? ccState : undefined, volumes })
  }
  return {
    object,
    brokers,
    groups,
    kraft: spec.kRaft === true,
    state: typeof status?.state === 'string' ? status.state : undefined,
    brokerStates,
  }
}

/** processRoles of a broker: its own brokerConfig, else its group's; ZooKeeper clusters have brokers only. */
export function rolesOf(cluster: ClusterState, broker: BrokerEntry): string[] {
  const own = broker.config?.processRoles
  const group = broker.group ? cluster.groups[broker.group]?.processRoles : undefined
  const roles = Array.isArray(own) ? own : Array.isArray(group) ? group : undefined
  if (roles) return roles.filter((r): r is string => typeof r === 'string')
  return ['broker']
}

/** Mount paths a broker already uses (its own storageConfigs and its group's). */
export function mountPathsOf(cluster: ClusterState, broker: BrokerEntry): Set<string> {
  const out = new Set<string>()
  const configs = [broker.config, broker.group ? cluster.groups[broker.group] : undefined]
  for (const config of configs) {
    const storage = config?.storageConfigs
    if (!Array.isArray(storage)) continue
    for (const item of storage) {
      const mountPath = asRecord(item)?.mountPath
      if (typeof mountPath === 'string') out.add(mountPath)
    }
  }
  return out
}

// Koperator's CruiseControlState values (api/v1beta1/common_types.go).
const ACTIVE_BROKER = /^Graceful(Up|Down)scale(Required|Scheduled|Running|CompletedWithError|Paused)$/
const ACTIVE_VOLUME =
  /^GracefulDisk(Rebalance|Removal)(Required|Scheduled|Running|CompletedWithError|Paused)$/

/** Brokers with a Cruise Control action pending or running (what Koperator itself waits for). */
export function activeActions(cluster: ClusterState): string[] {
  const out: string[] = []
  for (const [id, state] of cluster.brokerStates) {
    if (state.cruiseControlState && ACTIVE_BROKER.test(state.cruiseControlState)) {
      out.push(`broker ${id} ${state.cruiseControlState}`)
    }
    for (const [mountPath, volume] of Object.entries(state.volumes)) {
      if (ACTIVE_VOLUME.test(volume)) out.push(`broker ${id} ${mountPath} ${volume}`)
    }
  }
  return out
}
