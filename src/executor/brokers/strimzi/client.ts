// What the strimzi backend's operations share: its options, reading and waiting on the KafkaNodePool, the
// membership and role checks, and running a KafkaRebalance for the pool's cluster.
import type { KubeConfig } from '@kubernetes/client-node'
import { z } from 'zod'
import { AutopilotError } from '../../../errors.ts'
import type { BrokerOperation, BrokerOperationOptions, BrokerResult } from '../backend.ts'
import { brokerResult, durationMs, type journalFor, pollUntil } from '../common.ts'
import {
  type CollectionRef,
  describeObject,
  type Json,
  KubeObjects,
  kubeOptionsShape,
  namespaceOf,
  type ObjectRef,
  objectName,
} from '../kube.ts'
import { type PoolState, parsePool } from './pool.ts'
import { MANAGED_BY, type RebalanceOutcome, runRebalance } from './rebalance.ts'

export const strimziOptionsSchema = z.strictObject({
  nodePool: objectName(),
  cluster: objectName().optional(),
  apiVersion: z
    .string({ error: 'must be a string' })
    .regex(/^kafka\.strimzi\.io\/v1(beta2)?$/, {
      error: 'must be kafka.strimzi.io/v1beta2 or kafka.strimzi.io/v1',
    })
    .default('kafka.strimzi.io/v1beta2'),
  ...kubeOptionsShape,
  autoRebalance: z.boolean({ error: 'must be true or false' }).default(false),
  keepRebalances: z.boolean({ error: 'must be true or false' }).default(false),
  allowPoolWideDisks: z.boolean({ error: 'must be true or false' }).default(false),
  replicationThrottle: z.number().int().positive({ error: 'must be positive bytes per second' }).optional(),
  concurrentPartitionMovementsPerBroker: z.number().int().min(1, { error: 'must be at least 1' }).optional(),
  excludedTopics: z.string({ error: 'must be a regular expression' }).min(1).optional(),
  scaleTimeoutMs: durationMs('scaleTimeoutMs').default(900_000),
  proposalTimeoutMs: durationMs('proposalTimeoutMs').default(900_000),
  rebalanceTimeoutMs: durationMs('rebalanceTimeoutMs').default(6 * 3_600_000),
})

export type StrimziBackendOptions = z.input<typeof strimziOptionsSchema>
export type StrimziOptions = z.output<typeof strimziOptionsSchema>
export type Journal = ReturnType<typeof journalFor>

export class PoolClient {
  readonly ref: ObjectRef
  readonly name: string
  readonly objects: KubeObjects
  readonly options: StrimziOptions
  readonly field: string
  /** Set by `stop`: a rebalance still waiting for its proposal is not approved. */
  stopRequested = false

  constructor(kc: KubeConfig, options: StrimziOptions, field: string) {
    const [group, version] = options.apiVersion.split('/') as [string, string]
    const namespace = namespaceOf(kc, options.namespace)
    this.ref = {
      group,
      version,
      plural: 'kafkanodepools',
      kind: 'KafkaNodePool',
      namespace,
      name: options.nodePool,
    }
    this.name = describeObject(this.ref)
    this.objects = new KubeObjects(kc, options.fieldManager)
    this.options = options
    this.field = field
  }

  async read(signal: AbortSignal | undefined): Promise<PoolState> {
    return parsePool(await this.objects.get(this.ref, signal, `${this.field}.nodePool`), this.name)
  }

  cluster(pool: PoolState): string {
    const cluster = this.options.cluster ?? pool.cluster
    if (!cluster) {
      throw new AutopilotError('AP_ERR_CONFIG', `${this.name} has no strimzi.io/cluster label; set cluster`, {
        field: `${this.field}.cluster`,
      })
    }
    return cluster
  }

  rebalances(): CollectionRef {
    const { group, version, namespace } = this.ref
    return { group, version, namespace, plural: 'kafkarebalances', kind: 'KafkaRebalance' }
  }

  /** KafkaRebalances of this cluster that Autopilot created. */
  async ownRebalances(pool: PoolState, signal: AbortSignal | undefined): Promise<Json[]> {
    const [key, value] = Object.entries(MANAGED_BY)[0]!
    return this.objects.list(
      this.rebalances(),
      `strimzi.io/cluster=${this.cluster(pool)},${key}=${value}`,
      signal,
    )
  }

