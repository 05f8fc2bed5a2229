// The slo policy's plan: which whole replica count to run now so that lag time stays within the SLO at the
// least cost. Pure arithmetic on what the monitor sees (arrival rate, lag time) and the per-replica throughput.
//
// Lag time and partitions. With round-robin assignment of P partitions over n consumers the busiest one owns
// k(n) = ceil(P / n) partitions, and with evenly loaded partitions its lag time (backlog ÷ its arrival rate)
// changes at
//   growth(n) = 1 − throughput × P / (arrival × k(n))     seconds of lag time per second
// (> 0: it falls behind; < 0: it drains). Only counts that lower k(n) are worth paying for (12 partitions:
// 1, 2, 3, 4, 6, 12; 5 consumers drain no faster than 4), so the plan only picks among those.
//
// The lag budget. A record may wait maxLagSeconds; the plan lets lag time rise to the budget (lagBudget ×
// maxLagSeconds, default half) and keeps the rest for reaction: the next evaluation, the new replicas'
// start-up and the rebalance pause (settleSeconds). So instead of paying for the next partition step as soon
// as the rate needs 4.7 replicas' worth, it runs 4 and lets lag build, then 6 to drain it, then 4 again: on
// average what the traffic needs. Growth is computed with the arrival rate, or the rate the backlog was
// produced at (backlog ÷ lag time) when higher: the head of the backlog is what is consumed next. The
// rules, in order:
//   1. settling: a change made less than settleSeconds ago has not taken effect (start-up, rebalance pause:
//      lag rises and nothing is consumed meanwhile): hold, unless lag time would pass the budget by more
//      than that pause before another change could work (the rate rose again);
//   2. falling behind and lag time would pass the budget before a change could work (lag time + growth ×
//      (polling + settle)), or keeping up but past the midpoint between budget and SLO: keep the current
//      count if it drains at least DRAIN_RATE s/s (at a rate RISE_MARGIN higher) or stays under the midpoint
//      for another SLO; else the fewest counts above it that do either, the change's pause counted 1.5 times
//      (after a rebalance the oldest records wait for other partitions' batches);
//   3. otherwise the fewest counts, never more than now, that keep up with lag time within the budget after
//      the change's pause, or stay within the budget for horizonSeconds (the slo policy: two SLOs). Lazy:
//      the current count is kept while it is within budget, even if it falls behind.
import { ceilReplicas } from './partition-cap.ts'

export type SloStep = 'settle' | 'drain' | 'budget' | 'keep-up' | 'hold'

export interface PlanInput {
  /** Records/s arriving (all partitions). */
  arrivalRate: number
  /** Records/s one replica consumes (planned: learned × targetUtilization). */
  perReplica: number
  partitions: number
  current: number
  /** Records produced and not consumed (committed lag). */
  backlog: number
  /** Age of the oldest unconsumed record, seconds. */
  lagSeconds: number
  maxLagSeconds: number
  /** Share of maxLagSeconds the plan may let lag time rise to. */
  budget: number
  /** Seconds since the replica count last changed; null: not known to have changed. */
  sinceScaleSeconds: number | null
  /** Time for a change to take effect (start-up + rebalance pause). */
  settleSeconds: number
  /** Time between evaluations. */
  pollingSeconds: number
  /** A lower count must stay within budget at least this long. */
  horizonSeconds: number
}

export interface Plan {
  replicas: number
  step: SloStep
}

/** Lag time drained per second by the count chosen to drain (s/s). */
export const DRAIN_RATE = 0.1

/** The drain count is sized for this much more than the current arrival rate. */
export const RISE_MARGIN = 0.1

/** Partitions of the busiest of n consumers (round-robin). */
export function busiest(n: number, partitions: number): number {
  return Math.ceil(partitions / Math.max(1, Math.min(n, partitions)))
}

/** Counts from 1 to P that relieve the busiest consumer (each lowers ceil(P / n)). */
export function efficientCounts(partitions: number): number[] {
  const out: number[] = []
  for (let n = 1; n <= partitions; n++) {
    if (n === 1 || busiest(n, partitions) < busiest(n - 1, partitions)) out.push(n)
  }
  return out
}

