// An in-process fake of the Cruise Control 2.5 REST API on 127.0.0.1, for the *.contract.test.ts files. It
// follows the real server where a client could notice: the /kafkacruisecontrol prefix; GET and POST endpoints
// kept apart (a wrong verb is "Unrecognized endpoint", 404); parameter names checked per endpoint, case-
// insensitively (400 "Unrecognized endpoint parameters in ADD_BROKER POST request: [...]"); dryrun defaulting
// to true; json=true for JSON, text/plain otherwise; async requests as user tasks with a User-Task-ID header,
// 202 + progress while the proposal is computed, the same request resent with the User-Task-ID header to
// follow it; user_tasks Status Active → InExecution → Completed | CompletedWithError; one execution at a time
// (500 with the executor's message); the error JSON {version, stackTrace, errorMessage}; optional basic auth
// (401 with WWW-Authenticate). Time does not pass by itself: each follow-up request moves a task one step.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type LoopbackServer, listenOnLoopback } from '../../helpers/loopback-server.ts'

const PREFIX = '/kafkacruisecontrol'
const COMMON = ['json', 'get_response_schema', 'doAs', 'reason']
const GOAL_BASED = [
  ...COMMON,
  'dryrun',
  'goals',
  'allow_capacity_estimation',
  'concurrent_partition_movements_per_broker',
  'max_partition_movements_in_cluster',
  'concurrent_leader_movements',
  'skip_hard_goal_check',
  'excluded_topics',
  'kafka_assigner',
  'use_ready_default_goals',
  'verbose',
  'exclude_recently_demoted_brokers',
  'exclude_recently_removed_brokers',
  'replica_movement_strategies',
  'execution_progress_check_interval_ms',
  'stop_ongoing_execution',
  'review_id',
  'data_from',
  'replication_throttle',
  'fast_mode',
]
/** Parameter names per endpoint, from the 2.5 OpenAPI spec (cruise-control/src/main/resources/yaml). */
const ENDPOINTS: Record<string, { method: 'GET' | 'POST'; params: string[] }> = {
  add_broker: { method: 'POST', params: [...GOAL_BASED, 'brokerid', 'throttle_added_broker'] },
  remove_broker: {
    method: 'POST',
    params: [...GOAL_BASED, 'brokerid', 'throttle_removed_broker', 'destination_broker_ids'],
  },
  rebalance: {
    method: 'POST',
    params: [
      ...GOAL_BASED,
      'destination_broker_ids',
      'rebalance_disk',
      'ignore_proposal_cache',
      'concurrent_intra_broker_partition_movements',
    ],
  },
  stop_proposal_execution: {
    method: 'POST',
    params: [...COMMON, 'force_stop', 'stop_external_agent', 'review_id'],
  },
  state: { method: 'GET', params: [...COMMON, 'substates', 'verbose', 'super_verbose'] },
  user_tasks: {
    method: 'GET',
    params: [
      ...COMMON,
      'user_task_ids',
      'client_ids',
      'endpoints',
      'entries',
      'types',
      'fetch_completed_task',
    ],
  },
  load: {
    method: 'GET',
    params: [
      ...COMMON,
      'start',
      'end',
      'time',
      'allow_capacity_estimation',
      'populate_disk_info',
      'capacity_only',
    ],
  },
  kafka_cluster_state: { method: 'GET', params: [...COMMON, 'topic', 'verbose'] },
}

export type TaskStatus = 'Active' | 'InExecution' | 'Completed' | 'CompletedWithError'

export interface FakeTask {
  id: string
  endpoint: string
  requestUrl: string
  dryRun: boolean
  brokers: number[]
  status: TaskStatus
  computeLeft: number
  executeLeft: number
  proposalError?: string
  executionFails: boolean
}

export interface RecordedRequest {
  method: string
  endpoint: string
  query: URLSearchParams
  taskId: string | undefined
  authorization: string | undefined
}

/** How the next async operation behaves. */
export interface Script {
  /** 202 answers before the proposal is ready (each resend with User-Task-ID counts one). */
  computePolls: number
  /** user_tasks polls that still see InExecution. */
  executionPolls: number
  /** The proposal fails with this Java exception text (500 on the final answer). */
  proposalError?: string
  /** The execution ends CompletedWithError. */
  executionFails?: boolean
}

