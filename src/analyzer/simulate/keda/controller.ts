// The `keda` baseline: KEDA's Kafka scaler + its poll loop + the HPA it generates, with their defaults, on
// two clocks (keda-hpa-spec.md §2.2): KEDA polls every pollingInterval (30 s) for activation and scale to
// zero; the HPA syncs every 15 s and asks KEDA for the metric, which KEDA computes on request from live
// offsets (useCachedMetrics off). Both paths share one scaler instance (persistent-lag memory). When both
// are due at the same instant, the poll loop goes first.
//
// From the scaler config it takes what a ScaledObject has: the trigger metadata, min/max/idle replicas and
// cooldownPeriod. Not its pollingInterval or behavior: autopilot defaults those differently (5 s, behaviour
// rules), and the baseline is KEDA as deployed by default.
import type { ScalerConfig } from '../../../config/schema.ts'
import { lagViewOf, simNow, simTopic } from '../autopilot.ts'
import type { Action, Controller } from '../controller.ts'
import type { GroupModel, Observation } from '../group.ts'
import { type HpaMemory, hpaReconcile } from './hpa.ts'
import { type KedaLoopState, kedaRequestScale } from './loop.ts'
import { type KedaScalerMemory, kedaMetric } from './scaler.ts'

export interface KedaTiming {
  /** ScaledObject pollingInterval. Default 30. */
  pollingSeconds: number
  /** --horizontal-pod-autoscaler-sync-period. Default 15. */
  hpaSyncSeconds: number
  /** --horizontal-pod-autoscaler-tolerance. Default 0.1. */
  tolerance: number
  /** --horizontal-pod-autoscaler-downscale-stabilization. Default 300. */
  downscaleStabilizationSeconds: number
  /** ScaledObject initialCooldownPeriod. Default 0. */
  initialCooldownPeriod: number
}

export const KEDA_DEFAULTS: KedaTiming = {
  pollingSeconds: 30,
  hpaSyncSeconds: 15,
  tolerance: 0.1,
  downscaleStabilizationSeconds: 300,
  initialCooldownPeriod: 0,
}

export class KedaController implements Controller {
  readonly name: string
  readonly config: ScalerConfig
  readonly timing: KedaTiming
  #nextPoll = 0
  #nextSync = 0
  #scaler: KedaScalerMemory = {}
  #hpa: HpaMemory = null
  #loop: KedaLoopState
  #previous: Observation | null = null
  readonly #topic: string

  constructor(name: string, config: ScalerConfig, timing: Partial<KedaTiming> = {}) {
    this.name = name
    this.config = config
    this.timing = { ...KEDA_DEFAULTS, ...timing }
    this.#loop = { createdAt: simNow(0), lastActiveAt: null }
    this.#topic = simTopic(config)
  }

  tick(t: number, group: GroupModel): Action | null {
    const poll = t >= this.#nextPoll - 1e-9
    const sync = t >= this.#nextSync - 1e-9
    if (!poll && !sync) return null
    const c = this.config
    const md = c.trigger.metadata
    const now = simNow(t)
    let current = group.replicas
    let action: Action | null = null
    if (poll) {
      this.#nextPoll += this.timing.pollingSeconds
      const m = this.#measure(group)
      const r = kedaRequestScale(
        m.active,
        current,
        {
          minReplicaCount: c.minReplicaCount,
          idleReplicaCount: c.idleReplicaCount,
          cooldownPeriod: c.cooldownPeriod,
          initialCooldownPeriod: this.timing.initialCooldownPeriod,
        },
        this.#loop,
        now,
      )
      this.#loop = r.state
      if (r.replicas !== null && r.replicas !== current) {
        action = { replicas: r.replicas, reason: r.reason }
        current = r.replicas
      }
    }
    if (sync) {
      this.#nextSync += this.timing.hpaSyncSeconds
      const m = this.#measure(group)
      const r = hpaReconcile({
        metric: m.metric,
        target: md.lagThreshold,
        specReplicas: current,
        // Pods exist as soon as the scale is written (ready or not), so status follows spec here.
        statusReplicas: current,
        settings: {
          minReplicas: Math.max(c.minReplicaCount, 1),
          maxReplicas: c.maxReplicaCount,
          tolerance: this.timing.tolerance,
          downscaleStabilizationSeconds: this.timing.downscaleStabilizationSeconds,
        },
        memory: this.#hpa,
        now,
      })
      this.#hpa = r.memory
      if (r.reason !== 'ScalingDisabled' && r.desired !== current) {
        const reason = `Hpa${r.reason}`
        action = { replicas: r.desired, reason: action === null ? reason : `${action.reason}+${reason}` }
      }
    }
    return action
  }

  /** One scaler evaluation on the live offsets (both paths call it; they share the scaler's memory). */
  #measure(group: GroupModel) {
    const obs = group.observe()
    const view = lagViewOf(obs, this.#previous, this.#topic)
    this.#previous = obs
    const m = kedaMetric(view, this.config.trigger.metadata, this.#scaler)
    this.#scaler = m.memory
    return m
  }
}
