// A broker backend over the executor's FakeCluster: addBrokers registers new ids in the fake metadata,
// removeBrokers unregisters them (refusing brokers that still hold replicas, like the local backend), every
// call is recorded. With `movesData` it plays a Cruise Control backend: addBrokers moves replicas onto the new
// brokers and removeBrokers drains before it unregisters, straight in the fake cluster (no reassignment call).

import { AutopilotError } from '../../../src/errors.ts'
import type {
  BrokerBackend,
  BrokerOperation,
  BrokerOperationOptions,
  BrokerResult,
  BrokerStatus,
  DiskSpec,
} from '../../../src/executor/brokers/backend.ts'
import { brokerResult } from '../../../src/executor/brokers/common.ts'
import type { FakeCluster } from '../reassignment/fake-cluster.ts'

export class FakeBackend implements BrokerBackend {
  readonly kind = 'local' as const
  readonly name = 'fake backend'
  operations: ReadonlySet<BrokerOperation> = new Set<BrokerOperation>(['addBrokers', 'removeBrokers'])
  calls: string[] = []
  controllers: number[] = [1, 2, 3]
  busy = false
  movesData = false

  readonly cluster: FakeCluster

  constructor(cluster: FakeCluster) {
    this.cluster = cluster
  }

  async addBrokers(brokers: number | number[], options: BrokerOperationOptions): Promise<BrokerResult> {
    const count = typeof brokers === 'number' ? brokers : brokers.length
    // Like the local stack: past every id it ever had (a fenced broker keeps its id).
    const known = [
      ...this.cluster.brokers,
      ...[...this.cluster.topics.values()].flat().flatMap((p) => p.replicas),
    ]
    const next = Math.max(...known) + 1
    const ids = Array.from({ length: count }, (_, i) => next + i)
    this.calls.push(`addBrokers ${ids.join(',')}${options.dryRun ? ' dry-run' : ''}`)
    if (!options.dryRun) this.cluster.brokers.push(...ids)
    const moved = this.movesData && !options.dryRun ? this.#fillNew(ids) : 0
    return brokerResult(
      this,
      'addBrokers',
      ids,
      options,
      `${options.dryRun ? 'would start' : 'started'} brokers ${ids.join(', ')}`,
      this.movesData ? { moved } : undefined,
    )
  }

  async removeBrokers(ids: number[], options: BrokerOperationOptions): Promise<BrokerResult> {
    this.calls.push(`removeBrokers ${ids.join(',')}${options.dryRun ? ' dry-run' : ''}`)
    const moved = this.movesData && !options.dryRun ? this.#drain(ids) : 0
    // A backend that drains itself would drain first: its dry run has nothing to refuse.
    for (const parts of this.movesData && options.dryRun ? [] : this.cluster.topics.values()) {
      if (parts.some((p) => p.replicas.some((r) => ids.includes(r)))) {
        throw new AutopilotError('AP_ERR_UNSAFE', 'not removing brokers that still hold data', {
          field: 'brokers',
        })
      }
    }
    if (!options.dryRun) this.cluster.brokers = this.cluster.brokers.filter((b) => !ids.includes(b))
    return brokerResult(
      this,
      'removeBrokers',
      ids,
      options,
      `stopped and unregistered brokers ${ids.join(', ')}`,
      this.movesData ? { moved } : undefined,
    )
  }

  /** Like add-brokers: each new broker takes replicas (in place of the most loaded one) up to a fair share. */
  #fillNew(ids: number[]): number {
    const parts = [...this.cluster.topics.values()].flat()
    const share = Math.floor(parts.reduce((n, p) => n + p.replicas.length, 0) / this.cluster.brokers.length)
    let moved = 0
    for (const id of ids) {
      for (const p of parts) {
        if (this.#load(id) >= share) break
        if (p.replicas.includes(id)) continue
        const from = [...p.replicas].sort((a, b) => this.#load(b) - this.#load(a))[0]!
        this.#replace(p, from, id)
        moved++
      }
    }
    return moved
  }

  /** Like remove-brokers: every replica on `ids` moves to the least loaded remaining broker. */
  #drain(ids: number[]): number {
    let moved = 0
    for (const p of [...this.cluster.topics.values()].flat()) {
      for (const from of p.replicas.filter((r) => ids.includes(r))) {
        const to = this.cluster.brokers
          .filter((b) => !ids.includes(b) && !p.replicas.includes(b))
          .sort((a, b) => this.#load(a) - this.#load(b))[0]
        if (to === undefined) continue
        this.#replace(p, from, to)
        moved++
      }
    }
    return moved
  }

  #replace(p: { replicas: number[]; isr: number[] }, from: number, to: number): void {
    p.replicas = p.replicas.map((r) => (r === from ? to : r))
    p.isr = [...p.isr.filter((r) => r !== from), to]
  }

  #load(id: number): number {
    return [...this.cluster.topics.values()].flat().filter((p) => p.replicas.includes(id)).length
  }

  async addDisk(brokerId: number, disk: DiskSpec, options: BrokerOperationOptions): Promise<BrokerResult> {
    this.calls.push(`addDisk ${brokerId} ${disk.size}${options.dryRun ? ' dry-run' : ''}`)
    return brokerResult(
      this,
      'addDisk',
      [brokerId],
      options,
      `added a ${disk.size} log dir to broker ${brokerId}`,
    )
  }

  async rebalance(request: { disk?: boolean }, options: BrokerOperationOptions): Promise<BrokerResult> {
    this.calls.push(`rebalance disk=${request.disk === true}`)
    return brokerResult(this, 'rebalance', [], options, 'moved replicas between log dirs')
  }

  async stop(options: BrokerOperationOptions): Promise<BrokerResult> {
    return brokerResult(this, 'stop', [], options, 'nothing to stop')
  }

  async status(): Promise<BrokerStatus> {
    return {
      kind: this.kind,
      target: this.name,
      busy: this.busy,
      brokers: this.cluster.brokers.map((id) => ({ id, state: 'running' })),
      message: `${this.cluster.brokers.length} brokers`,
      details: { controllers: this.controllers },
    }
  }

  async close(): Promise<void> {}
}
