// Text tables for lab results (the CLI and the bench).
import type { Comparison } from './calibration.ts'
import type { LabResult } from './lab.ts'
import { drainSummary } from './metrics.ts'
import type { RunMetrics } from './types.ts'

export const METRIC_HEADER = [
  'policy',
  's over SLO',
  'max lag',
  'max lag s',
  'replica-s',
  'scale events',
  'rebalances',
  'drain s (mean/max)',
]

export function metricCells(m: RunMetrics): string[] {
  const d = drainSummary(m.drains)
  const one = (v: number | null) => (v === null ? '-' : v.toFixed(1))
  // The oracle is lazy by construction (its lag sits near the SLO): drain time means nothing for it.
  const drain =
    m.drains.length === 0 || m.policy.startsWith('oracle')
      ? 'n/a'
      : `${one(d.mean)}/${one(d.max)}${d.undrained > 0 ? ` (${d.undrained} not drained)` : ''}`
  return [
    m.policy,
    m.secondsOverSlo.toFixed(1),
    String(m.maxLagRecords),
    m.maxLagSeconds.toFixed(1),
    String(Math.round(m.replicaSeconds)),
    String(m.scaleEvents),
    String(m.rebalances),
    drain,
  ]
}

/** An aligned plain-text table (first column left-aligned, the rest right-aligned). */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function labTable(result: LabResult): string {
  return table(
    METRIC_HEADER,
    result.runs.map((r) => metricCells(r.metrics)),
  )
}

function pauses(p: LabResult['params']): string {
  return p.groupProtocol === 'consumer'
    ? `consumer protocol, moved partitions pause ${p.movedPauseSeconds} s`
    : `rebalance pause ${p.rebalancePauseSeconds} s`
}

export function describeLab(result: LabResult): string {
  const p = result.params
  return (
    `trace ${result.trace.name}: ${result.trace.duration} s, ${p.partitions} partitions; SLO ${p.sloSeconds} s; ` +
    `model: ${p.throughputPerReplica} records/s per replica, ${pauses(p)}, ` +
    `start-up ${p.startupSeconds} s, metric delay ${p.metricDelaySeconds} s, commits every ${p.commitIntervalSeconds} s, ` +
    `step ${p.stepSeconds} s; lagThreshold ${result.lagThreshold}`
  )
}

export function comparisonLine(policy: string, c: Comparison): string {
  return (
    `${policy} vs recording: lag error mean ${c.lag.meanAbs} / max ${c.lag.maxAbs} records ` +
    `(peaks: real ${c.lag.observedPeak}, simulated ${c.lag.simulatedPeak}); ` +
    `lag time error mean ${c.lagSeconds.meanAbs} / max ${c.lagSeconds.maxAbs} s ` +
    `(peaks: real ${c.lagSeconds.observedPeak}, simulated ${c.lagSeconds.simulatedPeak})` +
    (c.replicasMatch === null ? '' : `; replicas equal on ${Math.round(c.replicasMatch * 100)}% of rows`)
  )
}
