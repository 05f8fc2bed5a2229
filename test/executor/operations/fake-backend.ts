// A broker backend over the executor's FakeCluster: addBrokers registers new ids in the fake metadata,
// removeBrokers unregisters them (refusing brokers that still hold replicas, like the local backend), every
// call is recorded.

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
    return brokerResult(
      this,
      'addBrokers',
      ids,
      options,
      `${options.dryRun ? 'would start' : 'started'} brokers ${ids.join(', ')}`,
    )
  }

  async removeBrokers(ids: number[], options: BrokerOperationOptions): Promise<BrokerResult> {
    this.calls.push(`removeBrokers ${ids.join(',')}`)
    for (const parts of this.cluster.topics.values()) {
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
    )
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
