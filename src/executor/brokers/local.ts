// `local` broker backend: the local stack (src/stack/cluster.ts), for the demo and the tests, and for symmetry
// with the Kubernetes backends. addBrokers starts broker-only nodes (`addBroker`); they hold no partitions until
// a reassignment moves some onto them. removeBrokers stops and unregisters nodes (`removeBroker`), which moves
// NO data: the caller must drain the brokers first (the graceful drain is the broker actions' job, with the
// reassignment executor). Given a Kafka admin, the backend checks that precondition and refuses a broker that
// still holds replicas. addDisk gives ONE broker another log dir (format, controlled restart of that broker
// only) and rebalance({disk: true}) spreads each such broker's replicas over its dirs (local-disk-ops.ts). A
// full rebalance and stop are not here: moving data between brokers is the reassignment executor's.
import { z } from 'zod'
import { AutopilotError } from '../../errors.ts'
import { createAdminPort } from '../../kafka/index.ts'
import type { KafkaAdminPort } from '../../kafka/port.ts'
import { addBroker, removeBroker, stackStatus } from '../../stack/cluster.ts'
import { addLogDir } from '../../stack/log-dirs.ts'
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
  unsupported,
} from './common.ts'
import { addDiskLocal, type DiskAdmin, type DiskContext, rebalanceDisks } from './local-disk-ops.ts'

export const localOptionsSchema = z.strictObject({
  dir: z.string({ error: 'must be the folder of a local stack' }).min(1, { error: 'must not be empty' }),
  heapMb: z
    .number({ error: 'must be a number' })
    .int()
    .min(128, { error: 'must be at least 128' })
    .optional(),
  readyTimeoutMs: durationMs('readyTimeoutMs').optional(),
  inSyncTimeoutMs: durationMs('inSyncTimeoutMs').default(120_000),
  moveTimeoutMs: durationMs('moveTimeoutMs').default(300_000),
  racks: z
    .array(z.string().min(1, { error: 'must not be empty' }), { error: 'must be a list of rack names' })
    .min(1, { error: 'must not be empty' })
    .optional(),
})

export type LocalBackendOptions = z.input<typeof localOptionsSchema>
type Options = z.output<typeof localOptionsSchema>

/** The stack functions the backend calls; tests pass their own. */
export interface LocalStack {
  addBroker: typeof addBroker
  removeBroker: typeof removeBroker
  stackStatus: typeof stackStatus
  addLogDir: typeof addLogDir
}

export interface LocalBackendDeps extends BrokerBackendDeps {
  stack?: LocalStack
  /**
   * When given, removeBrokers refuses brokers that still hold replicas (the drain precondition). The disk
   * operations use it when it has their methods, else an admin of their own on the stack's bootstrap servers.
   */
  admin?: Pick<KafkaAdminPort, 'metadata'> & Partial<DiskAdmin>
}

const OPERATIONS = new Set<BrokerOperation>(['addBrokers', 'removeBrokers', 'addDisk', 'rebalance'])

export class LocalBackend implements BrokerBackend {
  readonly kind = 'local' as const
  readonly name: string
  readonly operations: ReadonlySet<BrokerOperation> = OPERATIONS
  readonly movesData = false
  readonly #options: Options
  readonly #field: string
  readonly #stack: LocalStack
  readonly #admin: LocalBackendDeps['admin']
  readonly #leader: BrokerBackendDeps['leader']
  readonly #queue = new OperationQueue()

  constructor(options: Options, deps: LocalBackendDeps) {
    this.#options = options
    this.#field = deps.field ?? 'brokers'
    this.#stack = deps.stack ?? { addBroker, removeBroker, stackStatus, addLogDir }
    this.#admin = deps.admin
    this.#leader = deps.leader
    this.name = `local stack ${options.dir}`
  }

