// `koperator` broker backend: a Koperator KafkaCluster (kafka.banzaicloud.io/v1beta1). Koperator runs Cruise
// Control itself: a broker added to spec.brokers gets an add_broker, a broker removed from it is drained with
// remove_broker before its pod and volumes go, a storageConfigs entry gets a disk rebalance. This backend edits
// the list with JSON patches locked to the resourceVersion read, then watches
// status.brokersState[id].gracefulActionState until Koperator reports success.
//   addBrokers    add /spec/brokers/- {id, brokerConfigGroup}           → GracefulUpscaleSucceeded
//   removeBrokers test + remove /spec/brokers/<i> (highest index first)  → entry gone or GracefulDownscaleSucceeded
//   addDisk       add a storageConfigs entry to that one broker's brokerConfig (no other broker changes)
//                                                                        → volumeStates[mountPath] GracefulDiskRebalanceSucceeded
import { z } from 'zod'
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
  brokerResult,
  checkAddRequest,
  checkBrokerId,
  checkDisk,
  checkIds,
  checkLeader,
  durationMs,
  journalFor,
  OperationQueue,
  parseBackendOptions,
  pollUntil,
  unsupported,
} from './common.ts'
import { activeActions, type ClusterState, mountPathsOf, parseCluster, rolesOf } from './koperator/cluster.ts'
import {
  describeObject,
  type Json,
  KubeObjects,
  kubeOptionsShape,
  loadKubeConfig,
  lockedTo,
  namespaceOf,
  type ObjectRef,
  objectName,
  type PatchOp,
  withConflictRetry,
} from './kube.ts'

export const koperatorOptionsSchema = z.strictObject({
  cluster: objectName(),
  apiVersion: z
    .string({ error: 'must be a string' })
    .regex(/^kafka\.banzaicloud\.io\/v1beta1$/, { error: 'must be kafka.banzaicloud.io/v1beta1' })
    .default('kafka.banzaicloud.io/v1beta1'),
  ...kubeOptionsShape,
  brokerConfigGroup: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .default('default'),
  mountPathPrefix: z
    .string({ error: 'must be a string' })
    .regex(/^\/[^\0]*[^/]$/, { error: 'must be an absolute path without a trailing slash' })
    .default('/kafka-logs'),
  waitForDiskRebalance: z.boolean({ error: 'must be true or false' }).default(true),
  actionTimeoutMs: durationMs('actionTimeoutMs').default(6 * 3_600_000),
})

export type KoperatorBackendOptions = z.input<typeof koperatorOptionsSchema>
type Options = z.output<typeof koperatorOptionsSchema>

const OPERATIONS = new Set<BrokerOperation>(['addBrokers', 'removeBrokers', 'addDisk'])
type Journal = ReturnType<typeof journalFor>
/** What a wait's check says about one broker or volume: finished, failed for good, or still going. */
type Verdict = 'done' | 'failed' | undefined

export class KoperatorBackend implements BrokerBackend {
  readonly kind = 'koperator' as const
  readonly name: string
  readonly operations: ReadonlySet<BrokerOperation> = OPERATIONS
  readonly movesData = true
  readonly ref: ObjectRef
  readonly #options: Options
  readonly #field: string
  readonly #objects: KubeObjects
  readonly #leader: BrokerBackendDeps['leader']
  readonly #queue = new OperationQueue()

