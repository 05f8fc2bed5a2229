// `cruise-control` broker backend: Cruise Control (2.5 REST API) moves the data; the brokers themselves are
// started and stopped by something else. addBrokers moves load onto brokers that already run, removeBrokers
// drains them (they may be stopped afterwards), rebalance balances the cluster or the disks of each broker.
//
//   GET  /kafkacruisecontrol/state?substates=executor&json=true         executor idle? (refuse when busy)
//   POST /kafkacruisecontrol/add_broker?brokerid=4,5&dryrun=false&json=true
//        200 + User-Task-ID: proposal computed, execution started    202 + User-Task-ID: still computing,
//        resend the same request with the User-Task-ID header until it answers 200 (or an error)
//   GET  /kafkacruisecontrol/user_tasks?user_task_ids=<id>&json=true    until Completed | CompletedWithError
//   POST /kafkacruisecontrol/stop_proposal_execution?json=true
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
  checkAddRequest,
  checkIds,
  checkLeader,
  durationMs,
  journalFor,
  OperationQueue,
  parseBackendOptions,
  pollUntil,
  unsupported,
} from './common.ts'
import {
  describeSummary,
  type ExecutorState,
  findUserTask,
  parseExecutorState,
  parseSummary,
  progressStep,
  type TaskStatus,
} from './cruise-control/answers.ts'
import { CruiseControlClient } from './cruise-control/client.ts'

export const cruiseControlOptionsSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    username: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
    password: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
    passwordEnv: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' })
      .optional(),
    requestTimeoutMs: durationMs('requestTimeoutMs').default(30_000),
    pollIntervalMs: durationMs('pollIntervalMs').default(5_000),
    proposalTimeoutMs: durationMs('proposalTimeoutMs').default(600_000),
    executionTimeoutMs: durationMs('executionTimeoutMs').default(6 * 3_600_000),
    replicationThrottle: z
      .number({ error: 'must be bytes per second' })
      .int({ error: 'must be a whole number of bytes per second' })
      .positive({ error: 'must be positive' })
      .optional(),
    concurrentPartitionMovementsPerBroker: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be an integer' })
      .min(1, { error: 'must be at least 1' })
      .optional(),
    excludedTopics: z.string({ error: 'must be a regular expression' }).min(1).optional(),
    goals: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9]*Goal$/, { error: 'must be a goal class name such as RackAwareGoal' }),
        { error: 'must be a list of goal names' },
      )
      .min(1, { error: 'must not be empty' })
      .optional(),
  })
  .superRefine((o, ctx) => {
    if (o.password !== undefined && o.passwordEnv !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['passwordEnv'],
        message: 'give password or passwordEnv, not both',
      })
    }
    if ((o.password !== undefined || o.passwordEnv !== undefined) && o.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required with a password' })
    }
    if (o.username !== undefined && o.password === undefined && o.passwordEnv === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['passwordEnv'],
        message: 'username needs password or passwordEnv',
      })
    }
  })

export type CruiseControlBackendOptions = z.input<typeof cruiseControlOptionsSchema>
type Options = z.output<typeof cruiseControlOptionsSchema>

const OPERATIONS = new Set<BrokerOperation>(['addBrokers', 'removeBrokers', 'rebalance', 'stop'])
const ENDPOINT = { addBrokers: 'add_broker', removeBrokers: 'remove_broker', rebalance: 'rebalance' } as const

export class CruiseControlBackend implements BrokerBackend {
  readonly kind = 'cruise-control' as const
  readonly name: string
  readonly operations: ReadonlySet<BrokerOperation> = OPERATIONS
  readonly movesData = true
  readonly #options: Options
  readonly #field: string
  readonly #client: CruiseControlClient
  readonly #leader: BrokerBackendDeps['leader']
  readonly #queue = new OperationQueue()