  async addBrokers(brokers: number | number[], options: BrokerOperationOptions): Promise<BrokerResult> {
    const { ids, count } = checkAddRequest(brokers)
    if (ids) {
      throw new AutopilotError('AP_ERR_INPUT', 'the local stack numbers new brokers itself; give a count', {
        field: 'brokers',
      })
    }
    return this.#queue.run(async () => {
      checkLeader(this.#leader, options.dryRun, this.name)
      const journal = journalFor(this.kind, this.name, 'addBrokers', options)
      const status = await this.#stack.stackStatus(this.#options.dir)
      if (options.dryRun) {
        const next = Math.max(0, ...status.nodes.map((n) => n.id)) + 1
        const predicted = Array.from({ length: count }, (_, i) => next + i)
        return brokerResult(
          this,
          'addBrokers',
          predicted,
          options,
          `would start brokers ${predicted.join(', ')}`,
        )
      }
      const added: number[] = []
      for (let i = 0; i < count; i += 1) {
        options.signal?.throwIfAborted()
        const racks = this.#options.racks
        const rack = racks ? racks[(status.nodes.length + i) % racks.length] : undefined
        const node = await this.#stack.addBroker(this.#options.dir, {
          ...(rack ? { rack } : {}),
          ...(this.#options.heapMb ? { heapMb: this.#options.heapMb } : {}),
          ...(this.#options.readyTimeoutMs ? { readyTimeoutMs: this.#options.readyTimeoutMs } : {}),
        })
        added.push(node.id)
        journal('started', `broker ${node.id} is up on ${node.host}:${node.port}`, { broker: node.id })
      }
      return brokerResult(
        this,
        'addBrokers',
        added,
        options,
        `started brokers ${added.join(', ')} (no partitions yet)`,
      )
    })
  }

  /** Precondition: the brokers were drained (hold no replicas). Checked when an admin was given. */
  async removeBrokers(ids: number[], options: BrokerOperationOptions): Promise<BrokerResult> {
    const sorted = checkIds(ids)
    return this.#queue.run(async () => {
      checkLeader(this.#leader, options.dryRun, this.name)
      const journal = journalFor(this.kind, this.name, 'removeBrokers', options)
      const status = await this.#stack.stackStatus(this.#options.dir)
      for (const id of sorted) {
        const node = status.nodes.find((n) => n.id === id)
        if (!node) {
          throw new AutopilotError('AP_ERR_INPUT', `broker ${id} is not part of the local stack`, {
            field: 'brokers',
            hint: `brokers: ${status.nodes.map((n) => n.id).join(', ')}`,
          })
        }
        if (node.roles.includes('controller')) {
          throw new AutopilotError(
            'AP_ERR_UNSAFE',
            `node ${id} is a KRaft controller; removing it would shrink the quorum`,
            {
              field: 'brokers',
            },
          )
        }
      }
      await this.#checkDrained(sorted)
      if (options.dryRun)
        return brokerResult(
          this,
          'removeBrokers',
          sorted,
          options,
          `would stop and unregister brokers ${sorted.join(', ')}`,
        )
      for (const id of sorted) {
        options.signal?.throwIfAborted()
        const outcome = await this.#stack.removeBroker(this.#options.dir, id)
        journal('stopped', `broker ${id} stopped${outcome.unregistered ? ' and unregistered' : ''}`, {
          broker: id,
          ...outcome,
        })
      }
      return brokerResult(
        this,
        'removeBrokers',
        sorted,
        options,
        `stopped and unregistered brokers ${sorted.join(', ')}`,
      )
    })
  }

  /** A log dir for broker `brokerId` alone; `disk.mountPath` names it, `size` is recorded (see local-disk-ops). */
  async addDisk(brokerId: number, disk: DiskSpec, options: BrokerOperationOptions): Promise<BrokerResult> {
    const id = checkBrokerId(brokerId)
    const spec = checkDisk(disk)
    return this.#queue.run(async () => {
      checkLeader(this.#leader, options.dryRun, this.name)
      const outcome = await addDiskLocal(this.#diskContext('addDisk', options), id, spec)
      return { ...brokerResult(this, 'addDisk', outcome.brokers, options, outcome.message), ...outcome }
    })
  }

  /** Only `disk: true` (between the log dirs of each broker); moves between brokers are the executor's. */
  async rebalance(request: { disk?: boolean }, options: BrokerOperationOptions): Promise<BrokerResult> {
    if (request?.disk !== true) {
      throw unsupported(
        this.kind,
        'rebalance',
        'only rebalance({ disk: true }) is local; the reassignment executor moves data between brokers',
        this.#field,
      )
    }
    return this.#queue.run(async () => {
      checkLeader(this.#leader, options.dryRun, this.name)
      const outcome = await rebalanceDisks(this.#diskContext('rebalance', options))
      return { ...brokerResult(this, 'rebalance', outcome.brokers, options, outcome.message), ...outcome }
    })
  }

  async stop(_options: BrokerOperationOptions): Promise<BrokerResult> {
    throw unsupported(
      this.kind,
      'stop',
      'the reassignment executor moves data on the local stack',
      this.#field,
    )
  }

  async status(_signal?: AbortSignal): Promise<BrokerStatus> {
    const status = await this.#stack.stackStatus(this.#options.dir)
    const brokers = status.nodes
      .filter((n) => n.roles.includes('broker'))
      .map((n) => ({ id: n.id, state: n.alive ? 'running' : 'stopped' }))
    const down = brokers.filter((b) => b.state !== 'running').length
    return {
      kind: this.kind,
      target: this.name,
      busy: false,
      brokers,
      message: `${brokers.length} brokers${down > 0 ? `, ${down} stopped` : ''}`,
      details: { controllers: status.nodes.filter((n) => n.roles.includes('controller')).map((n) => n.id) },
    }
  }

  async close(): Promise<void> {
    await this.#queue.drain()
  }

  #diskContext(operation: BrokerOperation, options: BrokerOperationOptions): DiskContext {
    return {
      dir: this.#options.dir,
      stack: this.#stack,
      withAdmin: (fn) => this.#withAdmin(fn),
      journal: journalFor(this.kind, this.name, operation, options),
      options,
      readyTimeoutMs: this.#options.readyTimeoutMs,
      inSyncTimeoutMs: this.#options.inSyncTimeoutMs,
      moveTimeoutMs: this.#options.moveTimeoutMs,
    }
  }

  /** The given admin when it can do disk work, else one on the stack's brokers for the length of `fn`. */
  async #withAdmin<T>(fn: (admin: DiskAdmin) => Promise<T>): Promise<T> {
    const given = this.#admin
    const disk = [
      'describeLogDirs',
      'alterReplicaLogDirs',
      'electPreferredLeaders',
      'describeConfigs',
    ] as const
    if (given && disk.every((m) => typeof given[m] === 'function')) {
      return fn(given as DiskAdmin)
    }
    const status = await this.#stack.stackStatus(this.#options.dir)
    const admin = createAdminPort({
      bootstrapServers: status.bootstrapServers.split(','),
      clientId: 'autopilot-local-disks',
    })
    try {
      return await fn(admin)
    } finally {
      await admin.close()
    }
  }

  async #checkDrained(ids: number[]): Promise<void> {
    if (!this.#admin) return
    const metadata = await this.#admin.metadata()
    const held = new Map<number, number>()
    for (const topic of metadata.topics) {
      for (const partition of topic.partitions) {
        for (const replica of partition.replicas) {
          if (ids.includes(replica)) held.set(replica, (held.get(replica) ?? 0) + 1)
        }
      }
    }
    if (held.size > 0) {
      const list = [...held].map(([id, n]) => `broker ${id}: ${n} replicas`).join(', ')
      throw new AutopilotError('AP_ERR_UNSAFE', `not removing brokers that still hold data (${list})`, {
        field: 'brokers',
        hint: 'drain them first (reassign their replicas away), then remove',
        details: Object.fromEntries(held),
      })
    }
  }
}

export function createLocalBackend(options: unknown, deps: LocalBackendDeps = {}): LocalBackend {
  return new LocalBackend(
    parseBackendOptions(localOptionsSchema, options, deps.field ?? 'brokers', 'local'),
    deps,
  )
}
