// The daemon's policies in the simulator: every pollingInterval the group is read as the lag monitor would
// read it (observation → LagView, rates from the previous reading, as LagMonitor computes them) and the same
// pure decide() the daemon runs makes the decision, with the state it returned last time.

import type { ScalerConfig } from '../../config/schema.ts'
import { decide } from '../scaling/decide.ts'
import { initialScalerState } from '../scaling/state.ts'
import type { Decision, LagView, ScalerState } from '../scaling/types.ts'
import type { Action, Controller } from './controller.ts'
import type { GroupModel, Observation } from './group.ts'

/** decide() takes ms since the epoch; simulated time starts here (a fixed instant: no wall clock). */
export const SIM_EPOCH_MS = 1_735_689_600_000 // 2025-01-01T00:00:00Z

export function simNow(t: number): number {
  return SIM_EPOCH_MS + Math.round(t * 1000)
}

/** The trigger's topic (the first one named), or "sim". */
export function simTopic(config: ScalerConfig): string {
  return config.trigger.metadata.topics[0] ?? 'sim'
}

/** A LagView as the daemon builds it from a lag snapshot, with rates since the previous reading. */
export function lagViewOf(obs: Observation, previous: Observation | null, topic: string): LagView {
  const span = previous === null ? 0 : obs.at - previous.at
  const rate = (now: number[], before: number[] | undefined) => {
    if (before === undefined || span <= 0) return null
    let delta = 0
    for (const [p, v] of now.entries()) delta += v - (before[p] ?? 0)
    return delta / span
  }
  return {
    readable: true,
    partitions: obs.logEnd.map((end, partition) => ({
      topic,
      partition,
      committedOffset: obs.committed[partition] as number,
      lag: Math.max(0, end - (obs.committed[partition] as number)),
      retainedRecords: end,
    })),
    productionRate: rate(obs.logEnd, previous?.logEnd),
    consumptionRate: rate(obs.committed, previous?.committed),
    lagSeconds: obs.lagSeconds,
  }
}

export class DecideController implements Controller {
  readonly name: string
  readonly config: ScalerConfig
  readonly pollingSeconds: number
  state: ScalerState
  readonly decisions: Decision[] = []
  #next = 0
  #previous: Observation | null = null
  readonly #topic: string
  readonly #keep: boolean

  /** `keepDecisions`: remember every decision (for tests and --json details). */
  constructor(name: string, config: ScalerConfig, options: { keepDecisions?: boolean } = {}) {
    this.name = name
    this.config = config
    this.pollingSeconds = config.pollingInterval
    this.state = initialScalerState(simNow(0))
    this.#topic = simTopic(config)
    this.#keep = options.keepDecisions ?? false
  }

  tick(t: number, group: GroupModel): Action | null {
    if (t < this.#next - 1e-9) return null
    this.#next += this.pollingSeconds
    const obs = group.observe()
    const view = lagViewOf(obs, this.#previous, this.#topic)
    this.#previous = obs
    const { decision, nextState } = decide({
      view,
      current: group.replicas,
      state: this.state,
      config: this.config,
      now: simNow(t),
    })
    this.state = nextState
    if (this.#keep) this.decisions.push(decision)
    return { replicas: decision.desired, reason: decision.reason }
  }
}
