// A simulated Strimzi cluster operator for the fake API server: reconciles KafkaNodePool replicas into
// status.nodeIds (honouring strimzi.io/next-node-ids and strimzi.io/remove-node-ids, refusing to remove a
// broker that still holds replicas, as Strimzi's scale-down check does) and drives KafkaRebalance through
// PendingProposal → ProposalReady → (approve) → Rebalancing → Ready, with stop. One step per API request.
import type { FakeKubeApi, Json, Resource } from '../fake-kube-api.ts'

export const POOLS: Resource = {
  group: 'kafka.strimzi.io',
  version: 'v1beta2',
  plural: 'kafkanodepools',
  kind: 'KafkaNodePool',
  scale: true,
}
export const REBALANCES: Resource = {
  group: 'kafka.strimzi.io',
  version: 'v1beta2',
  plural: 'kafkarebalances',
  kind: 'KafkaRebalance',
}

export interface StrimziSim {
  /** Requests before a changed pool is reconciled. */
  poolSteps: number
  proposalSteps: number
  rebalanceSteps: number
  /** The next proposal ends NotReady with this reason and message. */
  notReady?: { reason: string; message: string }
  /** Brokers that hold no replicas (may be removed). */
  empty: Set<number>
  /** What happened, in order: `rebalance <mode> Ready`, `pool replicas 3`, `blocked 2`. */
  log: string[]
}

export function strimziSim(api: FakeKubeApi, sim: StrimziSim): (api: FakeKubeApi) => void {
  const waits = new Map<string, number>()
  const step = (key: string, needed: number) => {
    const n = (waits.get(key) ?? 0) + 1
    waits.set(key, n)
    if (n < needed) return false
    waits.delete(key)
    return true
  }
  return () => {
    for (const pool of api.all(POOLS)) reconcilePool(api, sim, pool, step)
    for (const rebalance of api.all(REBALANCES)) reconcileRebalance(api, sim, rebalance, step)
  }
}

function ids(annotation: unknown): number[] {
  return typeof annotation === 'string'
    ? annotation
        .replace(/[[\]\s]/g, '')
        .split(',')
        .filter(Boolean)
        .map(Number)
    : []
}

function reconcilePool(
  api: FakeKubeApi,
  sim: StrimziSim,
  pool: Json,
  step: (k: string, n: number) => boolean,
) {
  const meta = pool.metadata as Json
  const status = (pool.status ?? {}) as Json
  if (status.observedGeneration === meta.generation) return
  if (!step(`pool/${meta.name}`, sim.poolSteps)) return
  const replicas = (pool.spec as Json).replicas as number
  const annotations = (meta.annotations ?? {}) as Json
  const before = (status.nodeIds ?? []) as number[]
  let nodeIds = [...before]
  const used = new Set(
    api.all(POOLS).flatMap((p) => ((p.status as Json | undefined)?.nodeIds ?? []) as number[]),
  )
  while (nodeIds.length < replicas) {
    const wanted = ids(annotations['strimzi.io/next-node-ids']).find((id) => !used.has(id))
    const id = wanted ?? Math.max(-1, ...used) + 1
    used.add(id)
    nodeIds.push(id)
  }
  if (nodeIds.length > replicas) {
    const order = [
      ...ids(annotations['strimzi.io/remove-node-ids']).filter((id) => nodeIds.includes(id)),
      ...[...nodeIds].sort((a, b) => b - a),
    ]
    const remove = [...new Set(order)].slice(0, nodeIds.length - replicas)
    const full = remove.filter((id) => !sim.empty.has(id))
    if (full.length > 0) {
      // "Cannot scale down brokers [...] because brokers [...] are not empty": nothing changes.
      sim.log.push(`blocked ${full.join(',')}`)
      return
    }
    nodeIds = nodeIds.filter((id) => !remove.includes(id))
  }
  pool.status = {
    ...status,
    nodeIds: nodeIds.sort((a, b) => a - b),
    replicas,
    roles: (pool.spec as Json).roles,
    observedGeneration: meta.generation,
    labelSelector: `strimzi.io/cluster=${String((meta.labels as Json)['strimzi.io/cluster'])},strimzi.io/pool-name=${String(meta.name)}`,
  }
  for (const id of nodeIds) if (!before.includes(id)) sim.empty.add(id) // a new broker starts empty
  sim.log.push(`pool ${String(meta.name)} nodeIds ${nodeIds.join(',')}`)
  api.touch(pool)
}

function reconcileRebalance(
  api: FakeKubeApi,
  sim: StrimziSim,
  rebalance: Json,
  step: (k: string, n: number) => boolean,
) {
  const meta = rebalance.metadata as Json
  const spec = rebalance.spec as Json
  const annotations = (meta.annotations ?? {}) as Json
  const key = `rebalance/${meta.name}`
  const state = (((rebalance.status as Json | undefined)?.conditions ?? []) as Json[]).find(
    (c) => c.status === 'True',
  )?.type
  const set = (type: string, extra: Json = {}) => {
    rebalance.status = {
      ...((rebalance.status ?? {}) as Json),
      observedGeneration: meta.generation,
      conditions: [{ type, status: 'True', lastTransitionTime: '2026-01-01T00:00:00.000Z', ...extra }],
    }
    sim.log.push(`rebalance ${String(spec.mode ?? 'full')} ${type}`)
    api.touch(rebalance)
  }
  const takeAnnotation = (value: string) => {
    if (annotations['strimzi.io/rebalance'] !== value) return false
    delete annotations['strimzi.io/rebalance']
    return true
  }
  if (state === undefined) return set('PendingProposal')
  if (state === 'PendingProposal' && step(key, sim.proposalSteps)) {
    if (sim.notReady) return set('NotReady', { ...sim.notReady })
    rebalance.status = {
      ...((rebalance.status ?? {}) as Json),
      optimizationResult: {
        numReplicaMovements: 10,
        dataToMoveMB: 512,
        numLeaderMovements: 3,
        afterBeforeLoadConfigMap: String(meta.name),
      },
    }
    return set('ProposalReady')
  }
  if (state === 'ProposalReady' && takeAnnotation('approve')) return set('Rebalancing')
  if (state === 'Rebalancing' && takeAnnotation('stop')) return set('Stopped')
  if (state === 'Rebalancing' && step(key, sim.rebalanceSteps)) {
    const brokers = (spec.brokers ?? []) as number[]
    if (spec.mode === 'remove-brokers') for (const id of brokers) sim.empty.add(id)
    if (spec.mode === 'add-brokers') for (const id of brokers) sim.empty.delete(id)
    return set('Ready')
  }
}
