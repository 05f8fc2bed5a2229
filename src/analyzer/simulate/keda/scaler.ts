// KEDA's Kafka scaler (`type: kafka`), exactly as keda-hpa-spec.md §1.3–1.4 describes it, for the baseline:
// the metric it reports to the HPA (total lag, capped with KEDA's integer-division test) and its activity.
// Unlike src/analyzer/scaling/partition-lag.ts (autopilot's deliberate fixes), this keeps KEDA's quirks:
// - the cap tests floor(L / T) > P, so ceil(L / T) can exceed P just below a step (P=3, T=10, L=39 → 4);
// - excludePersistentLag compares with the offset seen at the previous call by anyone (poll loop or HPA);
// - earliest without a commit counts the log-end offset (the simulator's logs start at 0, so it is the same).
// Partition selection (topic, partitionLimitation) and the divisor ladder are the colleague's, reused.
import type { KafkaMetadata } from '../../../config/schema.ts'
import { nextDivisor } from '../../scaling/partition-cap.ts'
import { partitionKey, selectPartitions } from '../../scaling/partition-lag.ts'
import type { LagView } from '../../scaling/types.ts'

/** The scaler instance's memory: committed offsets seen at the previous call (excludePersistentLag). */
export type KedaScalerMemory = Record<string, number>

export interface KedaMetric {
  /** What the HPA receives (AverageValue against lagThreshold). */
  metric: number
  /** Uncapped lag including persistent lag, for activation. */
  lagWithPersistent: number
  active: boolean
  totalPartitions: number
  partitionsWithLag: number
  memory: KedaScalerMemory
}

export function kedaMetric(view: LagView, md: KafkaMetadata, memory: KedaScalerMemory): KedaMetric {
  const partitions = selectPartitions(view, md)
  const next: KedaScalerMemory = { ...memory }
  let L = 0
  let Lw = 0
  let withLag = 0
  for (const p of partitions) {
    const c = p.committedOffset
    // The simulator's logs start at 0, so the log end is the retained count; a real view would need both.
    const e = c === null ? p.retainedRecords : p.lag === null ? null : c + p.lag
    let lag: number
    let lagWithPersistent: number
    if (c === null && md.offsetResetPolicy === 'latest') {
      lag = lagWithPersistent = md.scaleToZeroOnInvalidOffset ? 0 : 1
    } else if (c === null && md.scaleToZeroOnInvalidOffset) {
      lag = lagWithPersistent = 0
    } else if (e === null) {
      lag = lagWithPersistent = 0
    } else if (c === null) {
      lag = lagWithPersistent = e
    } else {
      lag = lagWithPersistent = e - c
      if (md.excludePersistentLag) {
        const k = partitionKey(p.topic, p.partition)
        if (memory[k] === c) lag = 0
        else next[k] = c
      }
    }
    L += lag
    Lw += lagWithPersistent
    if (lag > 0) withLag++
  }
  const T = md.lagThreshold
  const P = partitions.length
  if (!md.allowIdleConsumers || md.limitToPartitionsWithLag || md.ensureEvenDistributionOfPartitions) {
    let upper = P
    if (md.ensureEvenDistributionOfPartitions) L = nextDivisor(L / T, P) * T
    if (md.limitToPartitionsWithLag) upper = withLag
    if (Math.floor(L / T) > upper) L = upper * T
  }
  return {
    metric: Math.max(L, 0),
    lagWithPersistent: Lw,
    active: Lw > md.activationLagThreshold,
    totalPartitions: P,
    partitionsWithLag: withLag,
    memory: next,
  }
}
