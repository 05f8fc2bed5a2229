// A simulated Koperator for the fake API server: turns changes of KafkaCluster spec.brokers into the graceful
// action states Koperator reports in status.brokersState[id].gracefulActionState — upscale
// Required → Scheduled → Running → Succeeded, downscale Required → Scheduled → Running → Succeeded → entry
// deleted (pod and PVCs gone), and a disk rebalance per new storageConfigs mountPath — with status.state
// ClusterReconciling while anything moves. One step per API request after `steps` requests.
import type { FakeKubeApi, Json, Resource } from '../fake-kube-api.ts'

export const CLUSTERS: Resource = {
  group: 'kafka.banzaicloud.io',
  version: 'v1beta1',
  plural: 'kafkaclusters',
  kind: 'KafkaCluster',
}

export interface KoperatorSim {
  steps: number
  /** Cruise Control fails and Koperator gives up (…Paused) at the Running step. */
  pause?: 'upscale' | 'downscale' | 'disk'
  log: string[]
}

const UP = [
  'GracefulUpscaleRequired',
  'GracefulUpscaleScheduled',
  'GracefulUpscaleRunning',
  'GracefulUpscaleSucceeded',
]
const DOWN = [
  'GracefulDownscaleRequired',
  'GracefulDownscaleScheduled',
  'GracefulDownscaleRunning',
  'GracefulDownscaleSucceeded',
]
const DISK = [
  'GracefulDiskRebalanceRequired',
  'GracefulDiskRebalanceRunning',
  'GracefulDiskRebalanceSucceeded',
]

export function koperatorSim(api: FakeKubeApi, sim: KoperatorSim): (api: FakeKubeApi) => void {
  const waits = new Map<string, number>()
  const ready = (key: string) => {
    const n = (waits.get(key) ?? 0) + 1
    waits.set(key, n)
    if (n < sim.steps) return false
    waits.delete(key)
    return true
  }
  const advance = (chain: string[], state: string, key: string, pause: boolean): string => {
    const i = chain.indexOf(state)
    if (i === -1 || i === chain.length - 1 || !ready(key)) return state
    const next = chain[i + 1]!
    return pause && next === chain.at(-1) ? next.replace(/Succeeded$/, 'Paused') : next
  }
  return () => {
    for (const cluster of api.all(CLUSTERS)) {
      const spec = cluster.spec as Json
      const status = (cluster.status ?? {}) as Json
      const states = structuredClone((status.brokersState ?? {}) as Record<string, Json>)
      const brokers = spec.brokers as Json[]
      const inSpec = new Set(brokers.map((b) => String(b.id)))
      for (const broker of brokers) {
        const id = String(broker.id)
        states[id] ??= {
          configurationState: 'ConfigInSync',
          rackAwarenessState: '',
          gracefulActionState: { cruiseControlState: UP[0] },
        }
        const graceful = states[id]!.gracefulActionState as Json
        graceful.volumeStates ??= {}
        const volumes = graceful.volumeStates as Record<string, Json>
        const own = ((broker.brokerConfig as Json | undefined)?.storageConfigs ?? []) as Json[]
        for (const storage of own) {
          const mountPath = storage.mountPath as string
          volumes[mountPath] ??= { cruiseControlVolumeState: DISK[0] }
          const volume = volumes[mountPath]!
          volume.cruiseControlVolumeState = advance(
            DISK,
            volume.cruiseControlVolumeState as string,
            `${id}${mountPath}`,
            sim.pause === 'disk',
          )
        }
        if (Object.keys(volumes).length === 0) delete graceful.volumeStates
      }
      for (const [id, state] of Object.entries(states)) {
        const graceful = state.gracefulActionState as Json
        let cc = graceful.cruiseControlState as string
        if (!inSpec.has(id) && cc === UP.at(-1)) cc = DOWN[0]!
        cc = UP.includes(cc)
          ? advance(UP, cc, id, sim.pause === 'upscale')
          : advance(DOWN, cc, id, sim.pause === 'downscale')
        if (cc === DOWN.at(-1)) {
          delete states[id] // Koperator deletes the pod, PVCs and the status entry once the drain succeeded
          sim.log.push(`broker ${id} deleted`)
          continue
        }
        if (cc !== graceful.cruiseControlState) sim.log.push(`broker ${id} ${cc}`)
        graceful.cruiseControlState = cc
      }
      const moving = Object.values(states).some((s) => {
        const g = s.gracefulActionState as Json
        const vols = Object.values((g.volumeStates ?? {}) as Record<string, Json>)
        return (
          g.cruiseControlState !== UP.at(-1) || vols.some((v) => v.cruiseControlVolumeState !== DISK.at(-1))
        )
      })
      const next = {
        ...status,
        brokersState: states,
        state: moving ? 'ClusterReconciling' : 'ClusterRunning',
      }
      if (JSON.stringify(next) !== JSON.stringify(status)) {
        cluster.status = next
        api.touch(cluster)
      }
    }
  }
}
