// A scaling policy as the simulator drives it: asked at every step, it acts when its own clock says so and
// answers with the replica count to run (or null to leave it). Adapters: autopilot.ts (the daemon's
// decide()), keda/controller.ts (KEDA + HPA with their defaults), oracle.ts, and `fixed` below.
import type { GroupModel } from './group.ts'
import type { Trace } from './types.ts'

export interface Action {
  replicas: number
  /** Why (a reason code or a short text); recorded when the count changes. */
  reason: string
}

export interface Controller {
  readonly name: string
  /** Replicas at t = 0 when the policy fixes them (a recording); otherwise the model's initial count. */
  readonly initialReplicas?: number
  /** Called at the start of every step, at time t (seconds), before the group advances. */
  tick(t: number, group: GroupModel): Action | null
}

/**
 * Runs the replica counts a recording observed (the trace's `replicas` column, as a step function), or a
 * constant count. This is how the model is calibrated: real replica timeline in, simulated lag out.
 */
export class FixedController implements Controller {
  readonly name = 'fixed'
  readonly #schedule: Array<{ t: number; replicas: number }>
  #next = 0

  constructor(trace: Trace, constant: number | null = null) {
    this.#schedule =
      constant !== null
        ? [{ t: 0, replicas: constant }]
        : trace.observed.flatMap((o) => (o.replicas === null ? [] : [{ t: o.t, replicas: o.replicas }]))
  }

  get initialReplicas(): number | undefined {
    return this.#schedule[0]?.replicas
  }

  get empty(): boolean {
    return this.#schedule.length === 0
  }

  tick(t: number): Action | null {
    let action: Action | null = null
    while (this.#next < this.#schedule.length && (this.#schedule[this.#next]?.t as number) <= t + 1e-9) {
      action = { replicas: this.#schedule[this.#next]?.replicas as number, reason: 'Recorded' }
      this.#next++
    }
    return action
  }
}