  constructor(options: Options, deps: BrokerBackendDeps) {
    this.#options = options
    this.#field = deps.field ?? 'brokers'
    this.#leader = deps.leader
    const kc = loadKubeConfig(this.#field, options.context, deps.kubeConfig)
    const [group, version] = options.apiVersion.split('/') as [string, string]
    const namespace = namespaceOf(kc, options.namespace)
    this.ref = {
      group,
      version,
      plural: 'kafkaclusters',
      kind: 'KafkaCluster',
      namespace,
      name: options.cluster,
    }
    this.#objects = new KubeObjects(kc, options.fieldManager)
    this.name = describeObject(this.ref)
  }

  async addBrokers(brokers: number | number[], options: BrokerOperationOptions): Promise<BrokerResult> {
    const request = checkAddRequest(brokers)
    return this.#run('addBrokers', options, async (journal) => {
      let ids: number[] = []
      await this.#edit(options, journal, (cluster) => {
        const group = this.#options.brokerConfigGroup
        if (!Object.hasOwn(cluster.groups, group)) {
          throw new AutopilotError('AP_ERR_CONFIG', `${this.name} has no brokerConfigGroup "${group}"`, {
            field: `${this.#field}.brokerConfigGroup`,
            hint: `groups: ${Object.keys(cluster.groups).join(', ') || 'none'}`,
          })
        }
        const roles = cluster.groups[group]?.processRoles
        if (Array.isArray(roles) && (roles.includes('controller') || !roles.includes('broker'))) {
          throw new AutopilotError(
            'AP_ERR_UNSAFE',
            `brokerConfigGroup "${group}" has processRoles [${roles.join(', ')}]; new nodes would not be plain brokers`,
            { field: `${this.#field}.brokerConfigGroup`, hint: 'use a group whose processRoles is [broker]' },
          )
        }
        const known = new Set([...cluster.brokers.map((b) => b.id), ...cluster.brokerStates.keys()])
        const taken = request.ids?.filter((id) => known.has(id)) ?? []
        if (taken.length > 0) {
          throw new AutopilotError('AP_ERR_INPUT', `${this.name} already has brokers ${taken.join(', ')}`, {
            field: 'brokers',
          })
        }
        const next = Math.max(-1, ...known) + 1
        ids = request.ids ?? Array.from({ length: request.count }, (_, i) => next + i)
        journal(
          'request',
          `${options.dryRun ? 'would add' : 'adding'} brokers ${ids.join(', ')} (group ${group})`,
        )
        return ids.map((id) => ({
          op: 'add',
          path: '/spec/brokers/-',
          value: { id, brokerConfigGroup: group },
        }))
      })
      if (!options.dryRun) {
        await this.#waitFor(
          `brokers ${ids.join(', ')} to be added (GracefulUpscaleSucceeded)`,
          ids,
          options,
          journal,
          (s) =>
            s?.cruiseControlState === 'GracefulUpscaleSucceeded'
              ? 'done'
              : s?.cruiseControlState === 'GracefulUpscalePaused'
                ? 'failed'
                : undefined,
        )
      }
      return brokerResult(
        this,
        'addBrokers',
        ids,
        options,
        `${options.dryRun ? 'would add' : 'added'} brokers ${ids.join(', ')}; Koperator moves load onto them`,
      )
    })
  }

  async removeBrokers(ids: number[], options: BrokerOperationOptions): Promise<BrokerResult> {
    const sorted = checkIds(ids)
    return this.#run('removeBrokers', options, async (journal) => {
      await this.#edit(options, journal, (cluster) => {
        const entries = sorted.map((id) => {
          const entry = cluster.brokers.find((b) => b.id === id)
          if (!entry) {
            throw new AutopilotError('AP_ERR_INPUT', `${this.name} has no broker ${id} in spec.brokers`, {
              field: 'brokers',
            })
          }
          if (rolesOf(cluster, entry).includes('controller')) {
            throw new AutopilotError(
              'AP_ERR_UNSAFE',
              `broker ${id} of ${this.name} is a KRaft controller; removing it shrinks the quorum`,
              {
                field: 'brokers',
              },
            )
          }
          return entry
        })
        const remaining = cluster.brokers.filter(
          (b) => !sorted.includes(b.id) && rolesOf(cluster, b).includes('broker'),
        )
        if (remaining.length === 0) {
          throw new AutopilotError(
            'AP_ERR_UNSAFE',
            `removing brokers ${sorted.join(', ')} would leave ${this.name} without brokers`,
            {
              field: 'brokers',
            },
          )
        }
        journal(
          'request',
          `${options.dryRun ? 'would remove' : 'removing'} brokers ${sorted.join(', ')} from spec.brokers`,
        )
        // Highest index first, so the earlier indices stay valid; each removal tests the id it removes.
        return entries
          .sort((a, b) => b.index - a.index)
          .flatMap((e): PatchOp[] => [
            { op: 'test', path: `/spec/brokers/${e.index}/id`, value: e.id },
            { op: 'remove', path: `/spec/brokers/${e.index}` },
          ])
      })
      if (!options.dryRun) {
        // Koperator drains with Cruise Control first and deletes the broker's status entry once it is gone.
        await this.#waitFor(
          `brokers ${sorted.join(', ')} to be drained and removed`,
          sorted,
          options,
          journal,
          (s) =>
            s === undefined || s.cruiseControlState === 'GracefulDownscaleSucceeded'
              ? 'done'
              : s.cruiseControlState === 'GracefulDownscalePaused'
                ? 'failed'
                : undefined,
        )
      }
      const verb = options.dryRun ? 'would drain and remove' : 'drained and removed'
      return brokerResult(this, 'removeBrokers', sorted, options, `${verb} brokers ${sorted.join(', ')}`)
    })
  }

  async addDisk(brokerId: number, disk: DiskSpec, options: BrokerOperationOptions): Promise<BrokerResult> {
    const id = checkBrokerId(brokerId)
    const spec = checkDisk(disk)
    return this.#run('addDisk', options, async (journal) => {
      let mountPath = ''
      await this.#edit(options, journal, (cluster) => {
        const entry = cluster.brokers.find((b) => b.id === id)
        if (!entry)
          throw new AutopilotError('AP_ERR_INPUT', `${this.name} has no broker ${id}`, { field: 'brokerId' })
        const used = mountPathsOf(cluster, entry)
        mountPath = spec.mountPath ?? freeMountPath(this.#options.mountPathPrefix, used)
        if (used.has(mountPath)) {
          throw new AutopilotError('AP_ERR_INPUT', `broker ${id} already mounts ${mountPath}`, {
            field: 'disk.mountPath',
          })
        }
        const storage = {
          mountPath,
          pvcSpec: {
            accessModes: ['ReadWriteOnce'],
            ...(spec.storageClass ? { storageClassName: spec.storageClass } : {}),
            resources: { requests: { storage: spec.size } },
          },
        }
        const at = `/spec/brokers/${entry.index}`
        const add: PatchOp = !entry.config
          ? { op: 'add', path: `${at}/brokerConfig`, value: { storageConfigs: [storage] } }
          : Array.isArray(entry.config.storageConfigs)
            ? { op: 'add', path: `${at}/brokerConfig/storageConfigs/-`, value: storage }
            : { op: 'add', path: `${at}/brokerConfig/storageConfigs`, value: [storage] }
        journal(
          'request',
          `${options.dryRun ? 'would add' : 'adding'} ${spec.size} at ${mountPath} to broker ${id}`,
        )
        return [{ op: 'test', path: `${at}/id`, value: id }, add]
      })
      if (!options.dryRun && this.#options.waitForDiskRebalance) {
        await this.#waitFor(
          `the disk rebalance of broker ${id} onto ${mountPath}`,
          [id],
          options,
          journal,
          (s) => {
            const volume = s?.volumes[mountPath]
            return volume === 'GracefulDiskRebalanceSucceeded'
              ? 'done'
              : volume === 'GracefulDiskRebalancePaused'
                ? 'failed'
                : undefined
          },
        )
      }
      const message = `${options.dryRun ? 'would add' : 'added'} ${spec.size} at ${mountPath} to broker ${id}`
      return brokerResult(this, 'addDisk', [id], options, message, { mountPath })
    })
  }

  async rebalance(_request: { disk?: boolean }, _options: BrokerOperationOptions): Promise<BrokerResult> {
    throw unsupported(
      this.kind,
      'rebalance',
      'Koperator starts Cruise Control operations itself',
      this.#field,
    )
  }

  async stop(_options: BrokerOperationOptions): Promise<BrokerResult> {
    throw unsupported(this.kind, 'stop', 'Koperator owns its CruiseControlOperations', this.#field)
  }

  async status(signal?: AbortSignal): Promise<BrokerStatus> {
    const cluster = await this.#read(signal)
    const ids = [...new Set([...cluster.brokers.map((b) => b.id), ...cluster.brokerStates.keys()])].sort(
      (a, b) => a - b,
    )
    const active = activeActions(cluster)
    return {
      kind: this.kind,
      target: this.name,
      busy: cluster.state !== 'ClusterRunning' || active.length > 0,
      brokers: ids.map((id) => ({
        id,
        state: cluster.brokerStates.get(id)?.cruiseControlState ?? 'Unknown',
      })),
      message: `${cluster.state ?? 'no state'}${active.length > 0 ? `; ${active.join('; ')}` : ''}`,
      details: { state: cluster.state, active },
    }
  }

  async close(): Promise<void> {
    await this.#queue.drain()
  }

  #run(
    operation: BrokerOperation,
    options: BrokerOperationOptions,
    body: (journal: Journal) => Promise<BrokerResult>,
  ) {
    return this.#queue.run(async () => {
      checkLeader(this.#leader, options.dryRun, this.name)
      return body(journalFor(this.kind, this.name, operation, options))
    })
  }

  async #read(signal: AbortSignal | undefined): Promise<ClusterState> {
    return parseCluster(await this.#objects.get(this.ref, signal, `${this.#field}.cluster`), this.name)
  }

  /** Re-reads, checks the cluster is idle, computes the JSON patch, sends it locked; retries on 409. */
  async #edit(
    options: BrokerOperationOptions,
    journal: Journal,
    ops: (cluster: ClusterState) => PatchOp[],
  ): Promise<Json> {
    return withConflictRetry(
      this.#options.conflictRetries,
      `editing ${this.name}`,
      async () => {
        const cluster = await this.#read(options.signal)
        if (cluster.state !== 'ClusterRunning') {
          throw new AutopilotError(
            'AP_ERR_CONFLICT',
            `${this.name} is ${cluster.state ?? 'not reporting a state'}, not ClusterRunning`,
            {
              retryable: true,
            },
          )
        }
        const active = activeActions(cluster)
        if (active.length > 0) {
          throw new AutopilotError(
            'AP_ERR_CONFLICT',
            `${this.name} has Cruise Control actions under way: ${active.join('; ')}`,
            {
              retryable: true,
              hint: 'Koperator runs one Cruise Control operation at a time; a Paused action needs a human (see its CruiseControlOperation)',
            },
          )
        }
        return this.#objects.patch(this.ref, lockedTo(cluster.object, ops(cluster)), options)
      },
      (attempt) => journal('retry', `conflict on ${this.name}; re-reading (attempt ${attempt + 1})`),
    )
  }

  async #waitFor(
    what: string,
    ids: number[],
    options: BrokerOperationOptions,
    journal: Journal,
    verdict: (state: ReturnType<ClusterState['brokerStates']['get']>) => Verdict,
  ): Promise<void> {
    const last = new Map<number, string>()
    await pollUntil(
      {
        what,
        timeoutMs: this.#options.actionTimeoutMs,
        intervalMs: this.#options.pollIntervalMs,
        signal: options.signal,
        hint: `kubectl -n ${this.ref.namespace} get cruisecontroloperations`,
      },
      async () => {
        const cluster = await this.#read(options.signal)
        let done = true
        for (const id of ids) {
          const state = cluster.brokerStates.get(id)
          const words = state ? `${state.cruiseControlState ?? '?'} ${JSON.stringify(state.volumes)}` : 'gone'
          if (last.get(id) !== words) journal('state', `broker ${id}: ${words}`, { broker: id })
          last.set(id, words)
          const v = verdict(state)
          if (v === 'failed') {
            throw new AutopilotError(
              'AP_ERR_KAFKA',
              `Koperator paused broker ${id} after a Cruise Control error (${words})`,
              {
                hint: 'the broker keeps its data; see the CruiseControlOperation named in its status, fix, then unpause it',
                details: { broker: id },
              },
            )
          }
          if (v !== 'done') done = false
        }
        return done ? true : undefined
      },
    )
  }
}

/** `/kafka-logs-2`, `/kafka-logs-3`, …: the first not in use. */
function freeMountPath(prefix: string, used: Set<string>): string {
  for (let n = 2; ; n += 1) if (!used.has(`${prefix}-${n}`)) return `${prefix}-${n}`
}

export function createKoperatorBackend(options: unknown, deps: BrokerBackendDeps = {}): KoperatorBackend {
  return new KoperatorBackend(
    parseBackendOptions(koperatorOptionsSchema, options, deps.field ?? 'brokers', 'koperator'),
    deps,
  )
}