export class FakeCruiseControl {
  readonly requests: RecordedRequest[] = []
  readonly tasks = new Map<string, FakeTask>()
  /** Brokers Cruise Control knows (add/remove of others is an error). */
  brokers = new Set([0, 1, 2, 3, 4, 5])
  script: Script = { computePolls: 0, executionPolls: 0 }
  credentials: { username: string; password: string } | undefined
  /** The task the executor runs, if any; `external` = started by someone else. */
  executing: string | 'external' | undefined
  readonly #faults: Array<{
    endpoint: string
    status: number
    body: string
    contentType: string
    times: number
  }> = []
  #server: LoopbackServer | undefined
  url = ''

  async start(): Promise<this> {
    this.#server = await listenOnLoopback((req, res) => void this.#handle(req, res))
    this.url = this.#server.url
    return this
  }

  async stop(): Promise<void> {
    await this.#server?.stop()
  }

  reset(): void {
    this.requests.length = 0
    this.tasks.clear()
    this.#faults.length = 0
    this.brokers = new Set([0, 1, 2, 3, 4, 5])
    this.script = { computePolls: 0, executionPolls: 0 }
    this.credentials = undefined
    this.executing = undefined
  }

  /** The next `times` requests to `endpoint` get this answer instead. */
  fail(endpoint: string, fault: { status: number; body: string; contentType?: string }, times = 1): void {
    this.#faults.push({ contentType: 'application/json', ...fault, endpoint, times })
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for await (const _ of req) {
      // Cruise Control takes everything from the query string; drain any body.
    }
    const url = new URL(req.url ?? '/', 'http://fake')
    const method = req.method ?? 'GET'
    const endpoint = url.pathname.startsWith(`${PREFIX}/`) ? url.pathname.slice(PREFIX.length + 1) : ''
    const taskHeader = req.headers['user-task-id']
    this.requests.push({
      method,
      endpoint,
      query: url.searchParams,
      taskId: typeof taskHeader === 'string' ? taskHeader : undefined,
      authorization: req.headers.authorization,
    })
    const json = [...url.searchParams].some(([k, v]) => k.toLowerCase() === 'json' && v === 'true')
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = json ? JSON.stringify(body) : plain(body)
      res.writeHead(status, { 'content-type': json ? 'application/json' : 'text/plain', ...headers })
      res.end(text)
    }
    const error = (status: number, message: string) =>
      send(status, {
        version: 1,
        stackTrace: status === 500 ? `java.lang.Exception: ${message}\n\tat …` : '',
        errorMessage: message,
      })

    if (this.credentials) {
      const expected = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`
      if (req.headers.authorization !== expected) {
        // Jetty's BasicAuthenticator, before the servlet: an HTML page.
        res.writeHead(401, {
          'content-type': 'text/html',
          'www-authenticate': 'basic realm="CruiseControlRealm"',
        })
        res.end('<html><body><h2>HTTP ERROR 401 Unauthorized</h2></body></html>')
        return
      }
    }
    const fault = this.#faults.find((f) => f.times > 0 && f.endpoint === endpoint)
    if (fault) {
      fault.times -= 1
      res.writeHead(fault.status, { 'content-type': fault.contentType })
      res.end(fault.body)
      return
    }
    const spec = ENDPOINTS[endpoint]
    if (!spec || spec.method !== method) {
      const list = Object.entries(ENDPOINTS)
        .filter(([, s]) => s.method === method)
        .map(([n]) => n.toUpperCase())
      return error(
        404,
        `Unrecognized endpoint in request '/${endpoint}'\nSupported ${method} endpoints: [${list.join(', ')}]`,
      )
    }
    const valid = new Set(spec.params.map((p) => p.toLowerCase()))
    const unknown = [...new Set([...url.searchParams.keys()])]
      .filter((k) => !valid.has(k.toLowerCase()))
      .sort()
    if (unknown.length > 0) {
      return error(
        400,
        `Unrecognized endpoint parameters in ${endpoint.toUpperCase()} ${method} request: [${unknown.join(', ')}].`,
      )
    }
    const q = (name: string) => {
      for (const [k, v] of url.searchParams) if (k.toLowerCase() === name) return v
      return undefined
    }
    try {
      if (endpoint === 'state') return send(200, this.#state(q('substates')))
      if (endpoint === 'user_tasks') return send(200, this.#userTasks(q('user_task_ids')))
      if (endpoint === 'stop_proposal_execution') return send(200, this.#stop())
      if (endpoint === 'add_broker' || endpoint === 'remove_broker' || endpoint === 'rebalance') {
        const [status, body, id] = this.#operation(endpoint, method, url, q, taskHeader)
        return send(status, body, id ? { 'User-Task-ID': id } : {})
      }
      return error(500, `the fake does not implement ${endpoint}`)
    } catch (err) {
      if (err instanceof BadRequest) {
        return error(400, `Bad ${method} request '/${endpoint}' due to '${err.message}'.`)
      }
      return error(
        500,
        `Error processing ${method} request '/${endpoint}' due to: '${(err as Error).message}'.`,
      )
    }
  }

  #operation(
    endpoint: string,
    method: string,
    url: URL,
    q: (name: string) => string | undefined,
    taskHeader: string | string[] | undefined,
  ): [number, unknown, string] {
    const requestUrl = `${method} ${url.pathname}?${url.searchParams}`
    if (typeof taskHeader === 'string') {
      // A follow-up of an earlier request: answer for that task, never start a new one.
      const task = this.tasks.get(taskHeader)
      if (!task) throw new BadRequest(`User-Task-ID ${taskHeader} is not a valid task`)
      if (task.requestUrl !== requestUrl) {
        throw new BadRequest(`Request URL for User-Task-ID ${taskHeader} does not match: ${task.requestUrl}`)
      }
      if (task.status === 'Active') this.#computeStep(task)
      return this.#answer(task)
    }
    const dryRun = q('dryrun') !== 'false' // Cruise Control's default is a dry run
    const brokers = (q('brokerid') ?? '')
      .split(',')
      .filter((s) => s !== '')
      .map(Number)
    if (endpoint !== 'rebalance' && brokers.length === 0)
      throw new BadRequest('Target broker ID is not provided.')
    if (brokers.some((b) => !Number.isInteger(b)))
      throw new BadRequest(`Invalid broker id list ${q('brokerid')}`)
    const missing = brokers.find((b) => !this.brokers.has(b))
    if (missing !== undefined)
      throw new Error(`java.lang.IllegalArgumentException: Broker ${missing} does not exist.`)
    if (!dryRun && this.executing !== undefined) {
      throw new Error(
        'java.lang.IllegalStateException: Cannot start a new execution while there is an ongoing execution. Please use stop_ongoing_execution=true to stop ongoing execution and start a new one.',
      )
    }
    const task: FakeTask = {
      id: randomUUID(),
      endpoint,
      requestUrl,
      dryRun,
      brokers,
      status: 'Active',
      computeLeft: this.script.computePolls,
      executeLeft: this.script.executionPolls,
      proposalError: this.script.proposalError,
      executionFails: this.script.executionFails ?? false,
    }
    this.tasks.set(task.id, task)
    if (task.computeLeft === 0) this.#finishCompute(task)
    return this.#answer(task)
  }

  #computeStep(task: FakeTask): void {
    task.computeLeft -= 1
    if (task.computeLeft <= 0) this.#finishCompute(task)
  }

  #finishCompute(task: FakeTask): void {
    if (task.proposalError) task.status = 'CompletedWithError'
    else if (task.dryRun) task.status = 'Completed'
    else if (this.executing !== undefined) {
      task.proposalError =
        'java.lang.IllegalStateException: Cannot execute new proposals while there is an ongoing execution.'
      task.status = 'CompletedWithError'
    } else {
      task.status = task.executeLeft > 0 ? 'InExecution' : 'Completed'
      if (task.status === 'InExecution') this.executing = task.id
    }
  }

  #answer(task: FakeTask): [number, unknown, string] {
    if (task.status === 'Active') {
      const progress = [
        {
          operation:
            task.endpoint === 'remove_broker'
              ? 'Decommission brokers'
              : task.endpoint === 'add_broker'
                ? 'Add brokers'
                : 'Rebalance',
          operationProgress: [
            {
              step: 'WAITING_FOR_CLUSTER_MODEL',
              description: 'The job requires a cluster model.',
              'time-in-ms': 1,
              completionPercentage: 100,
            },
            {
              step: 'AGGREGATING_METRICS',
              description: 'Retrieve the metrics of all the partitions.',
              'time-in-ms': 2,
              completionPercentage: 40,
            },
          ],
        },
      ]
      return [202, { version: 1, progress }, task.id]
    }
    if (task.proposalError) throw new Error(`java.util.concurrent.ExecutionException: ${task.proposalError}`)
    return [200, optimizationResult(task.brokers), task.id]
  }

  #userTasks(ids: string | undefined): unknown {
    const wanted = ids ? new Set(ids.split(',')) : undefined
    const userTasks = []
    for (const task of this.tasks.values()) {
      if (wanted && !wanted.has(task.id)) continue
      if (task.status === 'InExecution') {
        task.executeLeft -= 1
        if (task.executeLeft <= 0) {
          task.status = task.executionFails ? 'CompletedWithError' : 'Completed'
          this.executing = undefined
        }
      }
      userTasks.push({
        UserTaskId: task.id,
        RequestURL: task.requestUrl,
        ClientIdentity: '127.0.0.1',
        StartMs: '1767225600000',
        Status: task.status,
      })
    }
    return { userTasks, version: 1 }
  }

  #state(substates: string | undefined): unknown {
    const wanted = (substates ?? 'MONITOR,EXECUTOR,ANALYZER,ANOMALY_DETECTOR').toUpperCase().split(',')
    const out: Record<string, unknown> = { version: 1 }
    if (wanted.includes('EXECUTOR')) {
      out.ExecutorState =
        this.executing === undefined
          ? { state: 'NO_TASK_IN_PROGRESS' }
          : {
              state: 'INTER_BROKER_REPLICA_MOVEMENT_TASK_IN_PROGRESS',
              triggeredUserTaskId:
                this.executing === 'external' ? '00000000-0000-0000-0000-000000000000' : this.executing,
              triggeredSelfHealingTaskId: '',
              triggeredTaskReason: 'No reason provided',
              numTotalPartitionMovements: 12,
              numFinishedPartitionMovements: 4,
              finishedDataMovement: 1200,
              totalDataToMove: 3400,
            }
    }
    if (wanted.includes('MONITOR'))
      out.MonitorState = { state: 'RUNNING', numMonitoredWindows: 5, monitoringCoveragePct: 100 }
    return out
  }

  #stop(): unknown {
    if (this.executing !== undefined && this.executing !== 'external') {
      const task = this.tasks.get(this.executing)
      if (task) task.status = 'CompletedWithError'
    }
    this.executing = undefined
    return { message: 'Proposal execution stopped.', version: 1 }
  }
}

class BadRequest extends Error {}

function optimizationResult(brokers: number[]): unknown {
  return {
    summary: {
      numIntraBrokerReplicaMovements: 0,
      excludedBrokersForLeadership: [],
      excludedBrokersForReplicaMove: [],
      numReplicaMovements: 12,
      onDemandBalancednessScoreBefore: 71.2,
      intraBrokerDataToMoveMB: 0,
      monitoredPartitionsPercentage: 100,
      provisionRecommendation: '',
      excludedTopics: [],
      numLeaderMovements: 5,
      onDemandBalancednessScoreAfter: 92.5,
      recentWindows: 5,
      dataToMoveMB: 3400,
      provisionStatus: 'RIGHT_SIZED',
    },
    goalSummary: [{ goal: 'RackAwareGoal', status: 'NO-ACTION', clusterModelStats: {} }],
    loadAfterOptimization: { brokers: brokers.map((b) => ({ Broker: b, Replicas: 40 })) },
    version: 1,
  }
}

function plain(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'errorMessage' in body) return String(body.errorMessage)
  return `not json: ${JSON.stringify(body).slice(0, 40)}`
}
