// The /metrics lag series come from one LagCollector per cluster; this merges their last snapshots into the
// single LagSource the metrics plugin reads. Health is the worst of them: up only when every cluster is up.
import type { LagSnapshot } from '../analyzer/lag/types.ts'
import type { CollectorHealth, LagSource } from '../monitor/lag-collector.ts'

export function mergedLagSource(sources: readonly LagSource[]): LagSource {
  if (sources.length === 1) return sources[0]!
  return {
    current() {
      const all = sources.map((s) => s.current())
      const snapshots = all.map((a) => a.snapshot).filter((s): s is LagSnapshot => s !== null)
      const snapshot: LagSnapshot | null =
        snapshots.length === 0
          ? null
          : {
              // The oldest, so a stale cluster makes the merged snapshot stale rather than hiding it.
              at: Math.min(...snapshots.map((s) => s.at)),
              policy: snapshots[0]!.policy,
              groups: snapshots.flatMap((s) => s.groups),
              partitions: snapshots.flatMap((s) => s.partitions),
              probes: [],
            }
      const healths = all.map((a) => a.health)
      const successes = healths.map((h) => h.lastSuccessAt)
      const health: CollectorHealth = {
        up: healths.every((h) => h.up),
        lastSuccessAt: successes.some((s) => s === null) ? null : Math.min(...(successes as number[])),
        lastDurationMs: Math.max(0, ...healths.map((h) => h.lastDurationMs ?? 0)),
        lastError: healths.find((h) => h.lastError !== null)?.lastError ?? null,
        collections: healths.reduce((n, h) => n + h.collections, 0),
        failures: healths.reduce((n, h) => n + h.failures, 0),
      }
      return { snapshot, health }
    },
  }
}