/** Seconds of lag time gained per second with n consumers (negative: draining). */
export function growth(n: number, input: Pick<PlanInput, 'arrivalRate' | 'perReplica' | 'partitions'>) {
  const { arrivalRate, perReplica, partitions } = input
  if (n <= 0) return 1
  if (arrivalRate <= 0) return Number.NEGATIVE_INFINITY
  const p = Math.max(1, partitions)
  return 1 - (perReplica * p) / (arrivalRate * busiest(n, p))
}

export function planReplicas(input: PlanInput): Plan {
  const { current, lagSeconds: lag, maxLagSeconds } = input
  const counts = efficientCounts(Math.max(1, input.partitions))
  const top = counts.at(-1) as number
  // The head of the backlog was produced at backlog ÷ lag time records/s: while it is consumed, lag time moves
  // with that rate, not today's (after a spike the backlog is the spike's).
  const backlogRate = lag > 0 ? input.backlog / lag : 0
  const rate = { ...input, arrivalRate: Math.max(input.arrivalRate, backlogRate) }
  const g = (n: number) => growth(n, rate)
  const ceiling = input.budget * maxLagSeconds
  if (rate.arrivalRate <= 0) return { replicas: 0, step: 'keep-up' }
  const keepUp = counts.find((n) => g(n) <= 0) ?? top
  if (current <= 0) return { replicas: Math.max(1, keepUp), step: 'keep-up' }

  // 1. A change is still taking effect.
  // 2. Over budget now, or before the next decision's change could work.
  const reaction = input.pollingSeconds + input.settleSeconds
  const projected = lag + Math.max(0, g(current)) * reaction
  const settling = input.sinceScaleSeconds !== null && input.sinceScaleSeconds < input.settleSeconds
  // The pause of the change itself is allowed for while it settles.
  if (settling && projected <= ceiling + input.settleSeconds) return { replicas: current, step: 'settle' }
  const midpoint = (ceiling + maxLagSeconds) / 2
  if (g(current) > 0 ? projected > ceiling : lag > midpoint) {
    // Sized for a rate RISE_MARGIN higher: the rate may still be rising, and a second step is a second pause.
    const rising = { ...rate, arrivalRate: rate.arrivalRate * (1 + RISE_MARGIN) }
    const fast = (n: number) => growth(n, rising) <= -DRAIN_RATE
    if (fast(current)) return { replicas: current, step: 'hold' }
    // Or a count that falls behind slowly enough to stay under the midpoint between budget and SLO for
    // another SLO, pause included (a 30 s burst is then ridden out with 6 replicas instead of 12).
    const rides = (n: number) =>
      lag + (n === current ? 0 : 1.5 * input.settleSeconds) + Math.max(0, g(n)) * maxLagSeconds <= midpoint
    if (rides(current)) return { replicas: current, step: 'hold' }
    const drain = counts.find((n) => n > current && (fast(n) || rides(n))) ?? top
    const replicas = Math.max(drain, current <= top ? nextEfficient(current, counts) : current)
    return replicas > current ? { replicas, step: 'drain' } : { replicas: current, step: 'hold' }
  }

  // 3. Within budget: the fewest counts that keep up or last horizonSeconds within it.
  for (const n of counts) {
    if (n > current) break
    const pause = n === current ? 0 : input.settleSeconds / 2
    const room = ceiling - lag - pause
    // Within budget after the change's pause (with no budget: when lag is under a second).
    const keepsUp = g(n) <= 0 && lag + pause <= Math.max(ceiling, pause + 1)
    const lasts = n === current || keepsUp || (room > 0 && room >= g(n) * input.horizonSeconds)
    if (lasts) return { replicas: n, step: g(n) <= 0 ? 'keep-up' : 'budget' }
  }
  return { replicas: current, step: 'hold' }
}

/** The current count, or the next count that relieves the busiest consumer when it does not keep up. */
function nextEfficient(current: number, counts: readonly number[]): number {
  return counts.includes(current) ? current : (counts.find((n) => n > current) ?? ceilReplicas(current))
}
