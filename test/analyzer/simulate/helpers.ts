// Builders for simulator tests: small traces, parameters, and a fixed-replica run that records the group
// at every step.
import type { Action, Controller } from '../../../src/analyzer/simulate/controller.ts'
import type { GroupModel } from '../../../src/analyzer/simulate/group.ts'
import { modelParams } from '../../../src/analyzer/simulate/params.ts'
import { simulate } from '../../../src/analyzer/simulate/run.ts'
import { Production } from '../../../src/analyzer/simulate/trace.ts'
import type { ModelParams, RunResult, Trace } from '../../../src/analyzer/simulate/types.ts'

/** A trace from [time, total rate] steps, ending at `end`. */
export function steps(points: Array<[number, number]>, end: number, name = 'test'): Trace {
  return {
    name,
    times: points.map((p) => p[0]),
    total: points.map((p) => p[1]),
    perPartition: null,
    end,
    observed: [],
  }
}

export function params(overrides: Partial<ModelParams> = {}): ModelParams {
  return modelParams({
    partitions: 4,
    throughputPerReplica: 100,
    rebalancePauseSeconds: 0,
    startupSeconds: 0,
    commitIntervalSeconds: 0,
    fetchBatchRecords: 0,
    stepSeconds: 0.25,
    sloSeconds: 10,
    ...overrides,
  })
}

/** Runs `replicas` from t = 0, switching to the counts of `changes` ([time, count]) when due. */
export class Schedule implements Controller {
  readonly name = 'schedule'
  readonly initialReplicas: number
  readonly #changes: Array<[number, number]>

  constructor(initial: number, changes: Array<[number, number]> = []) {
    this.initialReplicas = initial
    this.#changes = [...changes]
  }

  tick(t: number): Action | null {
    const due = this.#changes[0]
    if (due === undefined || due[0] > t + 1e-9) return null
    this.#changes.shift()
    return { replicas: due[1], reason: 'Scheduled' }
  }
}

export interface StepRecord {
  t: number
  consumed: number
  committedLag: number
  members: number
  replicas: number
  paused: boolean
  trueLag: number
  trueLagSeconds: number
}

/** A run with every step recorded (after the step, at its end time). */
export function record(
  trace: Trace,
  p: ModelParams,
  controller: Controller,
): { result: RunResult; steps: StepRecord[] } {
  const out: StepRecord[] = []
  const probe = (g: GroupModel) => {
    const obs = g.observe()
    const lag = g.trueLag()
    out.push({
      t: g.t,
      consumed: g.consumed.reduce((a, b) => a + b, 0),
      committedLag: obs.logEnd.reduce((a, e, i) => a + e - (obs.committed[i] as number), 0),
      members: g.members,
      replicas: g.replicas,
      paused: g.paused,
      trueLag: lag.records,
      trueLagSeconds: lag.seconds,
    })
  }
  const result = simulate(new Production(trace, p.partitions), p, controller, { probe })
  return { result, steps: out }
}

/** The recorded step at time t (the first at or after it). */
export function at(steps: StepRecord[], t: number): StepRecord {
  const s = steps.find((x) => x.t >= t - 1e-9)
  if (!s) throw new Error(`no step at ${t}`)
  return s
}
