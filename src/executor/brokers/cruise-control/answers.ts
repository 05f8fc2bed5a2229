// Reading Cruise Control's JSON answers (json=true): the optimization summary of add_broker / remove_broker /
// rebalance, a user task from user_tasks, the executor state from state?substates=executor, and the progress
// of a 202. Anything malformed is AP_ERR_KAFKA naming what was missing, never a crash.
import { AutopilotError } from '../../../errors.ts'

type Json = Record<string, unknown>

const record = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined

const bad = (what: string, body: unknown) =>
  new AutopilotError('AP_ERR_KAFKA', `Cruise Control's answer ${what}`, {
    retryable: true,
    details: { body: JSON.stringify(body).slice(0, 300) },
  })

/** The fields of OptimizationResult.summary a human needs to judge a plan. */
export interface ProposalSummary {
  numReplicaMovements: number
  dataToMoveMB: number
  numLeaderMovements: number
  numIntraBrokerReplicaMovements?: number
  intraBrokerDataToMoveMB?: number
  recentWindows?: number
  monitoredPartitionsPercentage?: number
  provisionStatus?: string
  provisionRecommendation?: string
}

const REQUIRED = ['numReplicaMovements', 'dataToMoveMB', 'numLeaderMovements'] as const
const OPTIONAL_NUMBERS = [
  'numIntraBrokerReplicaMovements',
  'intraBrokerDataToMoveMB',
  'recentWindows',
  'monitoredPartitionsPercentage',
] as const

export function parseSummary(body: Json): ProposalSummary {
  const summary = record(body.summary)
  if (!summary) throw bad('has no summary (is json=true honoured?)', body)
  const out: Json = {}
  for (const key of REQUIRED) {
    const value = summary[key]
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw bad(`has no valid summary.${key}`, body)
    }
    out[key] = value
  }
  for (const key of OPTIONAL_NUMBERS) {
    if (typeof summary[key] === 'number' && Number.isFinite(summary[key])) out[key] = summary[key]
  }
  for (const key of ['provisionStatus', 'provisionRecommendation']) {
    if (typeof summary[key] === 'string' && summary[key] !== '') out[key] = summary[key]
  }
  return out as unknown as ProposalSummary
}

export function describeSummary(s: ProposalSummary): string {
  return `${s.numReplicaMovements} replica moves (${s.dataToMoveMB} MB) and ${s.numLeaderMovements} leader moves`
}

export type TaskStatus = 'Active' | 'InExecution' | 'Completed' | 'CompletedWithError'
const STATUSES = new Set<string>(['Active', 'InExecution', 'Completed', 'CompletedWithError'])

export interface UserTask {
  id: string
  status: TaskStatus
  requestUrl: string
}

/** The task `id` from a user_tasks answer; undefined when Cruise Control does not list it (any more). */
export function findUserTask(body: Json, id: string): UserTask | undefined {
  const tasks = body.userTasks
  if (!Array.isArray(tasks)) throw bad('has no userTasks list', body)
  for (const item of tasks) {
    const task = record(item)
    if (!task || task.UserTaskId !== id) continue
    if (typeof task.Status !== 'string' || !STATUSES.has(task.Status)) {
      throw bad(`lists task ${id} with an unknown Status ${JSON.stringify(task.Status)}`, body)
    }
    return {
      id,
      status: task.Status as TaskStatus,
      requestUrl: typeof task.RequestURL === 'string' ? task.RequestURL : '',
    }
  }
  return undefined
}

export interface ExecutorState {
  state: string
  busy: boolean
  triggeredUserTaskId?: string
  triggeredTaskReason?: string
  finishedDataMovement?: number
  totalDataToMove?: number
  error?: string
}

export function parseExecutorState(body: Json): ExecutorState {
  const executor = record(body.ExecutorState)
  if (!executor || typeof executor.state !== 'string' || executor.state === '') {
    throw bad('has no ExecutorState.state (was substates=executor sent?)', body)
  }
  const out: ExecutorState = { state: executor.state, busy: executor.state !== 'NO_TASK_IN_PROGRESS' }
  for (const key of ['triggeredUserTaskId', 'triggeredTaskReason', 'error'] as const) {
    if (typeof executor[key] === 'string' && executor[key] !== '') out[key] = executor[key] as string
  }
  for (const key of ['finishedDataMovement', 'totalDataToMove'] as const) {
    if (typeof executor[key] === 'number') out[key] = executor[key] as number
  }
  return out
}

/** The current step of a 202 progress answer: `{progress: [{operation, operationProgress: [{step, …}]}]}`. */
export function progressStep(body: Json): string | undefined {
  const progress = Array.isArray(body.progress) ? body.progress : []
  const last = record(progress.at(-1))
  const steps = Array.isArray(last?.operationProgress) ? last.operationProgress : []
  const step = record(steps.at(-1))
  if (typeof step?.step !== 'string') return undefined
  return typeof last?.operation === 'string' ? `${last.operation}: ${step.step}` : step.step
}
