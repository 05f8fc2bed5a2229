// HPA scaling policies over the scale-event history (spec §3.5), then the min/max bounds. For each policy the
// count at the start of its period is `current − added + removed` within the last periodSeconds; Pods adds or
// removes `value` from there, Percent scales it by `value` %. selectPolicy Max picks the policy allowing the
// largest change, Min the smallest, Disabled none.
import type { BehaviorConfig, ScalingRules } from '../../config/schema.ts'
import type { ReasonCode } from './reasons.ts'
import type { Limit, ScaleEvent } from './types.ts'

function changedWithin(events: readonly ScaleEvent[], periodSeconds: number, now: number) {
  const from = now - periodSeconds * 1000
  let added = 0
  let removed = 0
  for (const e of events) {
    if (e.at <= from) continue
    if (e.delta > 0) added += e.delta
    else removed -= e.delta
  }
  return { added, removed }
}

/** Highest count the scale-up policies allow now (never below current); null when scale-up is disabled. */
export function scaleUpLimit(
  current: number,
  events: readonly ScaleEvent[],
  rules: ScalingRules,
  now: number,
) {
  if (rules.selectPolicy === 'Disabled') return null
  const proposals = rules.policies.map((p) => {
    const { added, removed } = changedWithin(events, p.periodSeconds, now)
    const start = current - added + removed
    // Percent rounds up: otherwise a small count could never grow (1 × 1.1 → 1).
    return p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100))
  })
  const limit = rules.selectPolicy === 'Min' ? Math.min(...proposals) : Math.max(...proposals)
  return Math.max(limit, current)
}

/** Lowest count the scale-down policies allow now (never above current); null when scale-down is disabled. */
export function scaleDownLimit(
  current: number,
  events: readonly ScaleEvent[],
  rules: ScalingRules,
  now: number,
) {
  if (rules.selectPolicy === 'Disabled') return null
  const proposals = rules.policies.map((p) => {
    const { added, removed } = changedWithin(events, p.periodSeconds, now)
    const start = current - added + removed
    return p.type === 'Pods' ? start - p.value : Math.floor(start * (1 - p.value / 100))
  })
  // Max means "largest change", which for scale-down is the lowest count.
  const limit = rules.selectPolicy === 'Min' ? Math.max(...proposals) : Math.min(...proposals)
  return Math.max(0, Math.min(limit, current))
}

export interface Bounds {
  min: number
  max: number
  /** Reason to give when `min` is what holds the count (CooldownHold while waiting to scale to zero). */
  minReason?: ReasonCode
}

export interface RateLimited {
  replicas: number
  limit: Limit | null
}

/** Applies the rate policies of the direction of change and the min/max bounds (current within bounds). */
export function applyRateLimits(
  desired: number,
  current: number,
  events: readonly ScaleEvent[],
  behavior: BehaviorConfig,
  bounds: Bounds,
  now: number,
): RateLimited {
  if (desired > current) {
    const limit = scaleUpLimit(current, events, behavior.scaleUp, now)
    const byPolicy = limit ?? current
    const allowed = Math.min(bounds.max, byPolicy)
    if (desired <= allowed) return { replicas: desired, limit: null }
    const reason: ReasonCode =
      byPolicy < bounds.max ? (limit === null ? 'ScaleUpDisabled' : 'ScaleUpLimit') : 'TooManyReplicas'
    const detail =
      reason === 'TooManyReplicas'
        ? `maxReplicaCount is ${bounds.max}`
        : reason === 'ScaleUpDisabled'
          ? 'scaleUp.selectPolicy is Disabled'
          : `scale-up policies allow ${allowed} now (${describePolicies(behavior.scaleUp)})`
    return { replicas: allowed, limit: { reason, from: desired, to: allowed, detail } }
  }
  if (desired < current) {
    const limit = scaleDownLimit(current, events, behavior.scaleDown, now)
    const byPolicy = limit ?? current
    const allowed = Math.max(bounds.min, byPolicy)
    if (desired >= allowed) return { replicas: desired, limit: null }
    const reason: ReasonCode =
      byPolicy > bounds.min
        ? limit === null
          ? 'ScaleDownDisabled'
          : 'ScaleDownLimit'
        : (bounds.minReason ?? 'TooFewReplicas')
    const detail =
      reason === 'ScaleDownLimit'
        ? `scale-down policies allow ${allowed} now (${describePolicies(behavior.scaleDown)})`
        : reason === 'ScaleDownDisabled'
          ? 'scaleDown.selectPolicy is Disabled'
          : reason === 'TooFewReplicas'
            ? `minReplicaCount is ${bounds.min}`
            : `holding ${bounds.min} until cooldownPeriod has passed`
    return { replicas: allowed, limit: { reason, from: desired, to: allowed, detail } }
  }
  return { replicas: desired, limit: null }
}

/** The history with this change added and events older than every policy period dropped. */
export function recordScaleEvent(
  events: readonly ScaleEvent[],
  delta: number,
  behavior: BehaviorConfig,
  now: number,
): ScaleEvent[] {
  const periods = [...behavior.scaleUp.policies, ...behavior.scaleDown.policies].map((p) => p.periodSeconds)
  const keepMs = Math.max(0, ...periods) * 1000
  const kept = events.filter((e) => e.at > now - keepMs)
  return delta === 0 ? kept : [...kept, { at: now, delta }]
}

function describePolicies(rules: ScalingRules): string {
  const list = rules.policies.map(
    (p) => `${p.type} ${p.value}${p.type === 'Percent' ? '%' : ''}/${p.periodSeconds}s`,
  )
  return `${list.join(', ')}, select ${rules.selectPolicy}`
}
