// How many consumers partitions can use, and which replica counts spread partitions evenly.
//
// KEDA caps the *metric* (lag) at partitions × lagThreshold with an integer-division test, which lets
// ceil(L/T) exceed the partition count just below each step (P=3, T=10, L=39 → 4 replicas, L=40 → 3) and,
// combined with the HPA tolerance, can stall a few replicas short of the partition count (keda#2908,
// #4791). Here the cap applies to the replica count itself, so the proposal is monotone in lag and reaches
// the partition count exactly.
import type { KafkaMetadata, PartitionDistribution } from '../../config/schema.ts'
import type { LagFigures } from './types.ts'

/** Floating-point slack so that e.g. 30 / 10 × 1.0000000001 does not round up to 4. */
const EPSILON = 1e-9

export function ceilReplicas(x: number): number {
  return x <= EPSILON ? 0 : Math.ceil(x - EPSILON)
}

export type CapSettings = Pick<
  KafkaMetadata,
  'allowIdleConsumers' | 'limitToPartitionsWithLag' | 'partitionDistribution'
>

export interface Cap {
  replicas: number
  by: 'partitions' | 'partitionsWithLag'
}

/**
 * KEDA's rule for when the partition count caps replicas: unless allowIdleConsumers, or when an even
 * distribution is asked for (which forces the cap even with allowIdleConsumers, as in KEDA);
 * limitToPartitionsWithLag caps at the partitions that have lag instead. Null: no cap.
 */
export function partitionCap(settings: CapSettings, lag: LagFigures): Cap | null {
  if (settings.limitToPartitionsWithLag) return { replicas: lag.partitionsWithLag, by: 'partitionsWithLag' }
  if (!settings.allowIdleConsumers || settings.partitionDistribution !== 'any') {
    return { replicas: lag.partitions, by: 'partitions' }
  }
  return null
}

/** Divisors of n in increasing order. */
export function divisors(n: number): number[] {
  const low: number[] = []
  const high: number[] = []
  for (let i = 1; i * i <= n; i++) {
    if (n % i !== 0) continue
    low.push(i)
    if (i !== n / i) high.unshift(n / i)
  }
  return [...low, ...high]
}

/**
 * KEDA ensureEvenDistributionOfPartitions: the smallest divisor of P that is ≥ x (x = lag / threshold),
 * P when none is (docs ladder for P=10, T=10: lag 1–10 → 1, 11–20 → 2, 21–50 → 5, more → 10).
 */
export function nextDivisor(x: number, partitions: number): number {
  for (const d of divisors(partitions)) if (d + EPSILON >= x) return d
  return partitions
}

/**
 * The fewest replicas whose busiest consumer holds at most floor(P / x) partitions: with work spread evenly
 * over partitions, no consumer then carries more than 1/x of it, which is what "x replicas' worth" means. A
 * count between two such steps adds consumers without relieving the busiest one (12 partitions: 5 replicas
 * leave 3 on the busiest, as 4 do), so it is never chosen: 12 partitions, x=4.5 → 6.
 */
export function balancedCount(x: number, partitions: number): number {
  if (x <= EPSILON) return 0
  const perConsumer = Math.floor(partitions / x + EPSILON)
  if (perConsumer < 1) return partitions
  return Math.ceil(partitions / perConsumer)
}

/** Replica count for x replicas' worth of work, before the cap. */
export function roundReplicas(x: number, partitions: number, mode: PartitionDistribution): number {
  if (x <= EPSILON) return 0
  if (mode === 'any' || partitions <= 0 || x > partitions) return ceilReplicas(x)
  return mode === 'divisor' ? nextDivisor(x, partitions) : balancedCount(x, partitions)
}

/** A count that spreads P partitions the way `mode` wants: a divisor, or one that relieves the busiest. */
export function isEvenCount(n: number, partitions: number, mode: PartitionDistribution): boolean {
  if (mode === 'any' || partitions <= 0 || n <= 1 || n >= partitions) return true
  if (mode === 'divisor') return partitions % n === 0
  return Math.ceil(partitions / n) < Math.ceil(partitions / (n - 1))
}

/**
 * After rate limits and bounds the count may land between two even counts (a Pods policy of +4 from 1 gives
 * 5 of 12 partitions). Move it back toward `current` to the nearest even count that still changes something;
 * if there is none, keep it (progress beats evenness; the next step lands on an even count).
 */
export function snapToEven(
  desired: number,
  current: number,
  partitions: number,
  mode: PartitionDistribution,
): number {
  if (desired === current || isEvenCount(desired, partitions, mode)) return desired
  if (desired > current) {
    for (let n = desired - 1; n > current; n--) if (isEvenCount(n, partitions, mode)) return n
  } else {
    for (let n = desired + 1; n < current; n++) if (isEvenCount(n, partitions, mode)) return n
  }
  return desired
}