  async rebalance(
    pool: PoolState,
    spec: Record<string, unknown>,
    options: BrokerOperationOptions,
    journal: Journal,
  ): Promise<RebalanceOutcome> {
    const o = this.options
    const limits = {
      ...(o.replicationThrottle !== undefined ? { replicationThrottle: o.replicationThrottle } : {}),
      ...(o.concurrentPartitionMovementsPerBroker !== undefined
        ? { concurrentPartitionMovementsPerBroker: o.concurrentPartitionMovementsPerBroker }
        : {}),
      ...(o.excludedTopics !== undefined ? { excludedTopics: o.excludedTopics } : {}),
    }
    return runRebalance({
      objects: this.objects,
      collection: this.rebalances(),
      cluster: this.cluster(pool),
      spec: { ...spec, ...limits },
      dryRun: options.dryRun,
      signal: options.signal,
      journal,
      pollIntervalMs: o.pollIntervalMs,
      proposalTimeoutMs: o.proposalTimeoutMs,
      rebalanceTimeoutMs: o.rebalanceTimeoutMs,
      keep: o.keepRebalances,
      stopRequested: () => this.stopRequested,
    })
  }

  /** Waits until Strimzi reconciled `generation` (one node id per replica) and `done` holds. */
  async waitForPool(
    what: string,
    generation: number,
    done: (pool: PoolState) => boolean,
    signal: AbortSignal | undefined,
    extra: { hint?: string; timeoutMs?: number } = {},
  ): Promise<PoolState> {
    return pollUntil(
      {
        what,
        timeoutMs: extra.timeoutMs ?? this.options.scaleTimeoutMs,
        intervalMs: this.options.pollIntervalMs,
        signal,
        hint: extra.hint,
      },
      async () => {
        const pool = await this.read(signal)
        const reconciled =
          (pool.observedGeneration ?? -1) >= generation && pool.nodeIds.length === pool.replicas
        return reconciled && done(pool) ? pool : undefined
      },
    )
  }

  /** Removes one of our annotations once it did its job (Strimzi docs ask to clear them). */
  async clearAnnotation(name: string, signal: AbortSignal | undefined): Promise<void> {
    await this.objects.patch(
      this.ref,
      { metadata: { annotations: { [name]: null } } },
      { dryRun: false, signal },
    )
  }

  checkBrokerPool(pool: PoolState): void {
    if (!pool.roles.includes('broker') || pool.roles.includes('controller')) {
      throw new AutopilotError(
        'AP_ERR_UNSAFE',
        `${this.name} has roles [${pool.roles.join(', ')}]; only broker-only pools are changed (controllers form the KRaft quorum)`,
        { field: `${this.field}.nodePool`, hint: 'point nodePool at a pool with roles: [broker]' },
      )
    }
  }

  checkMembers(pool: PoolState, ids: number[], field = 'brokers'): void {
    this.checkBrokerPool(pool)
    const strangers = ids.filter((id) => !pool.nodeIds.includes(id))
    if (strangers.length > 0) {
      throw new AutopilotError(
        'AP_ERR_INPUT',
        `${this.name} has no broker ${strangers.join(', ')} (it runs ${pool.nodeIds.join(', ') || 'none'})`,
        { field },
      )
    }
  }

  result(
    operation: BrokerOperation,
    brokers: number[],
    options: BrokerOperationOptions,
    message: string,
    outcome?: RebalanceOutcome,
    details: Record<string, unknown> = {},
  ): BrokerResult {
    const rebalance = outcome
      ? { rebalance: outcome.name, ...(outcome.summary ? { summary: outcome.summary } : {}) }
      : {}
    const all = { ...rebalance, ...details }
    const backend = { kind: 'strimzi' as const, name: this.name }
    return brokerResult(
      backend,
      operation,
      brokers,
      options,
      message,
      Object.keys(all).length > 0 ? all : undefined,
    )
  }
}

export function resourceVersion(pool: PoolState): string {
  const rv = (pool.object.metadata as { resourceVersion?: unknown }).resourceVersion
  if (typeof rv !== 'string' || rv === '') {
    throw new AutopilotError('AP_ERR_KUBERNETES', 'the KafkaNodePool has no metadata.resourceVersion', {
      retryable: true,
    })
  }
  return rv
}

export function generationOf(object: Json): number {
  const generation = (object.metadata as { generation?: unknown } | undefined)?.generation
  return typeof generation === 'number' ? generation : 0
}