  constructor(options: Options, deps: BrokerBackendDeps) {
    this.#options = options
    this.#field = deps.field ?? 'brokers'
    this.#leader = deps.leader
    let password = options.password
    if (options.passwordEnv !== undefined) {
      password = (deps.env ?? process.env)[options.passwordEnv]
      if (!password) {
        throw new AutopilotError('AP_ERR_CONFIG', `environment variable ${options.passwordEnv} is not set`, {
          field: `${this.#field}.passwordEnv`,
        })
      }
    }
    this.#client = new CruiseControlClient({
      url: options.url,
      username: options.username,
      password,
      requestTimeoutMs: options.requestTimeoutMs,
      field: this.#field,
    })
    this.name = `Cruise Control ${this.#client.base}`
  }

  async addBrokers(brokers: number | number[], options: BrokerOperationOptions): Promise<BrokerResult> {
    const { ids } = checkAddRequest(brokers)
    if (!ids) {
      throw new AutopilotError(
        'AP_ERR_INPUT',
        'Cruise Control cannot start brokers; give the ids of new brokers',
        {
          field: 'brokers',
          hint: 'start the brokers first (or use the strimzi / koperator backend), then move load onto them',
        },
      )
    }
    return this.#queue.run(() => this.#execute('addBrokers', { brokerid: ids.join(',') }, ids, options))
  }

  async removeBrokers(ids: number[], options: BrokerOperationOptions): Promise<BrokerResult> {
    const sorted = checkIds(ids)
    return this.#queue.run(() =>
      this.#execute('removeBrokers', { brokerid: sorted.join(',') }, sorted, options),
    )
  }

  async addDisk(_brokerId: number, _disk: DiskSpec, _options: BrokerOperationOptions): Promise<BrokerResult> {
    throw unsupported(
      this.kind,
      'addDisk',
      'Cruise Control moves data but creates no volumes; add the disk, then rebalance with disk: true',
      this.#field,
    )
  }

  async rebalance(request: { disk?: boolean }, options: BrokerOperationOptions): Promise<BrokerResult> {
    const params: Record<string, string> = request.disk ? { rebalance_disk: 'true' } : {}
    return this.#queue.run(() => this.#execute('rebalance', params, [], options))
  }

  /** Not queued: it must reach Cruise Control while an operation of ours waits for its execution. */
  async stop(options: BrokerOperationOptions): Promise<BrokerResult> {
    const base = {
      kind: this.kind,
      target: this.name,
      operation: 'stop' as const,
      brokers: [],
      dryRun: options.dryRun,
    }
    checkLeader(this.#leader, options.dryRun, this.name)
    const journal = journalFor(this.kind, this.name, 'stop', options)
    if (options.dryRun) {
      journal('dry-run', 'would POST stop_proposal_execution')
      return { ...base, applied: false, message: 'would stop the execution under way' }
    }
    const answer = await this.#client.send('POST', 'stop_proposal_execution', { json: 'true' }, options)
    const message = typeof answer.body.message === 'string' ? answer.body.message : 'stop requested'
    journal('done', message)
    return { ...base, applied: true, message }
  }

  async status(signal?: AbortSignal): Promise<BrokerStatus> {
    const executor = await this.#executorState(signal)
    return {
      kind: this.kind,
      target: this.name,
      busy: executor.busy,
      brokers: null,
      message: `executor ${executor.state}`,
      details: { ...executor },
    }
  }

  async close(): Promise<void> {
    await this.#queue.drain()
  }

  async #execute(
    operation: keyof typeof ENDPOINT,
    specific: Record<string, string>,
    brokers: number[],
    options: BrokerOperationOptions,
  ): Promise<BrokerResult> {
    const { dryRun, signal } = options
    checkLeader(this.#leader, dryRun, this.name)
    const journal = journalFor(this.kind, this.name, operation, options)
    const endpoint = ENDPOINT[operation]
    if (!dryRun) {
      const executor = await this.#executorState(signal)
      if (executor.busy) {
        throw new AutopilotError(
          'AP_ERR_CONFLICT',
          `Cruise Control is busy (${executor.state}); not starting ${endpoint}`,
          {
            retryable: true,
            details: { ...executor },
          },
        )
      }
    }
    // dryrun defaults to true in Cruise Control: always say which one we mean.
    const params = { ...specific, ...this.#commonParams(), dryrun: String(dryRun), json: 'true' }
    journal('request', `POST ${endpoint}`, { params })
    let answer = await this.#client.send('POST', endpoint, params, { signal })
    if (answer.status === 202) {
      const taskId = this.#taskId(answer.taskId, endpoint)
      journal('accepted', `Cruise Control is computing the proposal (task ${taskId})`, { userTaskId: taskId })
      let lastStep = progressStep(answer.body)
      answer = await pollUntil(
        {
          what: `Cruise Control to compute the ${endpoint} proposal (task ${taskId})`,
          timeoutMs: this.#options.proposalTimeoutMs,
          intervalMs: this.#options.pollIntervalMs,
          signal,
          details: { userTaskId: taskId },
        },
        async () => {
          const next = await this.#client.send('POST', endpoint, params, { signal, taskId })
          if (next.status !== 202) return next
          const step = progressStep(next.body)
          if (step && step !== lastStep) journal('progress', step, { userTaskId: taskId })
          lastStep = step
          return undefined
        },
      )
    }
    const summary = parseSummary(answer.body)
    const base = { kind: this.kind, target: this.name, operation, brokers, dryRun }
    const ids = brokers.length > 0 ? ` (brokers ${brokers.join(', ')})` : ''
    if (dryRun) {
      journal('done', `proposal: ${describeSummary(summary)}`, { summary })
      return {
        ...base,
        applied: false,
        message: `would make ${describeSummary(summary)}${ids}`,
        details: { summary, userTaskId: answer.taskId },
      }
    }
    const taskId = this.#taskId(answer.taskId, endpoint)
    journal('executing', `executing ${describeSummary(summary)}`, { userTaskId: taskId, summary })
    const final = await this.#waitForTask(taskId, endpoint, journal, signal)
    if (final === 'CompletedWithError') {
      const executor = await this.#executorState(signal).catch(() => undefined)
      throw new AutopilotError(
        'AP_ERR_KAFKA',
        `Cruise Control finished ${endpoint} task ${taskId} with an error${
          executor?.error ? `: ${executor.error}` : ''
        }`,
        {
          details: { userTaskId: taskId, summary, executor },
          hint: 'the data movement stopped part way: check the Cruise Control log and GET state before retrying',
        },
      )
    }
    journal('done', `${endpoint} completed`, { userTaskId: taskId })
    return {
      ...base,
      applied: true,
      message: `made ${describeSummary(summary)}${ids}`,
      details: { summary, userTaskId: taskId },
    }
  }

  /** Polls user_tasks until the task leaves Active/InExecution. */
  async #waitForTask(
    taskId: string,
    endpoint: string,
    journal: ReturnType<typeof journalFor>,
    signal: AbortSignal | undefined,
  ): Promise<TaskStatus> {
    let last: TaskStatus | undefined
    return pollUntil(
      {
        what: `Cruise Control to finish ${endpoint} task ${taskId}`,
        timeoutMs: this.#options.executionTimeoutMs,
        intervalMs: this.#options.pollIntervalMs,
        signal,
        hint: 'the execution goes on in Cruise Control: wait longer, or stop it (stop_proposal_execution)',
        details: { userTaskId: taskId },
      },
      async () => {
        const answer = await this.#client.send(
          'GET',
          'user_tasks',
          { user_task_ids: taskId, json: 'true' },
          { signal },
        )
        const task = findUserTask(answer.body, taskId)
        if (!task) {
          throw new AutopilotError('AP_ERR_KAFKA', `Cruise Control no longer lists user task ${taskId}`, {
            details: { userTaskId: taskId },
            hint: 'Cruise Control restarted or expired the task; its execution may still run: check GET state before retrying',
          })
        }
        if (task.status !== last) journal('state', `task ${taskId} is ${task.status}`, { userTaskId: taskId })
        last = task.status
        return task.status === 'Completed' || task.status === 'CompletedWithError' ? task.status : undefined
      },
    )
  }

  async #executorState(signal: AbortSignal | undefined): Promise<ExecutorState> {
    const answer = await this.#client.send(
      'GET',
      'state',
      { substates: 'executor', json: 'true' },
      { signal },
    )
    if (answer.status === 202) {
      throw new AutopilotError('AP_ERR_KAFKA', 'Cruise Control is still computing its state; try again', {
        retryable: true,
      })
    }
    return parseExecutorState(answer.body)
  }

  #taskId(id: string | undefined, endpoint: string): string {
    if (id) return id
    throw new AutopilotError(
      'AP_ERR_KAFKA',
      `Cruise Control answered ${endpoint} without a User-Task-ID header`,
      {
        retryable: true,
        hint: 'a proxy in front of Cruise Control may drop the header; without it the execution cannot be followed',
      },
    )
  }

  #commonParams(): Record<string, string> {
    const o = this.#options
    const out: Record<string, string> = {}
    if (o.goals) out.goals = o.goals.join(',')
    if (o.replicationThrottle !== undefined) out.replication_throttle = String(o.replicationThrottle)
    if (o.concurrentPartitionMovementsPerBroker !== undefined) {
      out.concurrent_partition_movements_per_broker = String(o.concurrentPartitionMovementsPerBroker)
    }
    if (o.excludedTopics !== undefined) out.excluded_topics = o.excludedTopics
    return out
  }
}

export function createCruiseControlBackend(
  options: unknown,
  deps: BrokerBackendDeps = {},
): CruiseControlBackend {
  const field = deps.field ?? 'brokers'
  return new CruiseControlBackend(
    parseBackendOptions(cruiseControlOptionsSchema, options, field, 'cruise-control'),
    deps,
  )
}
