// `strimzi` broker backend: one KafkaNodePool (kafka.strimzi.io/v1beta2) of broker-only nodes, with Strimzi's
// Cruise Control integration (KafkaRebalance) moving the data. The flows live in strimzi/: scale.ts (add and
// remove brokers, drain first), disk.ts (a JBOD volume), rebalance.ts (one KafkaRebalance with approval).
// With `autoRebalance: true` (Kafka.spec.cruiseControl.autoRebalance configured), Strimzi runs the
// add-brokers / remove-brokers rebalances itself when replicas change; the backend then only scales and waits.
import { AutopilotError } from '../../errors.ts'
import type {
  BrokerBackend,
  BrokerBackendDeps,
  BrokerOperation,
  BrokerOperationOptions,
  BrokerResult,
  BrokerStatus,
  DiskSpec,
} from './backend.ts'
import {
  checkAddRequest,
  checkBrokerId,
  checkDisk,
  checkIds,
  checkLeader,
  journalFor,
  OperationQueue,
  parseBackendOptions,
} from './common.ts'
import { loadKubeConfig } from './kube.ts'
import { PoolClient, type StrimziOptions, strimziOptionsSchema } from './strimzi/client.ts'
import { addDisk } from './strimzi/disk.ts'
import { settled } from './strimzi/pool.ts'
import { REBALANCE_ANNOTATION, rebalanceState } from './strimzi/rebalance.ts'
import { addBrokers, removeBrokers } from './strimzi/scale.ts'

export { type StrimziBackendOptions, strimziOptionsSchema } from './strimzi/client.ts'

const OPERATIONS = new Set<BrokerOperation>(['addBrokers', 'removeBrokers', 'addDisk', 'rebalance', 'stop'])
const FINISHED = new Set(['Ready', 'NotReady', 'Stopped'])

export class StrimziBackend implements BrokerBackend {
  readonly kind = 'strimzi' as const
  readonly name: string
  readonly operations: ReadonlySet<BrokerOperation> = OPERATIONS
  readonly movesData = true
  readonly #client: PoolClient
  readonly #leader: BrokerBackendDeps['leader']
  readonly #queue = new OperationQueue()

  constructor(options: StrimziOptions, deps: BrokerBackendDeps) {
    const field = deps.field ?? 'brokers'
    this.#leader = deps.leader
    this.#client = new PoolClient(loadKubeConfig(field, options.context, deps.kubeConfig), options, field)
    this.name = this.#client.name
  }

  async addBrokers(brokers: number | number[], options: BrokerOperationOptions): Promise<BrokerResult> {
    const request = checkAddRequest(brokers)
    return this.#run(options, () => addBrokers(this.#client, request, options))
  }

  async removeBrokers(ids: number[], options: BrokerOperationOptions): Promise<BrokerResult> {
    const sorted = checkIds(ids)
    return this.#run(options, () => removeBrokers(this.#client, sorted, options))
  }

  async addDisk(brokerId: number, disk: DiskSpec, options: BrokerOperationOptions): Promise<BrokerResult> {
    const id = checkBrokerId(brokerId)
    const spec = checkDisk(disk)
    if (spec.mountPath !== undefined) {
      throw new AutopilotError(
        'AP_ERR_INPUT',
        'Strimzi chooses the mount path of a JBOD volume (/var/lib/kafka/data-<id>)',
        { field: 'disk.mountPath' },
      )
    }
    return this.#run(options, () => addDisk(this.#client, id, spec, options))
  }

  async rebalance(request: { disk?: boolean }, options: BrokerOperationOptions): Promise<BrokerResult> {
    return this.#run(options, async () => {
      const journal = journalFor(this.kind, this.name, 'rebalance', options)
      const pool = await this.#client.read(options.signal)
      const spec = { mode: 'full', ...(request.disk ? { rebalanceDisk: true } : {}) }
      const outcome = await this.#client.rebalance(pool, spec, options, journal)
      const what = `the cluster${request.disk ? ' and the disks of each broker' : ''}`
      return this.#client.result(
        'rebalance',
        [],
        options,
        `${options.dryRun ? 'would rebalance' : 'rebalanced'} ${what}`,
        outcome,
      )
    })
  }

  /** Not queued. Asks Strimzi to stop our executing rebalances; one still waiting for its proposal is not approved. */
  async stop(options: BrokerOperationOptions): Promise<BrokerResult> {
    checkLeader(this.#leader, options.dryRun, this.name)
    const journal = journalFor(this.kind, this.name, 'stop', options)
    const pool = await this.#client.read(options.signal)
    const own = await this.#client.ownRebalances(pool, options.signal)
    const running = own.filter((r) => rebalanceState(r).state === 'Rebalancing')
    if (!options.dryRun) this.#client.stopRequested = true
    const names: string[] = []
    for (const object of running) {
      const name = String((object.metadata as { name: string }).name)
      const annotate = { metadata: { annotations: { [REBALANCE_ANNOTATION]: 'stop' } } }
      await this.#client.objects.patch({ ...this.#client.rebalances(), name }, annotate, options)
      journal('request', `annotated KafkaRebalance ${name} with ${REBALANCE_ANNOTATION}=stop`)
      names.push(name)
    }
    const message =
      names.length > 0
        ? `${options.dryRun ? 'would stop' : 'stopped'} ${names.join(', ')}`
        : 'no rebalance of ours is executing'
    return {
      ...this.#client.result('stop', [], options, message, undefined, { rebalances: names }),
      applied: !options.dryRun && names.length > 0,
    }
  }

  async status(signal?: AbortSignal): Promise<BrokerStatus> {
    const pool = await this.#client.read(signal)
    const rebalances = (await this.#client.ownRebalances(pool, signal)).map((r) => ({
      name: String((r.metadata as { name: string }).name),
      ...rebalanceState(r),
    }))
    const active = rebalances.filter((r) => !FINISHED.has(r.state ?? ''))
    const notes = [
      settled(pool) ? '' : ', reconciling',
      active.length > 0 ? `, ${active.length} rebalance(s) under way` : '',
    ]
    return {
      kind: this.kind,
      target: this.name,
      busy: !settled(pool) || active.length > 0,
      brokers: pool.nodeIds.map((id) => ({ id, state: 'in-pool' })),
      message: `${pool.nodeIds.length} of ${pool.replicas} brokers${notes.join('')}`,
      details: { replicas: pool.replicas, nodeIds: pool.nodeIds, rebalances },
    }
  }

  async close(): Promise<void> {
    await this.#queue.drain()
  }

  #run(options: BrokerOperationOptions, operation: () => Promise<BrokerResult>): Promise<BrokerResult> {
    return this.#queue.run(async () => {
      checkLeader(this.#leader, options.dryRun, this.name)
      if (!options.dryRun) this.#client.stopRequested = false
      return operation()
    })
  }
}

export function createStrimziBackend(options: unknown, deps: BrokerBackendDeps = {}): StrimziBackend {
  return new StrimziBackend(
    parseBackendOptions(strimziOptionsSchema, options, deps.field ?? 'brokers', 'strimzi'),
    deps,
  )
}
